import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';

const digest = (token: string) => createHash('sha256').update(token).digest();

export type RefreshOutcome =
  | { kind: 'rotated'; accountId: string; token: string }
  | { kind: 'reused'; accountId: string }
  | { kind: 'invalid' };

/**
 * Refresh tokens: 256 random bits handed to the client once; the database keeps only their SHA-256 (a hash
 * made for passwords is not needed for a secret nobody chose). Every use rotates the token; presenting a
 * used one again means it was copied, and the whole family is revoked.
 */
@Injectable()
export class RefreshTokenRepository {
  constructor(private readonly pool: Pool) {}

  async issue(accountId: string, now: Date, ttlSeconds: number, family: string = randomUUID()): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.pool.query(
      `insert into refresh_tokens (family, account_id, token_hash, created_at, expires_at)
       values ($1, $2, $3, $4, $4::timestamptz + make_interval(secs => $5))`,
      [family, accountId, digest(token), now, ttlSeconds],
    );
    return token;
  }

  /** Spends a refresh token: a new one in the same family, or the verdict on why not. */
  async rotate(token: string, now: Date, ttlSeconds: number): Promise<RefreshOutcome> {
    const hash = digest(token);
    // Only one caller can spend a token: the second sees used_at set (after waiting on the row lock).
    const spent = await this.pool.query<{ family: string; accountId: string }>(
      `update refresh_tokens set used_at = $2
        where token_hash = $1 and used_at is null and revoked_at is null and expires_at > $2
        returning family, account_id as "accountId"`,
      [hash, now],
    );
    const row = spent.rows[0];
    if (row) return { kind: 'rotated', accountId: row.accountId, token: await this.issue(row.accountId, now, ttlSeconds, row.family) };
    const replayed = await this.pool.query<{ family: string; accountId: string }>(
      `select family, account_id as "accountId" from refresh_tokens where token_hash = $1 and used_at is not null and revoked_at is null`,
      [hash],
    );
    const reuse = replayed.rows[0];
    if (!reuse) return { kind: 'invalid' };
    await this.pool.query(`update refresh_tokens set revoked_at = $2 where family = $1 and revoked_at is null`, [reuse.family, now]);
    return { kind: 'reused', accountId: reuse.accountId };
  }

  async revoke(token: string, now: Date): Promise<string | null> {
    const { rows } = await this.pool.query<{ accountId: string }>(
      `update refresh_tokens set revoked_at = $2
        where family = (select family from refresh_tokens where token_hash = $1) and revoked_at is null
        returning account_id as "accountId"`,
      [digest(token), now],
    );
    return rows[0]?.accountId ?? null;
  }

  async revokeAll(accountId: string, now: Date): Promise<void> {
    await this.pool.query(`update refresh_tokens set revoked_at = $2 where account_id = $1 and revoked_at is null`, [accountId, now]);
  }
}
