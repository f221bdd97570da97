// Helpers shared by the benchmark harnesses (sustained.js, connections.js): an isolated hub per run and its
// cleanup, device registration, forking and merging load generators, resource sampling, result files.
'use strict';
const { fork } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync, mkdirSync, writeFileSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Histogram } = require('./histogram');

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LOADGEN = join(__dirname, '..', 'loadgen.js');
const RESULTS_DIR = join(__dirname, '..', 'results');

const mb = (bytes) => Math.round(bytes / 1048576);
const BENCH_ADMIN_PASSWORD = 'bench-admin-pass';
const round = (v, digits = 0) => (v == null || !Number.isFinite(v) ? v : Math.round(v * 10 ** digits) / 10 ** digits);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (...args) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

/** A run id: lower-case hex, usable in schema names, Redis prefixes, device ids and topics. */
const runId = () => randomBytes(4).toString('hex');

/** Deletes every Redis key under `prefix:` (the hub's BullMQ keys). */
async function clearRedisPrefix(prefix) {
  const Redis = require('ioredis');
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0' && ++rounds < 100000);
  } finally {
    redis.disconnect();
  }
  return deleted;
}

async function dropSchema(schema) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/**
 * Starts a hub in this process, isolated for one run: its own schema (server path) or temporary data directory
 * (embedded path), its own Redis prefix, free HTTP and MQTT ports. `cleanup()` closes the hub and removes all
 * three; it is idempotent and also runs on SIGINT/SIGTERM.
 */
async function startBenchHub({ db, id, env = {} }) {
  const { loadConfig, startHub } = require('@gridhub/hub');
  const dataDir = mkdtempSync(join(tmpdir(), `gridhub-bench-${id}-`));
  const schema = `bench_${id}`;
  const redisPrefix = `gh-bench-${id}`;
  const config = loadConfig({
    NODE_ENV: 'test', HOST: '127.0.0.1', HTTP_PORT: '0', MQTT_PORT: '0', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    // Load generators send far above a real device's rate: lift the per-device and per-client limits.
    MQTT_DEVICE_MESSAGES_PER_SECOND: '10000000', MQTT_DEVICE_BYTES_PER_SECOND: '10000000000', HTTP_RATE_LIMIT_PER_MINUTE: '10000000',
    GRIDHUB_DATA_DIR: dataDir, REDIS_URL, REDIS_PREFIX: redisPrefix, GRIDHUB_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
    // The benchmarks' figures were taken on the classic 48-grid demo city; demo-city.js measures the Taiyuan one.
    GRIDHUB_DEMO_CITY: 'classic',
    ...(db === 'server' ? { DATABASE_URL: SERVER_URL, DATABASE_SCHEMA: schema } : {}),
    ...env,
    // BENCH_HUB_ENV: more of the hub's variables for one run, as JSON (e.g. '{"DATABASE_POOL_SIZE":"4"}').
    ...(process.env.BENCH_HUB_ENV ? JSON.parse(process.env.BENCH_HUB_ENV) : {}),
  });
  let hub = null;
  let cleaned = null;
  const cleanup = () =>
    (cleaned ??= (async () => {
      const problems = [];
      const step = async (what, fn) => {
        try {
          await fn();
        } catch (error) {
          problems.push(`${what}: ${error.message}`);
        }
      };
      if (hub) await step('closing the hub', () => hub.close());
      if (db === 'server') await step(`dropping schema ${schema}`, () => dropSchema(schema));
      await step(`removing ${dataDir}`, async () => rmSync(dataDir, { recursive: true, force: true }));
      await step(`deleting Redis keys ${redisPrefix}:*`, () => clearRedisPrefix(redisPrefix));
      for (const p of problems) log(`cleanup: ${p}`);
      return problems;
    })());
  const onSignal = (signal) => {
    log(`${signal}: cleaning up`);
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    hub = await startHub(config);
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { hub, config, schema, dataDir, redisPrefix, cleanup };
}

/** Fails the run unless the hub's `readings` table holds exactly `expected` rows (a load that stored nothing is no benchmark). */
async function expectRows(pool, expected) {
  const { rows } = await pool.query('select count(*)::int as n from readings');
  if (rows[0].n !== expected) throw new Error(`loaded ${rows[0].n} readings, expected ${expected}`);
}

/**
 * Registers `count` air devices `${prefix}-${i}` through the hub's DeviceService (each secret is hashed with
 * argon2id), `concurrency` at a time; returns [{id, secret}] in index order.
 */
async function registerDevices(hub, { prefix, count, concurrency = 50, deadline = Infinity, onProgress }) {
  const { DeviceService } = require('@gridhub/ingest');
  const devices = hub.app.get(DeviceService);
  const creds = new Array(count);
  for (let start = 0; start < count; start += concurrency) {
    if (Date.now() > deadline) throw new Error(`registration took too long (${start} of ${count} registered)`);
    const chunk = [];
    for (let i = start; i < Math.min(count, start + concurrency); i++) {
      const lon = 112.5465 + (i % 8) * 0.00114;
      const lat = 37.8555 - (Math.floor(i / 8) % 6) * 0.0009;
      chunk.push(
        devices.register({ id: `${prefix}-${i}`, family: 'air', name: `bench ${i}`, lon, lat }).then(({ device, secret }) => {
          creds[i] = { id: device.id, secret };
        }),
      );
    }
    await Promise.all(chunk);
    onProgress?.(Math.min(count, start + concurrency), count);
  }
  return creds;
}

/** A promise with its resolve and reject; a rejection nobody awaits is not reported as unhandled. */
function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * Forks bench/loadgen.js with `config` (see there). Returns promises for its 'connected', 'subscribed' and
 * 'result' messages and functions to send it 'go' / 'drain' / 'close' / 'stop'. A child that exits without
 * reporting rejects them.
 */
function forkLoadgen(config, { onProgress } = {}) {
  const child = fork(LOADGEN, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', execArgv: [] });
  // One promise per message the child reports once ('result' carries the result itself); all fail together.
  const reported = { connected: deferred(), subscribed: deferred(), result: deferred() };
  const failAll = (error) => Object.values(reported).forEach((d) => d.reject(error));
  child.on('message', (message) => {
    if (message.type === 'progress') onProgress?.(message);
    else if (message.type === 'result') reported.result.resolve(message.result);
    else reported[message.type]?.resolve(message);
  });
  child.on('exit', (code, signal) => {
    // Messages still in the IPC pipe may be emitted after 'exit': give them a moment before giving up.
    setTimeout(() => failAll(new Error(`loadgen ${config.label ?? child.pid} exited (${signal ?? code}) without reporting`)), 500);
  });
  child.on('error', failAll);
  const send = (message) => {
    if (child.connected) child.send(message);
  };
  send({ type: 'start', config });
  const exited = new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  return {
    child,
    connected: reported.connected.promise,
    subscribed: reported.subscribed.promise,
    result: reported.result.promise,
    exited,
    go: () => send({ type: 'go' }),
    drain: (expected) => send({ type: 'drain', expected }),
    close: () => send({ type: 'close' }),
    stop: () => send({ type: 'stop' }),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Splits `items` into `parts` contiguous slices of near-equal size. */
function split(items, parts) {
  const out = [];
  const size = Math.ceil(items.length / parts);
  for (let i = 0; i < parts; i++) out.push(items.slice(i * size, (i + 1) * size));
  return out.filter((s) => s.length > 0);
}

const addArrays = (arrays) => {
  const out = [];
  for (const a of arrays) (a ?? []).forEach((v, i) => (out[i] = (out[i] ?? 0) + v));
  return out.map((v) => v ?? 0);
};

/** Median of the timeline without its first and last second (ramp-up and drain). */
function steadyRate(timeline) {
  const inner = timeline.slice(1, -1);
  if (inner.length === 0) return timeline.length ? Math.max(...timeline) : 0;
  const sorted = [...inner].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Merges the 'publish' results of several loadgen processes into one summary. */
function mergePublishResults(results) {
  const latency = results.reduce((h, r) => h.merge(Histogram.from(r.publish.latency)), new Histogram());
  const sum = (f) => results.reduce((s, r) => s + f(r), 0);
  const ackedTimeline = addArrays(results.map((r) => r.publish.timelineAcked));
  const sentTimeline = addArrays(results.map((r) => r.publish.timelineSent));
  const window = Math.max(...results.map((r) => r.publish.windowSeconds));
  const elapsed = Math.max(...results.map((r) => r.publish.elapsedSeconds));
  const acked = sum((r) => r.publish.acked);
  return {
    processes: results.length,
    connections: sum((r) => r.connected),
    connectFailures: sum((r) => r.connectFailures),
    windowSeconds: round(window, 2),
    elapsedSeconds: round(elapsed, 2),
    sent: sum((r) => r.publish.sent),
    acked,
    failed: sum((r) => r.publish.failed),
    unacked: sum((r) => r.publish.unacked),
    disconnects: sum((r) => r.publish.disconnects),
    ackedPerSecond: Math.round(acked / elapsed),
    steadyAckedPerSecond: steadyRate(ackedTimeline),
    behindSchedule: sum((r) => r.publish.behindSchedule ?? 0),
    latencyMs: latency.summary(),
    timelineAcked: ackedTimeline,
    timelineSent: sentTimeline,
    errors: Object.assign({}, ...results.map((r) => r.publish.errors ?? {})),
    loadgenCpuPercentOfCore: results.map((r) => round(((r.cpu.userMs + r.cpu.systemMs) / 1000 / r.publish.elapsedSeconds) * 100)),
    loadgenCpuSeconds: round(results.reduce((n, r) => n + (r.cpu.userMs + r.cpu.systemMs) / 1000, 0), 2),
    perDevice: results.flatMap((r) => r.publish.perDevice ?? []),
  };
}

const { TICKS } = require('./proc-cpu');

function readProcStat() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + (v[4] ?? 0);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    return { idle, total };
  } catch {
    return null;
  }
}

/**
 * Samples this process's RSS and heap every `intervalMs`, and measures its CPU time and the machine's CPU
 * busy share between start and stop().
 */
function startSampler(intervalMs = 200) {
  const { performance, monitorEventLoopDelay } = require('node:perf_hooks');
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const start = {
    cpu: process.cpuUsage(),
    t: process.hrtime.bigint(),
    stat: readProcStat(),
    mem: process.memoryUsage(),
    elu: performance.eventLoopUtilization(),
  };
  const peak = { rss: start.mem.rss, heapUsed: start.mem.heapUsed, external: start.mem.external };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.external = Math.max(peak.external, m.external);
    return m;
  };
  const timer = setInterval(sample, intervalMs);
  return {
    sample,
    stop() {
      clearInterval(timer);
      loopDelay.disable();
      const elu = performance.eventLoopUtilization(start.elu);
      const end = sample();
      const seconds = Number(process.hrtime.bigint() - start.t) / 1e9;
      const cpu = process.cpuUsage(start.cpu);
      const stat = readProcStat();
      const machine =
        stat && start.stat && stat.total > start.stat.total
          ? 100 * (1 - (stat.idle - start.stat.idle) / (stat.total - start.stat.total))
          : null;
      return {
        seconds: round(seconds, 2),
        rssMb: { start: mb(start.mem.rss), peak: mb(peak.rss), end: mb(end.rss) },
        heapUsedMb: { start: mb(start.mem.heapUsed), peak: mb(peak.heapUsed), end: mb(end.heapUsed) },
        externalMb: { peak: mb(peak.external) },
        cpuPercentOfCore: round(((cpu.user + cpu.system) / 1e6 / seconds) * 100),
        cpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
        eventLoopUtilization: round(elu.utilization, 2),
        // monitorEventLoopDelay records the whole timer interval; minus its 10 ms resolution = the lag.
        eventLoopLagMs: {
          p50: round(Math.max(0, loopDelay.percentile(50) / 1e6 - 10), 1),
          p99: round(Math.max(0, loopDelay.percentile(99) / 1e6 - 10), 1),
          max: round(Math.max(0, loopDelay.max / 1e6 - 10), 1),
        },
        machineCpuBusyPercent: round(machine),
        // All cores' busy time meanwhile (/proc/stat counts in USER_HZ ticks): the machine's CPU per message.
        machineBusyCpuSeconds: stat && start.stat ? round((stat.total - start.stat.total - (stat.idle - start.stat.idle)) / TICKS, 2) : null,
      };
    },
  };
}

/** Writes `result` to bench/results/<name>-<timestamp>.json and returns the path. */
function writeResult(name, result) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const file = join(RESULTS_DIR, `${name}-${stamp}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}

/** The p-th percentile of an ascending array. */
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** p50 / p95 / max of durations in ms, to 0.1 ms. */
function latencySummary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50), 1), p95: round(percentile(sorted, 95), 1), max: round(sorted.at(-1), 1) };
}

/** The bench hub's admin bearer token (startBenchHub sets the admin password), through the generated client. */
async function adminToken(base) {
  const { createHubClient } = require('@gridhub/client');
  const { data, response } = await createHubClient({ baseUrl: base }).POST('/api/v1/auth/login', {
    body: { username: 'admin', password: BENCH_ADMIN_PASSWORD },
  });
  if (!data) throw new Error(`bench admin login: HTTP ${response.status}`);
  return data.accessToken;
}

/**
 * Times each GET in `queries` (name → path) over HTTP, `runs` times after `warmup` requests that warm the caches.
 * `measure(name, text)` reads the answer (e.g. how many points it holds) into the result next to `ms`.
 */
async function timeGets(base, token, queries, { runs, warmup = 3, measure }) {
  const results = {};
  for (const [name, path] of Object.entries(queries)) {
    const times = [];
    let size = {};
    for (let i = 0; i < warmup + runs; i++) {
      const t0 = process.hrtime.bigint();
      const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
      const text = await res.text();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${text.slice(0, 500)}`);
      size = measure(name, text);
      if (i >= warmup) times.push(ms);
    }
    results[name] = { ...size, ms: latencySummary(times) };
    const [what, n] = Object.entries(size)[0] ?? ['bytes', 0];
    log(`${name}: ${n} ${what}, p50 ${results[name].ms.p50} ms, p95 ${results[name].ms.p95} ms`);
  }
  return results;
}

/** The soft and hard open-file limits of this process, from /proc/self/limits. */
function openFileLimits() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line.replace('Max open files', '').trim().split(/\s+/);
    const n = (v) => (v === 'unlimited' ? Infinity : Number(v));
    return { soft: n(soft), hard: n(hard) };
  } catch {
    return { soft: NaN, hard: NaN };
  }
}

module.exports = {
  expectRows,
  SERVER_URL,
  REDIS_URL,
  BENCH_ADMIN_PASSWORD,
  mb,
  round,
  percentile,
  latencySummary,
  adminToken,
  timeGets,
  sleep,
  log,
  runId,
  clearRedisPrefix,
  dropSchema,
  startBenchHub,
  registerDevices,
  forkLoadgen,
  split,
  addArrays,
  steadyRate,
  mergePublishResults,
  startSampler,
  writeResult,
  openFileLimits,
};
