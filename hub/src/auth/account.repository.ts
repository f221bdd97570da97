import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { Account, Role } from './account.types';

export interface NewAccount {
  username: string;
  passwordHash: string;
  role: Role;
  displayName: string;
  gridScope: string | null;
  workerId: string | null;
}

@Injectable()
export class AccountRepository {
  constructor(private readonly pool: Pool) {}

  async insert(account: NewAccount): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      `insert into accounts (username, password_hash, role, display_name, grid_scope, worker_id)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [account.username, account.passwordHash, account.role, account.displayName, account.gridScope, account.workerId],
    );
    return rows[0]!.id;
  }

  async findWithHash(username: string): Promise<{ account: Account; passwordHash: string } | null> {
    const { rows } = await this.pool.query<Account & { passwordHash: string }>(
      `select id, username, role, display_name as "displayName", grid_scope as "gridScope",
              worker_id as "workerId", password_hash as "passwordHash"
         from accounts where username = $1`,
      [username],
    );
    const row = rows[0];
    if (!row) return null;
    const { passwordHash, ...account } = row;
    return { account, passwordHash };
  }
}
