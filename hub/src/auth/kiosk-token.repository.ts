import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Pool } from 'pg';

const digest = (token: string) => createHash('sha256').update(token).digest();

export interface KioskToken {
  id: string;
  name: string;
  gridScope: string | null;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
}

const COLUMNS = `id, name, grid_scope as "gridScope", created_by as "createdBy", created_at as "createdAt", expires_at as "expiresAt",
  revoked_at as "revokedAt", revoked_by as "revokedBy", last_used_at as "lastUsedAt", last_used_ip as "lastUsedIp"`;

/**
 * Kiosk tokens: 256 random bits handed to the administrator once; the database keeps only their SHA-256 (as for
 * refresh tokens: nobody chose the secret, so a password hash is not needed).
 */
@Injectable()
export class KioskTokenRepository {
  constructor(private readonly pool: Pool) {}

  async issue(input: { name: string; gridScope: string | null; expiresAt: Date | null; createdBy: string; now: Date }): Promise<{ token: string; kiosk: KioskToken }> {
    const token = randomBytes(32).toString('base64url');
    const { rows } = await this.pool.query<KioskToken>(
      `insert into kiosk_tokens (name, token_hash, grid_scope, created_by, created_at, expires_at)
       values ($1, $2, $3, $4, $5, $6) returning ${COLUMNS}`,
      [input.name, digest(token), input.gridScope, input.createdBy, input.now, input.expiresAt],
    );
    return { token, kiosk: rows[0]! };
  }

  async list(): Promise<KioskToken[]> {
    const { rows } = await this.pool.query<KioskToken>(`select ${COLUMNS} from kiosk_tokens order by created_at desc`);
    return rows;
  }

  /** Revokes a token; null when there is no such token, the token as it is now otherwise (revoked before or now). */
  async revoke(id: string, by: string, now: Date): Promise<KioskToken | null> {
    const { rows } = await this.pool.query<KioskToken>(
      `update kiosk_tokens set revoked_at = coalesce(revoked_at, $2), revoked_by = coalesce(revoked_by, $3) where id = $1 returning ${COLUMNS}`,
      [id, now, by],
    );
    return rows[0] ?? null;
  }

  /** The live token presented by a screen (not revoked, not expired), marking its use; null otherwise. */
  async use(token: string, now: Date, ip: string | null): Promise<KioskToken | null> {
    const { rows } = await this.pool.query<KioskToken>(
      `update kiosk_tokens set last_used_at = $2, last_used_ip = $3
        where token_hash = $1 and revoked_at is null and (expires_at is null or expires_at > $2)
        returning ${COLUMNS}`,
      [digest(token), now, ip],
    );
    return rows[0] ?? null;
  }

  /** The token behind a kiosk access token, if it is still live. */
  async findActive(id: string, now: Date): Promise<KioskToken | null> {
    const { rows } = await this.pool.query<KioskToken>(
      `select ${COLUMNS} from kiosk_tokens where id = $1 and revoked_at is null and (expires_at is null or expires_at > $2)`,
      [id, now],
    );
    return rows[0] ?? null;
  }
}
