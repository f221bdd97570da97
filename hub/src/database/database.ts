import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { HubConfig } from '../config/config';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { MigrationResult, Migrator } from './migrator';

export interface Database {
  pool: Pool;
  /** 'embedded' (PGlite + TimescaleDB under the data directory) or 'server' (DATABASE_URL). */
  mode: 'embedded' | 'server';
  timescale: boolean;
  /** Where it is, without credentials, for the start-up banner. */
  describe: string;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** Opens the configured database (starting the embedded one if needed) and brings its schema up to date. */
export async function openDatabase(config: HubConfig, onError: (error: Error) => void): Promise<Database & { migrations: MigrationResult }> {
  let embedded: EmbeddedPostgres | null = null;
  const searchPath = `-c search_path=${config.databaseSchema},public`;
  let pool: Pool;
  let describe: string;
  if (config.databaseUrl) {
    pool = new Pool({ connectionString: config.databaseUrl, max: config.databasePoolSize, options: searchPath });
    describe = redact(config.databaseUrl);
  } else {
    const dir = resolve(join(config.dataDir, 'pgdata'));
    embedded = await startEmbeddedPostgres(dir);
    pool = new Pool({
      host: embedded.host,
      port: embedded.port,
      user: 'postgres',
      database: 'postgres',
      max: 1,
      options: searchPath,
    });
    describe = `embedded PGlite at ${dir}`;
  }
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', onError);
  const close = async () => {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
  };
  try {
    await pool.query('select 1');
  } catch (error) {
    await close();
    throw new DatabaseUnavailableError(
      `PostgreSQL is not reachable at ${describe} (${(error as Error).message}). Check DATABASE_URL, or unset it to use the embedded database.`,
    );
  }
  try {
    const migrations = await new Migrator(pool, config.databaseSchema, config.timescale, embedded ? 'never' : 'detect').run();
    return { pool, mode: embedded ? 'embedded' : 'server', timescale: migrations.timescale, describe, close, migrations };
  } catch (error) {
    await close();
    throw error;
  }
}
