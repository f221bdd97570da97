#!/usr/bin/env node
// Concurrent connections benchmark: 50,000 authenticated devices hold an MQTT connection to one hub at once.
// Reports connections established, failures, connect rate (connections/s), time until all are connected, and the
// hub process's RSS and heap once they are (goal: RSS < 2 GiB), then closes everything.
//
// Goals (issue): 50,000 concurrent device connections with hub RSS < 2 GiB.
//
// What it does:
//   1. starts a hub in this process on the server database (unique schema, Redis prefix and data directory);
//   2. registers BENCH_CONNECTIONS devices through DeviceService, 50 at a time (each secret is hashed with argon2id,
//      ~2 ms; 50,000 take a few minutes — progress is printed);
//   3. forks load generator processes in 'hold' mode (bench/loadgen.js; at least 2, more if one process's open-file
//      limit is too small for its share) that open the connections at a controlled concurrency — MQTT 3.1.1,
//      keepalive 300 s, clean session, no reconnect — from source addresses 127.0.0.2, 127.0.0.3, … (at most
//      BENCH_CONNS_PER_ADDRESS per address, so ephemeral ports do not run out; 127/8 is all loopback on Linux);
//   4. once all are connected, waits BENCH_SETTLE_SECONDS, samples the hub's memory, holds the connections for
//      BENCH_HOLD_SECONDS (counting any that drop), closes them and waits for the hub to see them all gone.
//
// Open files: the hub process needs one descriptor per connection (plus a few hundred), each load generator one
// per connection it opens. Check `ulimit -Hn`; raising the limit needs privilege (CAP_SYS_RESOURCE), e.g.
//   prlimit --nofile=65536:65536 node bench/connections.js
//   (or: sudo sh -c 'ulimit -n 65536 && exec node bench/connections.js'; in Docker: --ulimit nofile=65536:65536)
// The script checks its own limit first and refuses (before starting anything) when it is too low for
// BENCH_CONNECTIONS; BENCH_FORCE=1 runs anyway, to see what happens at the limit.
//
//   npm run build && node bench/connections.js                               # 50,000 connections (minutes)
//   BENCH_CONNECTIONS=500 node bench/connections.js                           # a quick check
//   BENCH_CONNECTIONS=500 BENCH_CONNS_PER_ADDRESS=200 node bench/connections.js   # exercises 3 source addresses
//
// Environment: BENCH_CONNECTIONS (50000), BENCH_CONNECTION_PROCS (load generator processes, at least 2),
// BENCH_CONNECT_CONCURRENCY (connections being opened at once, over all processes: 100), BENCH_CONNS_PER_ADDRESS
// (20000), BENCH_SETTLE_SECONDS (10), BENCH_HOLD_SECONDS (10), BENCH_CONNECT_TIMEOUT_SECONDS (connect phase: 600),
// BENCH_TIMEOUT_SECONDS (whole run: 1800), BENCH_FORCE, BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_LOG_LEVEL (warn).
//
// Prints the result as JSON on stdout (progress on stderr) and writes bench/results/connections-<time>.json.
// Exit code 1 when not every connection was established (or a phase failed), 2 when the open-file limit is too low.
'use strict';
const os = require('node:os');
const { performance } = require('node:perf_hooks');
const {
  log, mb, round, runId, sleep, startBenchHub, registerDevices, forkLoadgen, split, startSampler, writeResult, openFileLimits,
} = require('./lib/common');

const int = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a whole number (got "${raw}")`);
  return v;
};
const CONNECTIONS = Math.max(1, int('BENCH_CONNECTIONS', 50000));
const CONCURRENCY = Math.max(1, int('BENCH_CONNECT_CONCURRENCY', 100));
const PER_ADDRESS = Math.max(1, int('BENCH_CONNS_PER_ADDRESS', 20000));
const SETTLE_SECONDS = int('BENCH_SETTLE_SECONDS', 10);
const HOLD_SECONDS = int('BENCH_HOLD_SECONDS', 10);
const CONNECT_TIMEOUT_S = Math.max(10, int('BENCH_CONNECT_TIMEOUT_SECONDS', 600));
const TIMEOUT_S = Math.max(60, int('BENCH_TIMEOUT_SECONDS', 1800));
const FORCE = process.env.BENCH_FORCE === '1';
const GOAL_RSS_MB = 2048;
const FD_MARGIN = 1000; // database pool, Redis, listeners, files, stdio

function hubMemory() {
  const m = process.memoryUsage();
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers) };
}

function aedesOf(hub) {
  try {
    const { AEDES } = require('@gridhub/hub/dist/broker/broker-core.module');
    return hub.app.get(AEDES, { strict: false });
  } catch {
    return null;
  }
}

async function main() {
  const limits = openFileLimits();
  const perProcessMax = Number.isFinite(limits.soft) ? Math.max(100, limits.soft - FD_MARGIN) : 20000;
  const processes = Math.max(2, int('BENCH_CONNECTION_PROCS', 2), Math.ceil(CONNECTIONS / perProcessMax));
  const addresses = Math.ceil(CONNECTIONS / PER_ADDRESS);
  if (addresses > 250) throw new Error('BENCH_CONNS_PER_ADDRESS is too small for BENCH_CONNECTIONS (more than 250 source addresses)');
  const needed = CONNECTIONS + FD_MARGIN;
  if (limits.soft < needed) {
    const message =
      `the open-file limit of this process is ${limits.soft} (hard ${limits.hard}); the hub needs about ${needed} for ` +
      `${CONNECTIONS} connections. Raise it (needs privilege), e.g. \`prlimit --nofile=${Math.max(65536, needed)}:${Math.max(65536, needed)} node bench/connections.js\`, ` +
      `or set BENCH_CONNECTIONS ≤ ${Math.max(0, limits.soft - FD_MARGIN)}.`;
    if (!FORCE) {
      console.error(`connections: ${message} (BENCH_FORCE=1 runs anyway)`);
      process.exit(2);
    }
    log(`warning: ${message} Running anyway (BENCH_FORCE=1).`);
  }

  const id = runId();
  const startedAt = Date.now();
  const deadline = startedAt + TIMEOUT_S * 1000;
  const result = {
    benchmark: 'connections',
    date: new Date().toISOString(),
    run: id,
    machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, openFiles: limits },
    config: {
      connections: CONNECTIONS, processes, connectConcurrency: CONCURRENCY, sourceAddresses: addresses, perAddress: PER_ADDRESS,
      keepaliveSeconds: 300, clean: true, settleSeconds: SETTLE_SECONDS, holdSeconds: HOLD_SECONDS,
    },
  };
  let ok = true;
  const gens = [];
  let watchdog = null;

  log(`starting the hub (server database)`);
  const bench = await startBenchHub({ db: 'server', id });
  const { hub } = bench;
  const abort = async (why) => {
    log(`ABORT: ${why}`);
    gens.forEach((g) => g.kill());
    await bench.cleanup();
    process.exit(3);
  };
  watchdog = setTimeout(() => void abort(`still running after ${TIMEOUT_S} s (BENCH_TIMEOUT_SECONDS)`), TIMEOUT_S * 1000);
  try {
    const aedes = aedesOf(hub);
    const connectedOnHub = () => (aedes && typeof aedes.connectedClients === 'number' ? aedes.connectedClients : null);
    result.hubIdle = hubMemory();

    // 1. Register the devices.
    const prefix = `bench-${id}`;
    const t0 = Date.now();
    let lastLog = 0;
    const creds = await registerDevices(hub, {
      prefix,
      count: CONNECTIONS,
      concurrency: 50,
      deadline,
      onProgress: (done, total) => {
        if (Date.now() - lastLog < 10000 && done < total) return;
        lastLog = Date.now();
        const rate = done / ((Date.now() - t0) / 1000);
        log(`registered ${done}/${total} devices (${Math.round(rate)}/s, ~${Math.round((total - done) / rate)} s left)`);
      },
    });
    result.registration = { seconds: round((Date.now() - t0) / 1000, 1), perSecond: Math.round(CONNECTIONS / ((Date.now() - t0) / 1000)) };
    result.hubAfterRegistration = hubMemory();

    // 2. Open the connections from the load generator processes.
    const devices = creds.map((c, i) => ({
      username: c.id, password: c.secret, clientId: c.id, topic: `gridhub/v1/air/${c.id}/status`,
      localAddress: `127.0.0.${2 + Math.floor(i / PER_ADDRESS)}`,
    }));
    const parts = split(devices, processes);
    const progress = new Array(parts.length).fill(null);
    const timeline = [];
    const sampler = startSampler(250);
    const connectStart = performance.now();
    log(`opening ${CONNECTIONS} connections from ${parts.length} processes, ${CONCURRENCY} at a time, ${addresses} source address(es), MQTT port ${hub.mqttPort}`);
    for (const [i, part] of parts.entries()) {
      gens.push(
        forkLoadgen(
          {
            url: `mqtt://127.0.0.1:${hub.mqttPort}`, devices: part, mode: 'hold', keepalive: 300, label: `conn-${i}`,
            connectConcurrency: Math.max(1, Math.round(CONCURRENCY / parts.length)), connectTimeoutMs: 30000,
            connectBudgetMs: CONNECT_TIMEOUT_S * 1000, holdSeconds: TIMEOUT_S,
          },
          { onProgress: (p) => (progress[i] = p) },
        ),
      );
    }
    const ticker = setInterval(() => {
      const connected = progress.reduce((n, p) => n + (p?.connected ?? 0), 0);
      const failed = progress.reduce((n, p) => n + (p?.failed ?? 0), 0);
      const s = Math.round((performance.now() - connectStart) / 1000);
      timeline[s] = connected;
      if (s % 5 === 0) {
        const m = sampler.sample();
        log(`${s} s: ${connected}/${CONNECTIONS} connected (hub sees ${connectedOnHub() ?? '?'}), ${failed} failed; hub RSS ${mb(m.rss)} MiB, heap ${mb(m.heapUsed)} MiB`);
      }
    }, 1000);
    let connectedReports;
    try {
      connectedReports = await Promise.all(gens.map((g) => g.connected));
    } finally {
      clearInterval(ticker);
    }
    const allConnectedSeconds = (performance.now() - connectStart) / 1000;
    const connectPhase = sampler.stop();
    const connected = connectedReports.reduce((n, r) => n + r.connected, 0);
    const failures = connectedReports.reduce((n, r) => n + r.connectFailures, 0);
    const notAttempted = connectedReports.reduce((n, r) => n + r.notAttempted, 0);
    const connectSeconds = Math.max(...connectedReports.map((r) => r.connectSeconds));
    log(`${connected} connected, ${failures} failed, ${notAttempted} not attempted, in ${round(allConnectedSeconds, 1)} s`);

    // 3. Settle, then measure the hub with every connection open.
    await sleep(SETTLE_SECONDS * 1000);
    const atHold = hubMemory();
    let onlineInDb = null;
    try {
      const { rows } = await hub.database.pool.query(`select count(*)::int as n from devices where id like $1 and online`, [`${prefix}-%`]);
      onlineInDb = rows[0].n;
    } catch {
      onlineInDb = 'n/a';
    }
    result.connect = {
      attempted: CONNECTIONS - notAttempted,
      established: connected,
      failures,
      notAttempted,
      errors: Object.assign({}, ...connectedReports.map((r) => r.connectErrors)),
      connectRatePerSecond: connectSeconds > 0 ? Math.round(connected / connectSeconds) : null,
      secondsToAllConnected: round(connectSeconds, 1),
      wallSecondsIncludingProcessStart: round(allConnectedSeconds, 1),
      connectLatencyMs: connectedReports.map((r) => r.connectLatencyMs),
      timelineConnected: Array.from(timeline, (v, i) => v ?? timeline.slice(0, i).filter((x) => x != null).at(-1) ?? 0),
    };
    result.hubWhileConnecting = connectPhase;
    result.hubAllConnected = { ...atHold, connectionsSeenByBroker: connectedOnHub(), devicesOnlineInDatabase: onlineInDb, bytesPerConnection: connected ? Math.round(((atHold.rssMb - result.hubAfterRegistration.rssMb) * 1048576) / connected) : null };
    result.goal = { rssMb: { goal: `< ${GOAL_RSS_MB}`, achieved: atHold.rssMb, met: atHold.rssMb < GOAL_RSS_MB && connected === CONNECTIONS } };
    log(`all connected: hub RSS ${atHold.rssMb} MiB, heap ${atHold.heapUsedMb} MiB, broker sees ${connectedOnHub() ?? '?'}, devices online in DB ${onlineInDb}`);

    // 4. Hold, close, and wait for the hub to let go of every connection.
    if (HOLD_SECONDS > 0) {
      log(`holding for ${HOLD_SECONDS} s`);
      await sleep(HOLD_SECONDS * 1000);
    }
    const closeSampler = startSampler(250);
    const closeStart = performance.now();
    gens.forEach((g) => g.close());
    const reports = await Promise.all(gens.map((g) => g.result));
    const clientsClosedSeconds = (performance.now() - closeStart) / 1000;
    let hubZeroSeconds = null;
    const waitUntil = Math.min(deadline - 30000, Date.now() + 300000);
    while (connectedOnHub() !== null && connectedOnHub() > 0 && Date.now() < waitUntil) await sleep(100);
    if (connectedOnHub() === 0) hubZeroSeconds = round((performance.now() - closeStart) / 1000, 1);
    const closePhase = closeSampler.stop();
    result.hold = {
      seconds: Math.max(...reports.map((r) => r.hold?.seconds ?? 0)),
      droppedWhileHeld: reports.reduce((n, r) => n + (r.hold?.droppedWhileHeld ?? 0), 0),
      stillConnectedAtClose: reports.reduce((n, r) => n + (r.hold?.stillConnected ?? 0), 0),
    };
    result.close = {
      clientsClosedSeconds: round(clientsClosedSeconds, 1),
      hubSeesZeroAfterSeconds: hubZeroSeconds,
      brokerStillCounts: connectedOnHub(),
      hubWhileClosing: closePhase,
      hubAfterClose: hubMemory(),
    };
    result.loadgens = reports.map((r) => ({ label: r.label, connections: r.connections, connected: r.connected, rssPeakMb: r.rssPeakMb, connectCpu: r.connectCpu, closeSeconds: r.closeSeconds }));
    ok = connected === CONNECTIONS && result.hold.droppedWhileHeld === 0;
  } catch (error) {
    log(`failed: ${error.stack ?? error.message}`);
    result.error = error.message;
    ok = false;
  } finally {
    clearTimeout(watchdog);
    gens.forEach((g) => g.kill());
    await Promise.all(gens.map((g) => g.exited));
    log('closing the hub and cleaning up');
    await bench.cleanup();
  }
  result.seconds = round((Date.now() - startedAt) / 1000, 1);
  const file = writeResult('connections', result);
  console.log(JSON.stringify(result, null, 2));
  if (result.connect) {
    log(
      `summary: ${result.connect.established}/${CONNECTIONS} connected, ${result.connect.failures} failed, ${result.connect.connectRatePerSecond} conn/s, ` +
        `all connected after ${result.connect.secondsToAllConnected} s; hub RSS ${result.hubAllConnected.rssMb} MiB ` +
        `(heap ${result.hubAllConnected.heapUsedMb} MiB) with all connected; goal RSS < ${GOAL_RSS_MB} MiB met: ${result.goal.rssMb.met}`,
    );
  }
  log(`result written to ${file}`);
  process.exitCode = ok ? 0 : 1;
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => setTimeout(() => process.exit(), 1000).unref());
