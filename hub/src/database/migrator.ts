import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Pool, PoolClient } from 'pg';

export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

export interface MigrationResult {
  timescale: boolean;
  applied: string[];
}

async function sqlFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => /^\d{3}_[a-z0-9_]+\.sql$/.test(n)).sort();
}

/**
 * Applies numbered plain-SQL migrations once each, in order, every file in its own transaction. The
 * TimescaleDB statements live in `migrations/timescale/` and run only where the extension can be created;
 * everything else is the plain PostgreSQL path both share. An advisory lock keeps two hubs from racing.
 */
export class Migrator {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly timescaleMode: 'auto' | 'off',
    /**
     * Whether Timescale-License features (compression, continuous aggregates) may be used: 'detect' asks the
     * server; 'never' for the embedded build, whose first session reports the community license although
     * every later session refuses those features (which would then break every insert).
     */
    private readonly licensed: 'detect' | 'never' = 'detect',
    private readonly dir: string = MIGRATIONS_DIR,
  ) {}

  async run(): Promise<MigrationResult> {
    const client = await this.pool.connect();
    try {
      await client.query(`create schema if not exists ${this.schema}`);
      await client.query(`set search_path to ${this.schema}, public`);
      await client.query('select pg_advisory_lock(7271001)');
      try {
        await client.query(
          'create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())',
        );
        const done = new Set(
          (await client.query<{ id: string }>('select id from schema_migrations')).rows.map((r) => r.id),
        );
        const applied = await this.applyDir(client, this.dir, '', done);
        const timescale = await this.enableTimescale(client);
        if (timescale) {
          const { rows } = await client.query<{ tsl: boolean }>(
            `select coalesce(current_setting('timescaledb.license', true), '') = 'timescale' as tsl`,
          );
          const tsl = this.licensed === 'detect' && rows[0]!.tsl;
          // Read by the Timescale migrations: `current_setting('gridhub.timescale_tsl', true) = 'on'`.
          await client.query(`select set_config('gridhub.timescale_tsl', $1, false)`, [tsl ? 'on' : 'off']);
        }
        if (timescale) applied.push(...(await this.applyDir(client, join(this.dir, 'timescale'), 'timescale/', done)));
        return { timescale, applied };
      } finally {
        await client.query('select pg_advisory_unlock(7271001)');
      }
    } finally {
      client.release();
    }
  }

  private async enableTimescale(client: PoolClient): Promise<boolean> {
    if (this.timescaleMode === 'off') return false;
    const { rows } = await client.query<{ available: boolean }>(
      `select exists (select 1 from pg_available_extensions where name = 'timescaledb') as available`,
    );
    if (!rows[0]?.available) return false;
    await client.query('create extension if not exists timescaledb');
    return true;
  }

  private async applyDir(client: PoolClient, dir: string, prefix: string, done: Set<string>): Promise<string[]> {
    const applied: string[] = [];
    for (const file of await sqlFiles(dir)) {
      const id = prefix + file.replace(/\.sql$/, '');
      if (done.has(id)) continue;
      const sql = await readFile(join(dir, file), 'utf8');
      await client.query('begin');
      try {
        await client.query(sql);
        await client.query('insert into schema_migrations (id) values ($1)', [id]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw new Error(`migration ${id} failed: ${(error as Error).message}`);
      }
      applied.push(id);
    }
    return applied;
  }
}
