#!/usr/bin/env node
// Dispatch latency benchmark (issue 5): incident creation → task delivered on the assigned worker's MQTT topic,
// at BENCH_RATE incidents/s (100) with BENCH_WORKERS grid workers (1,000) online. Goal: p99 < 200 ms.
//
// What it does:
//   1. starts a hub in this process (server database by default; unique schema, Redis prefix, data directory);
//   2. takes the demo city's 48 unit grids, puts the demo workers off duty and adds BENCH_WORKERS on-duty workers,
//      each the primary worker of one grid (about 21 per grid) at a point inside it, with a tablet account;
//   3. connects one MQTT tablet per worker (username/password like a real tablet) and subscribes each to its own
//      `gridhub/v1/workers/{id}/tasks` (QoS 1);
//   4. as the dispatcher, POSTs /api/v1/incidents at a fixed rate for BENCH_SECONDS — tasks from above
//      (source superior: filed and dispatched at once to the grid's least-loaded worker, timers scheduled),
//      at random points of the city, each with a unique title;
//   5. measures, per incident, the time from sending the POST to the task message arriving on the tablet of the
//      worker it was dispatched to (creation → delivery), and the POST's own response time; counts incidents whose
//      task never arrived (BENCH_DRAIN_SECONDS after the last) or arrived at the wrong tablet.
//
// The tablet accounts get a light argon2id hash (the device-secret parameters) so that 1,000 logins take seconds,
// not minutes: the login cost is not what is measured here.
//
//   npm run build && node bench/dispatch.js
//   BENCH_DB=embedded BENCH_WORKERS=200 BENCH_RATE=20 BENCH_SECONDS=10 node bench/dispatch.js
//
// Environment: BENCH_DB (server | embedded), BENCH_WORKERS (1000), BENCH_RATE (100 incidents/s), BENCH_SECONDS (30),
// BENCH_WARMUP (20 incidents, not measured), BENCH_DRAIN_SECONDS (10), BENCH_CATEGORY (garbage_overflow),
// BENCH_CPU_PROFILE (a file: the hub process's CPU profile over the measured window, for Chrome DevTools).
'use strict';
const { fork } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const os = require('node:os');
const { startBenchHub, runId, writeResult, log, round, sleep, startSampler } = require('./lib/common');
const { Histogram } = require('./lib/histogram');

const DB = process.env.BENCH_DB ?? 'server';
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const DRAIN_SECONDS = Number(process.env.BENCH_DRAIN_SECONDS ?? 10);
const CATEGORY = process.env.BENCH_CATEGORY ?? 'garbage_overflow';
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE ?? null;
const TABLET_PASSWORD = 'bench-tablet-pass';

/** This process's read and write system calls so far (Linux /proc/self/io), or null elsewhere. */
function syscalls() {
  try {
    const io = require('node:fs').readFileSync('/proc/self/io', 'utf8');
    const field = (name) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? NaN);
    return { reads: field('syscr'), writes: field('syscw') };
  } catch {
    return null;
  }
}

/** Samples this process's CPU (inspector profiler) until `stop()`, which writes a .cpuprofile to `file`. */
function startProfile(file) {
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  const started = post('Profiler.enable').then(() => post('Profiler.setSamplingInterval', { interval: 500 })).then(() => post('Profiler.start'));
  return {
    async stop() {
      await started;
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      require('node:fs').writeFileSync(file, JSON.stringify(profile));
      log(`CPU profile of the window written to ${file}`);
    },
  };
}

/** A point inside a polygon's bounding box, pulled towards its centre (the demo grids are near-rectangles). */
function pointIn(geometry, random) {
  const ring = geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0][0];
  const lons = ring.map((c) => c[0]);
  const lats = ring.map((c) => c[1]);
  const [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  return [w + (e - w) * (0.25 + 0.5 * random()), s + (n - s) * (0.25 + 0.5 * random())];
}

async function addWorkers(hub, grids, id) {
  const { SecretHasher } = require('@gridhub/ingest');
  const hash = await hub.app.get(SecretHasher).hashDeviceSecret(TABLET_PASSWORD);
  const pool = hub.database.pool;
  await pool.query('update workers set on_duty = false');
  const workers = [];
  for (let i = 0; i < WORKERS; i++) {
    const grid = grids[i % grids.length];
    const [lon, lat] = pointIn(grid.geometry, Math.random);
    workers.push({ id: randomUUID(), username: `bw-${id}-${i}`, name: `bench ${i}`, grid: grid.code, lon, lat });
  }
  for (let start = 0; start < workers.length; start += 500) {
    const chunk = workers.slice(start, start + 500);
    await pool.query(
      `insert into workers (id, name, on_duty, lon, lat) select * from unnest($1::uuid[], $2::text[], $3::boolean[], $4::float8[], $5::float8[])`,
      [chunk.map((w) => w.id), chunk.map((w) => w.name), chunk.map(() => true), chunk.map((w) => w.lon), chunk.map((w) => w.lat)],
    );
    await pool.query(`insert into worker_grids (worker_id, grid_code) select * from unnest($1::uuid[], $2::text[])`, [chunk.map((w) => w.id), chunk.map((w) => w.grid)]);
    await pool.query(
      `insert into accounts (username, password_hash, role, display_name, grid_scope, worker_id)
       select u, $2, 'grid_worker', n, null, w from unnest($1::text[], $3::text[], $4::uuid[]) as t(u, n, w)`,
      [chunk.map((w) => w.username), hash, chunk.map((w) => w.name), chunk.map((w) => w.id)],
    );
  }
  return workers;
}

async function connectTablets(mqttPort, workers, onTask) {
  const mqtt = require('mqtt');
  const clients = [];
  let failures = 0;
  const started = Date.now();
  for (let start = 0; start < workers.length; start += 50) {
    await Promise.all(
      workers.slice(start, start + 50).map(async (w) => {
        try {
          const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
            username: w.username,
            password: TABLET_PASSWORD,
            clientId: `tablet-${w.username}`,
            reconnectPeriod: 0,
            connectTimeout: 30_000,
            keepalive: 300,
          });
          client.on('message', (_topic, payload) => onTask(w.id, payload, performance.now()));
          await client.subscribeAsync(`gridhub/v1/workers/${w.id}/tasks`, { qos: 1 });
          clients.push(client);
        } catch (error) {
          failures++;
          if (failures <= 3) log(`tablet ${w.username} failed to connect: ${error.message}`);
        }
      }),
    );
  }
  return { clients, failures, seconds: (Date.now() - started) / 1000 };
}

/**
 * The client side, in a forked process so that the hub process runs only the hub: the tablets and the dispatcher's
 * HTTP client. Times are taken in this process only (sent → received), so no clocks are compared across processes.
 */
async function runClients({ id, httpPort, mqttPort, workers, grids }, signal) {
  const pending = new Map(); // title → { sentAt, measured, incidentId?, assignee?, deliveredAt?, deliveredTo? }
  const delivery = new Histogram();
  const response = new Histogram();
  let delivered = 0;
  let duplicates = 0;
  const onTask = (workerId, payload, at) => {
    const task = JSON.parse(payload.toString());
    if (task.type !== 'task.assigned') return;
    const entry = pending.get(task.title);
    if (!entry) return;
    if (entry.deliveredAt !== undefined) {
      duplicates++;
      return;
    }
    entry.deliveredAt = at;
    entry.deliveredTo = workerId;
    if (entry.measured) {
      delivery.record(at - entry.sentAt);
      delivered++;
    }
  };
  const tablets = await connectTablets(mqttPort, workers, onTask);
  log(`${tablets.clients.length} tablets connected in ${tablets.seconds.toFixed(1)} s (${tablets.failures} failed)`);
  try {
    const base = `http://127.0.0.1:${httpPort}`;
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dispatcher', password: 'Dispatch-2026' }),
    });
    const { accessToken } = await login.json();
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };

    let seq = 0;
    let httpErrors = 0;
    const errors = {};
    const send = async (measured) => {
      const n = seq++;
      const grid = grids[Math.floor(Math.random() * grids.length)];
      const [lon, lat] = pointIn(grid.geometry, Math.random);
      const title = `bench ${id} #${n}`;
      const entry = { sentAt: performance.now(), measured };
      pending.set(title, entry);
      try {
        const res = await fetch(`${base}/api/v1/incidents`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ category: CATEGORY, title, description: 'bench', lon, lat, source: 'superior' }),
        });
        const body = await res.json();
        if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(body.message)}`);
        if (measured) response.record(performance.now() - entry.sentAt);
        entry.incidentId = body.id;
        entry.assignee = body.assigneeWorkerId;
        if (body.status !== 'dispatched') entry.notDispatched = body.status;
      } catch (error) {
        httpErrors++;
        const why = error.cause?.code ?? error.cause?.message ?? '';
        const key = why ? `${error.message}: ${why}` : error.message;
        errors[key] = (errors[key] ?? 0) + 1;
        entry.failed = true;
      }
    };

    log(`warm-up: ${WARMUP} incidents`);
    for (let i = 0; i < WARMUP; i++) await send(false);
    await sleep(500);

    log(`${RATE} incidents/s for ${SECONDS} s`);
    signal('window');
    const total = Math.round(RATE * SECONDS);
    const startedAt = performance.now();
    const inFlight = [];
    let behind = 0;
    for (let i = 0; i < total; i++) {
      const due = startedAt + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      else if (wait < -50) behind++;
      inFlight.push(send(true));
    }
    const sendSeconds = (performance.now() - startedAt) / 1000;
    await Promise.all(inFlight);
    const measuredEntries = () => [...pending.values()].filter((e) => e.measured && !e.failed);
    const drainUntil = Date.now() + DRAIN_SECONDS * 1000;
    while (Date.now() < drainUntil && measuredEntries().some((e) => e.deliveredAt === undefined)) await sleep(100);
    const entries = measuredEntries();
    return {
      tabletsConnected: tablets.clients.length,
      tabletConnectFailures: tablets.failures,
      sent: total,
      sendSeconds: round(sendSeconds, 2),
      achievedRate: round(total / sendSeconds, 1),
      behindSchedule: behind,
      httpErrors,
      errors,
      delivered,
      missing: entries.filter((e) => e.deliveredAt === undefined).length,
      notDispatched: entries.filter((e) => e.notDispatched).length,
      wrongTablet: entries.filter((e) => e.deliveredAt !== undefined && e.deliveredTo !== e.assignee).length,
      duplicateDeliveries: duplicates,
      creationToDeliveryMs: delivery.summary(),
      postResponseMs: response.summary(),
      p99: delivery.percentile(99),
    };
  } finally {
    await Promise.all(tablets.clients.map((c) => c.endAsync(true).catch(() => undefined)));
  }
}

async function main() {
  const id = runId();
  const bench = await startBenchHub({ db: DB, id, env: { HTTP_RATE_LIMIT_PER_MINUTE: '100000000', DATABASE_POOL_SIZE: '16' } });
  const { hub } = bench;
  let child = null;
  try {
    const { rows: grids } = await hub.database.pool.query(`select code, geometry from grids where level = 'grid' order by code`);
    log(`${grids.length} unit grids; adding ${WORKERS} workers`);
    const workers = await addWorkers(hub, grids, id);

    child = fork(__filename, [], { env: { ...process.env, BENCH_DISPATCH_ROLE: 'clients' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.execArgv });
    let sampler = null;
    let profile = null;
    let io = null;
    const clients = await new Promise((resolve, reject) => {
      child.on('message', (m) => {
        if (m.type === 'window') {
          sampler = startSampler(200);
          io = syscalls();
          if (CPU_PROFILE) profile = startProfile(CPU_PROFILE);
        }
        else if (m.type === 'result') resolve(m.result);
        else if (m.type === 'error') reject(new Error(m.message));
      });
      child.on('exit', (code) => reject(new Error(`the client process exited (${code}) without a result`)));
      child.send({ type: 'start', config: { id, httpPort: hub.httpPort, mqttPort: hub.mqttPort, workers, grids } });
    });
    const hubProcess = sampler?.stop() ?? null;
    const ioEnd = syscalls();
    if (hubProcess && io && ioEnd) {
      // Per incident of the window (with its warm-up-free drain): socket reads and writes are most of the I/O here.
      const n = clients.sent;
      hubProcess.syscallsPerIncident = { reads: round((ioEnd.reads - io.reads) / n, 1), writes: round((ioEnd.writes - io.writes) / n, 1) };
      hubProcess.cpuMsPerIncident = round((hubProcess.cpuPercentOfCore / 100) * hubProcess.seconds * 1000 / n, 2);
    }
    await profile?.stop();
    const { rows: inDb } = await hub.database.pool.query(`select count(*)::int as n from incidents where title like $1 and status = 'dispatched'`, [`bench ${id} #%`]);
    const { p99, ...measured } = clients;
    const result = {
      benchmark: 'dispatch',
      db: DB,
      machine: { cpus: os.cpus().length, memoryGb: round(os.totalmem() / 2 ** 30, 1), node: process.version, loadAverage: os.loadavg().map((l) => round(l, 1)) },
      workers: WORKERS,
      targetRate: RATE,
      seconds: SECONDS,
      ...measured,
      dispatchedInDatabase: inDb[0].n,
      goal: { p99Ms: 200, met: p99 !== null && p99 < 200 && measured.missing === 0 },
      hubProcess,
    };
    console.log(JSON.stringify(result, null, 2));
    log(`written to ${writeResult('dispatch', result)}`);
    process.exitCode = measured.missing > 0 || measured.httpErrors > 0 || measured.wrongTablet > 0 ? 1 : 0;
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await bench.cleanup();
  }
}

if (process.env.BENCH_DISPATCH_ROLE === 'clients') {
  process.on('message', (m) => {
    if (m.type !== 'start') return;
    runClients(m.config, (type) => process.send({ type })).then(
      (result) => process.send({ type: 'result', result }, () => process.exit(0)),
      (error) => process.send({ type: 'error', message: error.stack ?? String(error) }, () => process.exit(1)),
    );
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
