import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { Role } from '@gridhub/contracts';
import { AccountDetail } from './account.types';

export interface NewAccount {
  username: string;
  passwordHash: string;
  role: Role;
  displayName: string;
  gridScope: string | null;
  workerId: string | null;
  departmentCode?: string | null;
}

export interface AccountChange {
  role?: Role;
  displayName?: string;
  gridScope?: string | null;
  disabled?: boolean;
  passwordHash?: string;
  departmentCode?: string | null;
}

const ACCOUNT_COLUMNS = `id, username, role, display_name as "displayName", grid_scope as "gridScope", worker_id as "workerId",
  department_code as "departmentCode"`;
const DETAIL_COLUMNS = `${ACCOUNT_COLUMNS}, disabled, locked_until as "lockedUntil", failed_logins as "failedLogins",
  created_at as "createdAt", updated_at as "updatedAt"`;

@Injectable()
export class AccountRepository {
  constructor(private readonly pool: Pool) {}

  async insert(account: NewAccount): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      `insert into accounts (username, password_hash, role, display_name, grid_scope, worker_id, department_code)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [account.username, account.passwordHash, account.role, account.displayName, account.gridScope, account.workerId, account.departmentCode ?? null],
    );
    return rows[0]!.id;
  }

  async findWithHash(username: string): Promise<{ account: AccountDetail; passwordHash: string } | null> {
    const { rows } = await this.pool.query<AccountDetail & { passwordHash: string }>(
      `select ${DETAIL_COLUMNS}, password_hash as "passwordHash" from accounts where username = $1`,
      [username],
    );
    const row = rows[0];
    if (!row) return null;
    const { passwordHash, ...account } = row;
    return { account, passwordHash };
  }

  async findById(id: string): Promise<AccountDetail | null> {
    const { rows } = await this.pool.query<AccountDetail>(`select ${DETAIL_COLUMNS} from accounts where id = $1`, [id]);
    return rows[0] ?? null;
  }

  async list(): Promise<AccountDetail[]> {
    const { rows } = await this.pool.query<AccountDetail>(`select ${DETAIL_COLUMNS} from accounts order by username`);
    return rows;
  }

  /**
   * Counts a failed login and locks the account for `lockoutMinutes` when it reaches `maxFailures` in a row.
   * One statement, so parallel guesses cannot slip past the count. Returns the lock's end, if locked now.
   */
  async recordFailure(id: string, now: Date, maxFailures: number, lockoutMinutes: number): Promise<Date | null> {
    const { rows } = await this.pool.query<{ lockedUntil: Date | null }>(
      `update accounts
          set failed_logins = case when failed_logins + 1 >= $3 then 0 else failed_logins + 1 end,
              locked_until = case when failed_logins + 1 >= $3 then $2::timestamptz + make_interval(mins => $4) else locked_until end
        where id = $1
        returning case when locked_until > $2 then locked_until end as "lockedUntil"`,
      [id, now, maxFailures, lockoutMinutes],
    );
    return rows[0]?.lockedUntil ?? null;
  }

  async recordSuccess(id: string): Promise<void> {
    await this.pool.query(`update accounts set failed_logins = 0, locked_until = null where id = $1 and (failed_logins > 0 or locked_until is not null)`, [id]);
  }

  async update(id: string, change: AccountChange, now: Date): Promise<AccountDetail | null> {
    const { rows } = await this.pool.query<AccountDetail>(
      `update accounts
          set role = coalesce($2, role),
              display_name = coalesce($3, display_name),
              grid_scope = case when $4 then $5 else grid_scope end,
              disabled = coalesce($6, disabled),
              password_hash = coalesce($7, password_hash),
              updated_at = $8,
              department_code = case when $9 then $10 else department_code end
        where id = $1
        returning ${DETAIL_COLUMNS}`,
      [
        id,
        change.role ?? null,
        change.displayName ?? null,
        'gridScope' in change,
        change.gridScope ?? null,
        change.disabled ?? null,
        change.passwordHash ?? null,
        now,
        'departmentCode' in change,
        change.departmentCode ?? null,
      ],
    );
    return rows[0] ?? null;
  }

  async unlock(id: string, now: Date): Promise<AccountDetail | null> {
    const { rows } = await this.pool.query<AccountDetail>(
      `update accounts set failed_logins = 0, locked_until = null, updated_at = $2 where id = $1 returning ${DETAIL_COLUMNS}`,
      [id, now],
    );
    return rows[0] ?? null;
  }

  async departmentExists(code: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('select 1 from departments where code = $1', [code]);
    return (rowCount ?? 0) > 0;
  }

  async gridExists(code: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('select 1 from grids where code = $1', [code]);
    return (rowCount ?? 0) > 0;
  }
}
