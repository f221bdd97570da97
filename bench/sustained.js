#!/usr/bin/env node
// Sustained QoS 1 ingest benchmark (the main one): authenticated devices publish air readings of 6–8
// metrics for 60 s as fast as the hub acknowledges them (each connection keeps up to 50 messages in flight).
// Reports messages/s, publish → PUBACK latency (the hub acknowledges a QoS 1 message only once it is committed,
// so this is publish-to-durable), zero loss proven by counting rows, hub RSS and CPU, and the ratio to
// Mosquitto's bare QoS 1 pub/sub rate measured in the same run.
//
// Goals (issue): ≥ 20,000 msg/s sustained, zero loss, p99 publish-to-durable < 1 s.
//
// Phases:
//   1. Mosquitto baseline (mqtt://127.0.0.1:1883, anonymous): a forked loadgen publishes QoS 1 on
//      bench/<run>/<i> (one connection per device); one subscriber, a forked loadgen process of its own in
//      subscribe mode, QoS 1 on bench/<run>/#, counts deliveries. Reports the publish-ack rate and the delivered
//      (pub/sub) rate.
//   2. GridHub (embedded broker): the hub runs in this process (so its RSS/CPU are this process's), devices are registered through
//      DeviceService, the forked loadgen(s) publish on gridhub/v1/air/<id>/data with the devices' credentials.
//      Afterwards the readings rows of those devices are counted per device: every acknowledged message must
//      have all its metrics stored (stored ≥ acked × metrics, and ≤ sent × metrics).
//   3. GridHub behind NATS (BENCH_NATS=1, the default; 0 skips it): a nats-server of the run's own (JetStream, MQTT
//      listener, the device accounts the hub issues), the same devices, the same load generator publishing to the
//      NATS MQTT listener; a second hub in this process consumes the JetStream stream. NATS acknowledges a publish
//      once its stream has it, before GridHub has stored it, so this phase reports publish → PUBACK and, measured in
//      the hub, publish → durable (commit time minus the message's ts, which the load generator sets to its
//      publish time), and the durable rate: acknowledged messages over the time until the last one was committed.
//
// Rate limit: GridHub's default per-device limit (50 msg/s) is kept in the product; this benchmark raises it
// explicitly (MQTT_DEVICE_MESSAGES_PER_SECOND, bench/lib/common.js) because each load generator connection sends
// hundreds of messages per second. Behind NATS the limit does not apply at all (NATS's MQTT listener has none).
//
//   npm run build && node bench/sustained.js                    # server PostgreSQL, 100 devices, 60 s
//   BENCH_DB=embedded node bench/sustained.js                   # embedded PGlite + TimescaleDB (temp data dir)
//   BENCH_SECONDS=5 BENCH_DEVICES=20 node bench/sustained.js    # a quick check
//
// Environment: BENCH_DB (server|embedded, default server), BENCH_EMBEDDED=0 / BENCH_NATS=0 (skip phase 2 / 3), BENCH_DEVICES (100), BENCH_SECONDS (60),
// BENCH_BASELINE_SECONDS (= BENCH_SECONDS; 0 skips the Mosquitto phase), BENCH_BASELINE_STEPS (7) and
// BENCH_BASELINE_STEP_SECONDS (10): the paced passes that find Mosquitto's lossless pub/sub rate, BENCH_LOADGENS (load generator
// processes, 1), BENCH_INFLIGHT (max unacknowledged messages per connection, 50), BENCH_METRICS (6–8, default 8),
// BENCH_RATE (total target msg/s; unset = as fast as acknowledged), BENCH_MOSQUITTO_URL (mqtt://127.0.0.1:1883),
// BENCH_MQTT_CLIENT (the publishers' client: packet = bench/lib/packet-client.js, the default; mqtt.js),
// BENCH_DATABASE_URL (postgresql://postgres@127.0.0.1:5432/test), BENCH_REDIS_URL, BENCH_LOG_LEVEL (warn),
// BENCH_TRACE_SQL=1 (time every SQL statement in the hub process: a breakdown of the write transaction).
// Always reported: hubWrites (the hub's batched-writer transactions: count, size, duration, share of the time the
// single writer was busy, batches queued behind the running one), from a passive wrapper around the hub's
// ReadingRepository.write / IngestWriter.flush instances.
//
// Prints the result as JSON on stdout (progress on stderr) and writes bench/results/sustained-<db>-<time>.json.
// Exit code 1 when an acknowledged message is not stored (or a phase fails). Cleans up its schema, temporary
// data directory and Redis keys (prefix gh-bench-<run>) also when interrupted.
'use strict';
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const os = require('node:os');
const { performance } = require('node:perf_hooks');
const {
  log, round, runId, startBenchHub, registerDevices, forkLoadgen, split, mergePublishResults, steadyRate, startSampler, writeResult,
} = require('./lib/common');
const { programCpu } = require('./lib/proc-cpu');

const num = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number (got "${raw}")`);
  return v;
};
const DB = process.env.BENCH_DB ?? 'server';
const DEVICES = Math.max(1, Math.floor(num('BENCH_DEVICES', 100)));
const SECONDS = num('BENCH_SECONDS', 60);
const BASELINE_SECONDS = num('BENCH_BASELINE_SECONDS', SECONDS);
const LOADGENS = Math.max(1, Math.min(DEVICES, Math.floor(num('BENCH_LOADGENS', 1))));
const INFLIGHT = Math.max(1, Math.floor(num('BENCH_INFLIGHT', 50)));
const METRICS = Math.floor(num('BENCH_METRICS', 8));
const RATE = process.env.BENCH_RATE ? num('BENCH_RATE', 0) : null;
const MOSQUITTO_URL = process.env.BENCH_MOSQUITTO_URL ?? 'mqtt://127.0.0.1:1883';
const CLIENT = process.env.BENCH_MQTT_CLIENT ?? 'packet';
const BASELINE_STEPS = Math.floor(num('BENCH_BASELINE_STEPS', 7));
const BASELINE_STEP_SECONDS = num('BENCH_BASELINE_STEP_SECONDS', 10);
const GOALS = { messagesPerSecond: 20000, p99Ms: 1000 };
const NATS = process.env.BENCH_NATS !== '0';
const EMBEDDED = process.env.BENCH_EMBEDDED !== '0';
const NATS_DRAIN_MS = 120000;
const NATS_PACED_SECONDS = num('BENCH_NATS_PACED_SECONDS', 20);
const DRAIN_TIMEOUT_MS = 30000;

if (!['server', 'embedded'].includes(DB)) throw new Error('BENCH_DB must be server or embedded');
if (METRICS < 6 || METRICS > 8) throw new Error('BENCH_METRICS must be 6, 7 or 8');
if (!['packet', 'mqtt.js'].includes(CLIENT)) throw new Error('BENCH_MQTT_CLIENT must be packet or mqtt.js');
if (SECONDS <= 0) throw new Error('BENCH_SECONDS must be > 0');

/** Forks the load generators over `devices`, starts them together once all are connected, merges results. */
async function runLoad(url, devices, label, seconds, sampleDuring, rate = RATE) {
  const parts = split(devices, LOADGENS);
  const gens = parts.map((part, i) =>
    forkLoadgen({
      url, devices: part, mode: 'publish', seconds, qos: 1, maxInflight: INFLIGHT, metrics: METRICS,
      rate: rate === null ? null : (rate * part.length) / devices.length, drainTimeoutMs: DRAIN_TIMEOUT_MS,
      connectConcurrency: 20, client: CLIENT, label: `${label}-${i}`,
    }),
  );
  try {
    const connected = await Promise.all(gens.map((g) => g.connected));
    const failures = connected.reduce((n, c) => n + c.connectFailures, 0);
    if (failures > 0) {
      throw new Error(`${failures} of ${devices.length} connections failed: ${JSON.stringify(Object.assign({}, ...connected.map((c) => c.connectErrors)))}`);
    }
    log(`${label}: ${devices.length} connections up (${gens.length} loadgen process${gens.length > 1 ? 'es' : ''}); publishing for ${seconds} s`);
    const during = sampleDuring?.();
    const goAt = Date.now();
    gens.forEach((g) => g.go());
    const progress = setInterval(() => log(`${label}: ${Math.round((Date.now() - goAt) / 1000)} s`), 10000);
    const results = await Promise.all(gens.map((g) => g.result)).finally(() => clearInterval(progress));
    return { merged: mergePublishResults(results), goAt, sampled: during?.stop() };
  } finally {
    gens.forEach((g) => g.kill());
    await Promise.all(gens.map((g) => g.exited));
  }
}

const perMessage = (seconds, messages) => (seconds === null || seconds === undefined || !(messages > 0) ? null : round((seconds * 1e6) / messages, 1));

/**
 * Where the machine's CPU went per acknowledged message during a GridHub phase: the hub process, the broker in front
 * of it (nats-server), the database server (PostgreSQL's processes on this machine; inside the hub on the embedded
 * path), the load generator, and the whole machine (all cores' busy time, so `other` is what none of these used:
 * Redis, the kernel's loopback work, other programs).
 */
function cpuBreakdown(merged, sampled, { broker = null, database = null }) {
  const parts = {
    hub: perMessage(sampled?.cpuSeconds, merged.acked),
    broker: perMessage(broker, merged.acked),
    database: perMessage(database, merged.acked),
    loadgen: perMessage(merged.loadgenCpuSeconds, merged.acked),
    machine: perMessage(sampled?.machineBusyCpuSeconds, merged.acked),
  };
  const known = ['hub', 'broker', 'database', 'loadgen'].reduce((n, k) => n + (parts[k] ?? 0), 0);
  return { ...parts, other: parts.machine === null ? null : round(parts.machine - known, 1) };
}

/**
 * One Mosquitto pass: `DEVICES` publishers (paced to `rate` msg/s in total, or as fast as acknowledged) and one
 * subscriber on all their topics. The subscriber is a load generator process of its own in subscribe mode (lean
 * client, QoS 1, acknowledging every delivery), so neither the harness nor the publishers slow it down.
 */
async function mosquittoPass(topicRoot, clientPrefix, label, seconds, rate) {
  const mosquittoCpu = programCpu('mosquitto');
  const sub = forkLoadgen({
    url: MOSQUITTO_URL, devices: [{ topic: `${topicRoot}/#`, clientId: `${clientPrefix}-sub` }], mode: 'subscribe', qos: 1,
    seconds, drainTimeoutMs: DRAIN_TIMEOUT_MS, client: 'packet', label: `${label}-sub`,
  });
  try {
    const connected = await sub.connected;
    if (connected.connectFailures > 0) throw new Error(`the Mosquitto subscriber could not connect: ${JSON.stringify(connected.connectErrors)}`);
    await sub.subscribed;
    const devices = Array.from({ length: DEVICES }, (_, i) => ({ topic: `${topicRoot}/${i}`, clientId: `${clientPrefix}-pub-${i}` }));
    const load = await runLoad(MOSQUITTO_URL, devices, label, seconds, () => (sub.go(), null), rate);
    // Let the subscriber's queue drain: until everything acknowledged arrived, or nothing came for 3 s (≤ 30 s).
    sub.drain(load.merged.acked);
    const { subscribe: received, cpu } = await sub.result;
    return { load: load.merged, received, subscriberCpuMs: cpu.userMs + cpu.systemMs, mosquittoCpuSeconds: mosquittoCpu.stop() };
  } finally {
    sub.kill();
    await sub.exited;
  }
}

/**
 * Mosquitto's bare QoS 1 rates on this machine, in the same run:
 * - flood: publishers as fast as Mosquitto acknowledges (`publishAckedPerSecond`, what a QoS 1 publisher sees)
 *   and what the subscriber got meanwhile (`deliveredPerSecond`). A QoS 1 PUBACK does not wait for subscribers,
 *   so a flood outruns delivery: once Mosquitto's queue for the subscriber is full (`max_queued_messages`) it
 *   drops messages, and a saturated broker delivers only a fraction (`notDelivered`).
 * - lossless pub/sub (`losslessPubSubPerSecond`, the baseline of the ratio): the highest paced publish rate at
 *   which the subscriber received every message, found by bisection over `BASELINE_STEPS` paced passes of
 *   `BASELINE_STEP_SECONDS` between 0 and the flood's publish rate. That is the like of what GridHub does: every
 *   acknowledged message reaches its consumer (the database).
 */
async function mosquittoBaseline(id) {
  const flood = await mosquittoPass(`bench/${id}/flood`, `bench-${id}-flood`, 'mosquitto', BASELINE_SECONDS, null);
  const m = flood.load;
  const delivered = flood.received.delivered;
  const steps = [];
  let lo = null;
  let hi = m.ackedPerSecond;
  for (let k = 0; k < BASELINE_STEPS; k++) {
    const rate = Math.round(((lo?.rate ?? 0) + hi) / 2);
    const pass = await mosquittoPass(`bench/${id}/r${k}`, `bench-${id}-r${k}`, `mosquitto-${rate}`, BASELINE_STEP_SECONDS, rate);
    const p = pass.load;
    const lossless = p.failed === 0 && p.behindSchedule === 0 && pass.received.delivered === p.acked;
    const step = {
      rate, acked: p.acked, delivered: pass.received.delivered, behindSchedule: p.behindSchedule, lossless,
      deliveredPerSecond: Math.round(pass.received.delivered / Math.max(0.001, pass.received.seconds)),
      // Where the CPU went per relayed message (Mosquitto itself, where it runs on this machine).
      cpuMicrosPerMessage: {
        broker: perMessage(pass.mosquittoCpuSeconds, p.acked),
        publishers: perMessage(p.loadgenCpuSeconds, p.acked),
        subscriber: perMessage(pass.subscriberCpuMs / 1000, p.acked),
      },
    };
    steps.push(step);
    log(`mosquitto: paced at ${rate} msg/s: ${step.delivered}/${step.acked} delivered${lossless ? ' (lossless)' : ''}`);
    if (lossless) lo = step;
    else hi = rate;
  }
  const lossy = steps.filter((st) => !st.lossless).map((st) => st.rate);
  return {
    url: MOSQUITTO_URL,
    seconds: BASELINE_SECONDS,
    connections: m.connections,
    sent: m.sent,
    acked: m.acked,
    failed: m.failed,
    delivered,
    notDelivered: m.acked - delivered,
    publishAckedPerSecond: m.ackedPerSecond,
    steadyPublishAckedPerSecond: m.steadyAckedPerSecond,
    deliveredPerSecond: Math.round(delivered / Math.max(0.001, flood.received.seconds)),
    steadyDeliveredPerSecond: steadyRate(flood.received.timelineDelivered),
    losslessPubSubPerSecond: lo?.deliveredPerSecond ?? null,
    // The bisection's resolution: the lowest paced rate that lost something (the lossless rate lies below it).
    lossyFromPerSecond: lossy.length > 0 ? Math.min(...lossy) : null,
    losslessCpuMicrosPerMessage: lo?.cpuMicrosPerMessage ?? null,
    losslessSearch: { stepSeconds: BASELINE_STEP_SECONDS, steps },
    pubackLatencyMs: m.latencyMs,
    loadgenCpuPercentOfCore: m.loadgenCpuPercentOfCore,
    subscriberCpuPercentOfCore: Math.round((flood.subscriberCpuMs / 1000 / Math.max(1, flood.received.seconds)) * 100),
    timelineAcked: m.timelineAcked,
    timelineDelivered: flood.received.timelineDelivered,
  };
}

async function hubCounters() {
  const { ingestMetrics } = require('@gridhub/ingest');
  const out = {};
  for (const [name, counter] of Object.entries(ingestMetrics)) {
    for (const v of (await counter.get()).values) out[`${name}{${Object.values(v.labels).join(',')}}`] = v.value;
  }
  return out;
}
/**
 * Passive instrumentation of the hub's batched writer: wraps ReadingRepository.write on the hub's instance (the
 * IngestWriter calls it once per transaction, one at a time) to count batches, their sizes and durations.
 */
function traceWrites(hub) {
  const { ReadingRepository } = require('@gridhub/ingest');
  const { Histogram } = require('./lib/histogram');
  let repo;
  try {
    repo = hub.app.get(ReadingRepository, { strict: false });
  } catch {
    return { stop: () => null };
  }
  const original = repo.write;
  const duration = new Histogram();
  let batches = 0;
  let rows = 0;
  let messages = 0;
  let maxRows = 0;
  let busyMs = 0;
  let failures = 0;
  // Batches cut by the IngestWriter (flush() with messages waiting) minus transactions finished = batches queued
  // behind the running transaction. Reads a private field of IngestWriter; skipped if that changes.
  let writer = null;
  let originalFlush = null;
  let cut = 0;
  let maxQueued = 0;
  try {
    const { IngestWriter } = require('@gridhub/ingest');
    writer = hub.app.get(IngestWriter, { strict: false });
    if (!Array.isArray(writer.waiters)) writer = null;
  } catch {
    writer = null;
  }
  if (writer) {
    originalFlush = writer.flush;
    writer.flush = function tracedFlush(...args) {
      if (this.waiters.length > 0) {
        cut++;
        maxQueued = Math.max(maxQueued, cut - batches);
      }
      return originalFlush.apply(this, args);
    };
  }
  repo.write = async function traced(batch) {
    const t0 = performance.now();
    const n = (batch.readings?.length ?? 0) + (batch.events?.length ?? 0) + (batch.deadLetters?.length ?? 0);
    try {
      return await original.call(this, batch);
    } catch (error) {
      failures++;
      throw error;
    } finally {
      const ms = performance.now() - t0;
      duration.record(ms);
      busyMs += ms;
      batches++;
      rows += n;
      maxRows = Math.max(maxRows, n);
      messages += batch.seen?.length ?? 0;
    }
  };
  return {
    stop(windowSeconds) {
      repo.write = original;
      if (writer) writer.flush = originalFlush;
      return {
        maxBatchesQueuedBehindRunningTransaction: writer ? maxQueued : null,
        transactions: batches,
        failedTransactions: failures,
        meanRowsPerTransaction: batches ? Math.round(rows / batches) : null,
        maxRowsPerTransaction: maxRows,
        meanMessagesPerTransaction: batches ? Math.round(messages / batches) : null,
        transactionMs: duration.summary(),
        writerBusyPercent: windowSeconds ? round((busyMs / 1000 / windowSeconds) * 100) : null,
      };
    },
  };
}

/**
 * BENCH_TRACE_SQL=1: times every query of every pg client in this process (the hub's included) by statement,
 * from call to result, for a breakdown of the write transaction. Adds a little overhead; off by default.
 */
function traceSql() {
  if (process.env.BENCH_TRACE_SQL !== '1') return { stop: () => undefined };
  const { Histogram } = require('./lib/histogram');
  const { Client } = require(require.resolve('pg', { paths: [require('node:path').dirname(require.resolve('@gridhub/ingest'))] }));
  const original = Client.prototype.query;
  const stats = new Map();
  const keyOf = (text) => String(text).replace(/\s+/g, ' ').trim().slice(0, 70);
  Client.prototype.query = function tracedQuery(config, values, callback) {
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof callback === 'function' || typeof values === 'function' || typeof config?.submit === 'function' || !text) {
      return original.call(this, config, values, callback);
    }
    const t0 = performance.now();
    const done = () => {
      const key = keyOf(text);
      let entry = stats.get(key);
      if (!entry) stats.set(key, (entry = { calls: 0, totalMs: 0, hist: new Histogram() }));
      const ms = performance.now() - t0;
      entry.calls++;
      entry.totalMs += ms;
      entry.hist.record(ms);
    };
    const promise = original.call(this, config, values);
    promise.then(done, done);
    return promise;
  };
  return {
    stop() {
      Client.prototype.query = original;
      return [...stats.entries()]
        .sort((a, b) => b[1].totalMs - a[1].totalMs)
        .slice(0, 15)
        .map(([sql, e]) => ({ sql, calls: e.calls, totalMs: Math.round(e.totalMs), meanMs: round(e.totalMs / e.calls, 2), p99Ms: round(e.hist.percentile(99), 1) }));
    },
  };
}

const counterDelta = (before, after) =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));

async function gridhubRun(id) {
  log(`gridhub: starting the hub (${DB} database)`);
  const bench = await startBenchHub({ db: DB, id });
  const { hub } = bench;
  try {
    const prefix = `bench-${id}`;
    const t0 = Date.now();
    const creds = await registerDevices(hub, { prefix, count: DEVICES, concurrency: 50 });
    const registerSeconds = round((Date.now() - t0) / 1000, 1);
    log(`gridhub: ${DEVICES} devices registered in ${registerSeconds} s; MQTT on port ${hub.mqttPort}`);
    const devices = creds.map((c) => ({ username: c.id, password: c.secret, clientId: c.id, topic: `gridhub/v1/air/${c.id}/data` }));
    const writes = traceWrites(hub);
    const sql = traceSql();
    const countersBefore = await hubCounters();
    const pgCpu = programCpu('postgres');
    const load = await runLoad(`mqtt://127.0.0.1:${hub.mqttPort}`, devices, 'gridhub', SECONDS, () => startSampler(100));
    const pgCpuSeconds = DB === 'server' ? pgCpu.stop() : null;
    const countersAfter = await hubCounters();
    const writeStats = writes.stop(load.sampled?.seconds);
    const sqlStats = sql.stop();
    const m = load.merged;

    // Zero loss, per device: every acknowledged message has all its metrics stored.
    const { rows } = await hub.database.pool.query(
      `select device_id, count(*)::int as n from readings where device_id like $1 group by device_id`,
      [`${prefix}-%`],
    );
    const stored = new Map(rows.map((r) => [r.device_id, r.n]));
    const dead = await hub.database.pool.query(`select count(*)::int as n from dead_letters where device_id like $1`, [`${prefix}-%`]);
    let lostReadings = 0;
    let devicesWithLoss = 0;
    let devicesOverSent = 0;
    let devicesPartial = 0;
    for (const d of m.perDevice) {
      const s = stored.get(d.id) ?? 0;
      if (s < d.acked * METRICS) {
        lostReadings += d.acked * METRICS - s;
        devicesWithLoss++;
      }
      if (s > d.sent * METRICS) devicesOverSent++;
      if (s % METRICS !== 0) devicesPartial++;
    }
    const storedReadings = rows.reduce((n, r) => n + r.n, 0);
    return {
      database: `${hub.database.mode}${hub.database.timescale ? ' (TimescaleDB)' : ' (plain PostgreSQL)'}`,
      devices: DEVICES,
      registerSeconds,
      seconds: m.windowSeconds,
      elapsedSeconds: m.elapsedSeconds,
      sent: m.sent,
      acked: m.acked,
      failed: m.failed,
      unacked: m.unacked,
      disconnects: m.disconnects,
      messagesPerSecond: m.ackedPerSecond,
      steadyMessagesPerSecond: m.steadyAckedPerSecond,
      readingsPerSecond: Math.round(m.ackedPerSecond * METRICS),
      publishToDurableMs: m.latencyMs,
      loss: {
        metricsPerMessage: METRICS,
        readingsExpectedFromAcked: m.acked * METRICS,
        readingsStored: storedReadings,
        messagesStored: storedReadings / METRICS,
        ackedButNotStoredReadings: lostReadings,
        devicesWithLoss,
        devicesStoredMoreThanSent: devicesOverSent,
        devicesWithPartialMessages: devicesPartial,
        deadLetters: dead.rows[0].n,
        zeroLoss: lostReadings === 0 && devicesOverSent === 0 && devicesPartial === 0,
      },
      // CPU time per acknowledged message: comparable across runs at different rates (the machine's speed varies).
      hubProcess: { ...load.sampled, cpuMicrosPerMessage: m.acked > 0 ? round((load.sampled.cpuSeconds * 1e6) / m.acked, 1) : null },
      cpuMicrosPerMessage: cpuBreakdown(m, load.sampled, { database: pgCpuSeconds }),
      hubCounters: counterDelta(countersBefore, countersAfter),
      hubWrites: writeStats,
      ...(sqlStats ? { hubSql: sqlStats } : {}),
      loadgenCpuPercentOfCore: m.loadgenCpuPercentOfCore,
      errors: m.errors,
      behindSchedule: m.behindSchedule,
      timelineAcked: m.timelineAcked,
      timelineSent: m.timelineSent,
    };
  } finally {
    log('gridhub: closing the hub and cleaning up');
    await bench.cleanup();
  }
}

/**
 * GridHub behind NATS: devices publish to the NATS MQTT listener, the hub consumes the JetStream stream. The hub's
 * CPU is sampled from the load's start until the last message is committed (it keeps draining the stream after the
 * publishers stop when it is slower than NATS acknowledges).
 */
async function natsRun(id) {
  const { startNatsServer } = require('./lib/nats-server');
  const { Histogram } = require('./lib/histogram');
  const nats = await startNatsServer({ hubUser: 'gridhub-bench', hubPassword: `bench-${id}-nats-password` });
  log(`gridhub-nats: nats-server up (MQTT ${nats.mqttUrl}); starting the hub (${DB} database)`);
  let bench = null;
  try {
    bench = await startBenchHub({
      db: DB,
      id: `${id}n`,
      env: { NATS_URL: nats.url, NATS_STREAM: `BENCH_${id}`, NATS_ACCOUNTS_FILE: nats.usersFile, NATS_SERVER_PID_FILE: nats.pidFile },
    });
    const { hub } = bench;
    const { NatsAccounts, NatsIngest } = require('@gridhub/hub');
    const prefix = `bench-${id}-n`;
    const t0 = Date.now();
    const creds = await registerDevices(hub, { prefix, count: DEVICES, concurrency: 50 });
    const registerSeconds = round((Date.now() - t0) / 1000, 1);
    // The accounts file is rewritten (debounced) after registrations, and NATS reloads it.
    const lastId = creds.at(-1).id;
    for (let i = 0; !readFileSync(nats.usersFile, 'utf8').includes(`"${lastId}"`); i++) {
      if (i > 100) throw new Error('the NATS accounts file never listed the registered devices');
      await new Promise((r) => setTimeout(r, 100));
    }
    await hub.app.get(NatsAccounts).write();
    await new Promise((r) => setTimeout(r, 1000));
    log(`gridhub-nats: ${DEVICES} devices registered in ${registerSeconds} s and issued to NATS`);

    // publish → durable, per message, measured in the hub: commit time minus the payload's ts (its publish time).
    const ingest = hub.app.get(NatsIngest);
    const handler = ingest.handler;
    let durable = new Histogram();
    let lastDurableAt = 0;
    let handled = 0;
    const originalHandle = handler.handle;
    handler.handle = async function timed(topic, payload) {
      await originalHandle.call(this, topic, payload);
      const now = Date.now();
      handled += 1;
      lastDurableAt = now;
      const m = /"ts":"([^"]+)"/.exec(payload.toString('latin1', 0, 48));
      if (m) durable.record(now - Date.parse(m[1]));
    };
    const devices = creds.map((c) => ({ username: c.id, password: c.secret, clientId: c.id, topic: `gridhub/v1/air/${c.id}/data` }));
    const writes = traceWrites(hub);
    const natsCpuBefore = nats.cpuSeconds();
    const pgCpu = programCpu('postgres');
    let sampler = null;
    const load = await runLoad(nats.mqttUrl, devices, 'gridhub-nats', SECONDS, () => {
      sampler = startSampler(100);
      return null;
    });
    const m = load.merged;
    // Until everything NATS acknowledged is committed (or nothing more arrives for 10 s, at most NATS_DRAIN_MS),
    // followed by the hub's own count of committed messages: counting the rows every 250 ms cost PostgreSQL a scan
    // of millions of index entries each time, inside the measured window (it inflated PostgreSQL's CPU per message
    // and slowed the drain). The rows are counted once at the end, and again only if they fall short.
    const count = async () => (await hub.database.pool.query(`select count(*)::int as n from readings where device_id like $1`, [`${prefix}-%`])).rows[0].n;
    const expected = m.acked * METRICS;
    const drainStart = Date.now();
    let last = -1;
    let lastChange = Date.now();
    let rowsStored = 0;
    for (;;) {
      const progress = handled < m.acked ? handled : (rowsStored = await count()) / METRICS;
      if (rowsStored >= expected) break;
      if (progress !== last) (last = progress), (lastChange = Date.now());
      if (Date.now() - lastChange > 10000 || Date.now() - drainStart > NATS_DRAIN_MS) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const sampled = sampler.stop();
    const natsCpu = nats.cpuSeconds() - natsCpuBefore;
    const pgCpuSeconds = DB === 'server' ? pgCpu.stop() : null;
    const writeStats = writes.stop(sampled?.seconds);
    const floodDurable = durable.summary();
    const floodLastDurableAt = lastDurableAt;

    // A paced pass at 80 % of the durable rate just measured: publish → durable without a backlog in the stream.
    let paced = null;
    if (NATS_PACED_SECONDS > 0 && floodLastDurableAt > load.goAt) {
      const rate = Math.round((0.8 * m.acked) / ((floodLastDurableAt - load.goAt) / 1000));
      durable = new Histogram();
      const before = await count();
      const pacedLoad = await runLoad(nats.mqttUrl, devices, `gridhub-nats-${rate}`, NATS_PACED_SECONDS, null, rate);
      const expectedPaced = before + pacedLoad.merged.acked * METRICS;
      for (let i = 0; (await count()) < expectedPaced && i < 120; i++) await new Promise((r) => setTimeout(r, 250));
      const storedPaced = (await count()) - before;
      paced = {
        rate,
        seconds: NATS_PACED_SECONDS,
        acked: pacedLoad.merged.acked,
        behindSchedule: pacedLoad.merged.behindSchedule,
        messagesStored: storedPaced / METRICS,
        lostMessages: pacedLoad.merged.acked - storedPaced / METRICS,
        publishToPubackMs: pacedLoad.merged.latencyMs,
        publishToDurableMs: durable.summary(),
        perDevice: pacedLoad.merged.perDevice,
      };
      log(`gridhub-nats: paced at ${rate} msg/s: ${paced.messagesStored}/${paced.acked} stored, p99 publish→durable ${paced.publishToDurableMs.p99} ms`);
    }
    handler.handle = originalHandle;

    const { rows } = await hub.database.pool.query(`select device_id, count(*)::int as n from readings where device_id like $1 group by device_id`, [`${prefix}-%`]);
    const stored = new Map(rows.map((r) => [r.device_id, r.n]));
    let lostReadings = 0;
    let devicesOverSent = 0;
    const pacedAcked = new Map((paced?.perDevice ?? []).map((d) => [d.id, d]));
    for (const d of m.perDevice) {
      const s = stored.get(d.id) ?? 0;
      const extra = pacedAcked.get(d.id);
      const acked = (d.acked + (extra?.acked ?? 0)) * METRICS;
      if (s < acked) lostReadings += acked - s;
      if (s > (d.sent + (extra?.sent ?? 0)) * METRICS) devicesOverSent++;
    }
    const storedReadings = rows.reduce((n, r) => n + r.n, 0) - (paced ? paced.messagesStored * METRICS : 0);
    if (paced) delete paced.perDevice;
    const durableSeconds = (floodLastDurableAt - load.goAt) / 1000;
    return {
      database: `${hub.database.mode}${hub.database.timescale ? ' (TimescaleDB)' : ' (plain PostgreSQL)'}`,
      devices: DEVICES,
      seconds: m.windowSeconds,
      sent: m.sent,
      acked: m.acked,
      failed: m.failed,
      natsAckedPerSecond: m.ackedPerSecond,
      durableSeconds: round(durableSeconds, 1),
      messagesPerSecond: durableSeconds > 0 ? Math.round(storedReadings / METRICS / durableSeconds) : null,
      publishToPubackMs: m.latencyMs,
      publishToDurableMs: floodDurable,
      paced,
      loss: {
        readingsExpectedFromAcked: expected + (paced ? paced.acked * METRICS : 0),
        readingsStored: storedReadings,
        messagesStored: storedReadings / METRICS,
        ackedButNotStoredReadings: lostReadings,
        devicesStoredMoreThanSent: devicesOverSent,
        zeroLoss: lostReadings === 0 && devicesOverSent === 0,
      },
      hubProcess: { ...sampled, cpuMicrosPerMessage: m.acked > 0 ? round((sampled.cpuSeconds * 1e6) / m.acked, 1) : null },
      natsServer: { cpuSeconds: round(natsCpu, 2), cpuMicrosPerMessage: m.acked > 0 ? round((natsCpu * 1e6) / m.acked, 1) : null },
      cpuMicrosPerMessage: cpuBreakdown(m, sampled, { broker: natsCpu, database: pgCpuSeconds }),
      hubWrites: writeStats,
      loadgenCpuPercentOfCore: m.loadgenCpuPercentOfCore,
      errors: m.errors,
      timelineAcked: m.timelineAcked,
    };
  } finally {
    log('gridhub-nats: closing the hub, the nats-server and cleaning up');
    await bench?.cleanup();
    await nats.stop();
  }
}

function gitInfo() {
  try {
    const opts = { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] };
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim().length > 0;
    return { commit, dirty };
  } catch {
    return null;
  }
}

async function main() {
  const id = runId();
  const budgetMs = (SECONDS + BASELINE_SECONDS + BASELINE_STEPS * BASELINE_STEP_SECONDS) * 1000 + (2 + BASELINE_STEPS) * DRAIN_TIMEOUT_MS + 600000;
  setTimeout(() => {
    log(`watchdog: still running after ${Math.round(budgetMs / 1000)} s; exiting (cleanup runs on SIGTERM)`);
    process.kill(process.pid, 'SIGTERM');
    setTimeout(() => process.exit(3), 30000).unref();
  }, budgetMs).unref();

  const result = {
    benchmark: 'sustained',
    date: new Date().toISOString(),
    run: id,
    git: gitInfo(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    config: { db: DB, devices: DEVICES, seconds: SECONDS, baselineSeconds: BASELINE_SECONDS, baselineSteps: BASELINE_STEPS, baselineStepSeconds: BASELINE_STEP_SECONDS, loadgens: LOADGENS, maxInflightPerConnection: INFLIGHT, metrics: METRICS, rate: RATE, qos: 1, mqttClient: CLIENT },
    goals: null,
    mosquitto: null,
    gridhub: null,
    gridhubNats: null,
  };
  let failed = false;

  if (BASELINE_SECONDS > 0) {
    log(`mosquitto: baseline at ${MOSQUITTO_URL}, ${DEVICES} publishers + 1 subscriber, ${BASELINE_SECONDS} s`);
    try {
      result.mosquitto = await mosquittoBaseline(id);
      const mq = result.mosquitto;
      log(`mosquitto: flood ${mq.publishAckedPerSecond} msg/s acknowledged, ${mq.deliveredPerSecond} msg/s delivered; lossless pub/sub ${mq.losslessPubSubPerSecond} msg/s`);
    } catch (error) {
      log(`mosquitto baseline failed: ${error.message}`);
      result.mosquitto = { error: error.message };
    }
  }

  try {
    if (EMBEDDED) result.gridhub = await gridhubRun(id);
  } catch (error) {
    log(`gridhub phase failed: ${error.stack ?? error.message}`);
    result.gridhub = { error: error.message };
    failed = true;
  }

  if (NATS) {
    try {
      result.gridhubNats = await natsRun(id);
      if (!result.gridhubNats.loss.zeroLoss) {
        log(`LOSS behind NATS: ${result.gridhubNats.loss.ackedButNotStoredReadings} readings of acknowledged messages are not stored`);
        failed = true;
      }
    } catch (error) {
      log(`gridhub-nats phase failed: ${error.stack ?? error.message}`);
      result.gridhubNats = { error: error.message };
      failed = true;
    }
  }

  const g = result.gridhub;
  const mq = result.mosquitto;
  const n = result.gridhubNats;
  const losslessMq = mq && !mq.error ? mq.losslessPubSubPerSecond : null;
  result.sideBySide = [
    ['mosquitto QoS 1 relay (lossless pub/sub)', losslessMq, null, null, mq && !mq.error ? mq.notDelivered : null, mq?.losslessCpuMicrosPerMessage],
    ['gridhub, embedded broker + ' + DB + ' database', g?.messagesPerSecond, g?.hubProcess?.cpuMicrosPerMessage, g?.publishToDurableMs?.p99, g?.loss ? g.loss.ackedButNotStoredReadings / METRICS : null, g?.cpuMicrosPerMessage],
    ['gridhub behind NATS JetStream (flood)', n?.messagesPerSecond, n?.hubProcess?.cpuMicrosPerMessage, n?.publishToDurableMs?.p99, n?.loss ? n.loss.ackedButNotStoredReadings / METRICS : null, n?.cpuMicrosPerMessage],
    ['gridhub behind NATS JetStream (paced at 80 % of the flood durable rate)', n?.paced?.rate, null, n?.paced?.publishToDurableMs?.p99, n?.paced?.lostMessages, null],
  ].map(([path, rate, cpu, p99, lost, breakdown]) => ({
    path,
    messagesPerSecond: rate ?? null,
    ratioToMosquitto: rate && losslessMq ? round(rate / losslessMq, 2) : null,
    hubCpuMicrosPerMessage: cpu ?? null,
    p99PublishToDurableMs: p99 ?? null,
    lostMessages: lost ?? null,
    cpuMicrosPerMessage: breakdown ?? null,
  }));
  if (g && !g.error) {
    result.goals = {
      messagesPerSecond: { goal: `>= ${GOALS.messagesPerSecond}`, achieved: g.messagesPerSecond, met: g.messagesPerSecond >= GOALS.messagesPerSecond },
      zeroLoss: { goal: 'every acknowledged message stored', met: g.loss.zeroLoss },
      p99PublishToDurableMs: { goal: `< ${GOALS.p99Ms}`, achieved: g.publishToDurableMs.p99, met: g.publishToDurableMs.p99 !== null && g.publishToDurableMs.p99 < GOALS.p99Ms },
    };
    if (mq && !mq.error) {
      result.ratioToMosquitto = {
        losslessPubSub: mq.losslessPubSubPerSecond ? round(g.messagesPerSecond / mq.losslessPubSubPerSecond, 3) : null,
        publishAcked: round(g.messagesPerSecond / mq.publishAckedPerSecond, 3),
        floodDelivered: round(g.messagesPerSecond / mq.deliveredPerSecond, 3),
      };
    }
    if (!g.loss.zeroLoss) {
      log(`LOSS: ${g.loss.ackedButNotStoredReadings} readings of acknowledged messages are not stored (${g.loss.devicesWithLoss} devices)`);
      failed = true;
    }
  }
  const file = writeResult(`sustained-${DB}`, result);
  console.log(JSON.stringify(result, null, 2));
  if (g && !g.error) {
    log(
      `summary: gridhub ${g.messagesPerSecond} msg/s (steady ${g.steadyMessagesPerSecond}), p50 ${g.publishToDurableMs.p50} ms, p99 ${g.publishToDurableMs.p99} ms, ` +
        `stored ${g.loss.messagesStored}/${g.acked} acked/${g.sent} sent, zero loss: ${g.loss.zeroLoss}, hub RSS peak ${g.hubProcess.rssMb.peak} MiB, ` +
        `hub CPU ${g.hubProcess.cpuPercentOfCore} % of a core (${g.hubProcess.cpuMicrosPerMessage} µs per message)` +
        (result.ratioToMosquitto
          ? `; ratio to Mosquitto lossless pub/sub ${result.ratioToMosquitto.losslessPubSub}, to its flood publish-ack rate ${result.ratioToMosquitto.publishAcked}`
          : ''),
    );
  }
  if (n && !n.error) {
    log(
      `summary: gridhub behind NATS ${n.messagesPerSecond} msg/s durable (NATS acknowledged ${n.natsAckedPerSecond} msg/s), p99 publish→durable ${n.publishToDurableMs.p99} ms, ` +
        `stored ${n.loss.messagesStored}/${n.acked}, zero loss: ${n.loss.zeroLoss}, hub CPU ${n.hubProcess.cpuMicrosPerMessage} µs and nats-server ${n.natsServer.cpuMicrosPerMessage} µs per message`,
    );
  }
  console.error(result.sideBySide.map((r) => JSON.stringify(r)).join('\n'));
  log(`result written to ${file}`);
  process.exitCode = failed ? 1 : 0;
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => setTimeout(() => process.exit(), 1000).unref());
