import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface EmbeddedPostgres {
  host: string;
  port: number;
  stop(): Promise<void>;
}

const WORKER_FILE = join(__dirname, '..', '..', 'embedded', 'pglite-worker.cjs');

type WorkerMessage = { type: 'ready'; host: string; port: number } | { type: 'stopped' } | { type: 'error'; message: string };

function next(worker: Worker): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerMessage) => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolve(m);
    };
    const onError = (e: Error) => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      reject(e);
    };
    const onExit = (code: number) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      reject(new Error(`embedded database worker exited (code ${code})`));
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
}

/**
 * PGlite (Postgres 17 in WebAssembly) with its TimescaleDB extension, persisted under `dataDir`, running in a
 * worker thread and served on a loopback port over the Postgres wire protocol — so the hub talks to it
 * through the same `pg` code as to a real server.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const worker = new Worker(WORKER_FILE, { workerData: { dataDir } });
  const started = await next(worker);
  if (started.type !== 'ready') {
    await worker.terminate();
    throw new Error(`embedded database did not start: ${started.type === 'error' ? started.message : started.type}`);
  }
  return {
    host: started.host,
    port: started.port,
    async stop() {
      const stopped = next(worker);
      worker.postMessage('stop');
      const result = await stopped.catch((error: Error) => ({ type: 'error' as const, message: error.message }));
      await worker.terminate();
      if (result.type === 'error') throw new Error(`embedded database did not stop cleanly: ${result.message}`);
    },
  };
}
