import { Injectable, Logger } from '@nestjs/common';
import { Pool } from 'pg';

export const AUDIT_ACTIONS = [
  'login.success',
  'login.failure',
  'login.locked',
  'token.refresh',
  'token.reuse',
  'logout',
  'account.create',
  'account.update',
  'account.unlock',
  'admin.change',
  'mqtt.login.failure',
  'mqtt.login.blocked',
  'kiosk.issue',
  'kiosk.revoke',
  'kiosk.session',
  'kiosk.refused',
  'catalogue.read',
  'catalogue.access',
  'catalogue.refused',
  'catalogue.request',
  'catalogue.decide',
  'catalogue.change',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  at: Date;
  /** `account:<username>`, `device:<id>`, `anonymous`… */
  actor: string;
  action: AuditAction;
  target?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'detail'>> {
  id: string;
  detail: Record<string, unknown>;
}

/** The append-only audit log of logins and administrative changes. */
@Injectable()
export class AuditRepository {
  private readonly logger = new Logger(AuditRepository.name);

  constructor(private readonly pool: Pool) {}

  /** Records an entry; a failure to record is logged, never thrown into the request that caused it. */
  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.pool.query(`insert into audit_log (at, actor, action, target, ip, detail) values ($1, $2, $3, $4, $5, $6)`, [
        entry.at,
        entry.actor,
        entry.action,
        entry.target ?? null,
        entry.ip ?? null,
        JSON.stringify(entry.detail ?? {}),
      ]);
    } catch (error) {
      this.logger.error(`audit entry ${entry.action} by ${entry.actor} not recorded: ${(error as Error).message}`);
    }
  }

  async list(filter: { action?: string; target?: string; limit: number; beforeId?: string }): Promise<AuditRecord[]> {
    const { rows } = await this.pool.query<AuditRecord>(
      `select id::text, at, actor, action, target, ip, detail from audit_log
        where ($1::text is null or action = $1) and ($2::text is null or target = $2) and ($3::bigint is null or id < $3)
        order by id desc limit $4`,
      [filter.action ?? null, filter.target ?? null, filter.beforeId ?? null, filter.limit],
    );
    return rows;
  }
}
