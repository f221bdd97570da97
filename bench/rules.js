#!/usr/bin/env node
// Rules benchmark (server database): the ingest burst of ingest.js twice — once with no rules at all, once with
// 1,000 active rules (the default set plus device-, grid- and district-scoped threshold, hysteresis, duration and
// rate rules) — and the throughput ratio, counting a run as done only when every reading is stored AND
// evaluated. During the run with rules, probe stations breach a rule again and again; the delay from publishing
// the breaching reading to the `alert.raised` push on the live socket (and to the alert row) gives the p99.
//
//   npm run build && node bench/rules.js
//   BENCH_MESSAGES=20000 BENCH_DEVICES=50 BENCH_RULES=1000 BENCH_REPEATS=2 BENCH_STEADY_RATE=500 BENCH_PROBE_SECONDS=15 node bench/rules.js
//   BENCH_FROM_SOURCE=1 node bench/rules.js      # no build: TypeScript sources compiled on load by @swc/core
'use strict';
const { join } = require('node:path');

if (process.env.BENCH_FROM_SOURCE === '1') registerSourceHook();

const mqtt = require('mqtt');
const { io } = require('socket.io-client');
const { startBenchHub, registerDevices, runId, writeResult, log, round, BENCH_ADMIN_PASSWORD } = require('./lib/common');

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20000);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 50);
const RULES = Number(process.env.BENCH_RULES ?? 1000);
const PROBES = Number(process.env.BENCH_PROBE_DEVICES ?? 10);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 2);
const METRICS = ['pm25', 'pm10', 'no2', 'so2', 'o3', 'co'];
/**
 * One message in this many carries a PM2.5 value that breaches the stations' own rules, the default PM2.5 rule
 * (which files an incident, dispatched by grid operations) and the AQI rules: alert and incident writes under load.
 */
const BREACH_EVERY = Number(process.env.BENCH_BREACH_EVERY ?? 1000);
/** Latency phase: background messages per second from the load stations, and its length. */
const STEADY_RATE = Number(process.env.BENCH_STEADY_RATE ?? 500);
const PROBE_SECONDS = Number(process.env.BENCH_PROBE_SECONDS ?? 15);

const percentile = (sorted, p) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);

async function run({ withRules }) {
  const id = runId();
  const bench = await startBenchHub({ db: 'server', id });
  const { hub } = bench;
  try {
    const ingest = require('@gridhub/ingest');
    const pool = hub.database.pool;
    const rulesService = hub.app.get(ingest.RuleService);
    const evaluation = hub.app.get(ingest.RuleEvaluationService);
    const repo = hub.app.get(ingest.RuleRepository);
    const creds = await registerDevices(hub, { prefix: `bench-${id}`, count: DEVICES });
    const probes = withRules ? await registerDevices(hub, { prefix: `probe-${id}`, count: PROBES }) : [];

    await pool.query('update rules set enabled = false, deleted_at = now()');
    if (withRules) {
      const grids = (await pool.query(`select code, level from grids order by code`)).rows;
      const seeded = ingest.defaultRules();
      const defs = [...seeded, ...generatedRules(RULES - seeded.length - PROBES, creds, grids)];
      for (const p of probes) {
        defs.push({ ...baseRule(), name: `probe ${p.id}`, family: 'air', metric: 'so2', kind: 'above', threshold: 500, clearThreshold: 100, severity: 'red', scope: { deviceId: p.id } });
      }
      for (const def of defs) await repo.insert(def);
    }
    rulesService.invalidate();
    await evaluation.drain();
    const active = (await pool.query(`select count(*)::int as n from rules where enabled and deleted_at is null`)).rows[0].n;
    log(`${withRules ? 'with' : 'without'} rules: ${active} active`);

    const connectDevice = (c) => mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, { username: c.id, password: c.secret, clientId: c.id, reconnectPeriod: 0 });
    const clients = await Promise.all(creds.map(connectDevice));

    const perDevice = Math.ceil(MESSAGES / DEVICES);
    const base = Date.now() - perDevice * 1000 - 7200_000;
    const pubacks = [];
    const started = process.hrtime.bigint();
    let sent = 0;
    await Promise.all(
      clients.map(async (client, d) => {
        const window = [];
        for (let m = 0; m < perDevice; m++) {
          const readings = Object.fromEntries(METRICS.map((k) => [k, Math.round(Math.random() * 1000) / 10]));
          if ((m * DEVICES + d) % BREACH_EVERY === 0) readings.pm25 = 420;
          const payload = JSON.stringify({ ts: new Date(base + m * 1000).toISOString(), readings });
          const t0 = process.hrtime.bigint();
          sent++;
          window.push(client.publishAsync(`gridhub/v1/air/${creds[d].id}/data`, payload, { qos: 1 }).then(() => pubacks.push(Number(process.hrtime.bigint() - t0) / 1e6)));
          if (window.length >= 20) await Promise.all(window.splice(0));
        }
        await Promise.all(window);
      }),
    );
    const ackSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    await evaluation.drain();
    const evaluatedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const burst = sent;

    // Latency phase (with rules): the load stations keep publishing at a steady rate while probe stations breach
    // their rule, wait for the alert.raised push, return below the clear level, wait for alert.cleared, repeat.
    const delays = [];
    const durables = [];
    if (withRules) {
      const { accessToken } = await (
        await fetch(`http://127.0.0.1:${hub.httpPort}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }),
        })
      ).json();
      const socket = io(`http://127.0.0.1:${hub.httpPort}/live`, { auth: { token: accessToken }, transports: ['websocket'], reconnection: false });
      await new Promise((resolve, reject) => {
        socket.once('ready', resolve);
        socket.once('connect_error', reject);
        socket.once('refused', (b) => reject(new Error(b.message)));
      });
      const waiting = new Map();
      socket.onAny((event, payload) => {
        const w = waiting.get(`${event}/${payload?.deviceId}`);
        if (w) w(payload);
      });
      const next = (event, deviceId) => new Promise((resolve) => waiting.set(`${event}/${deviceId}`, resolve));
      const probeClients = await Promise.all(probes.map(connectDevice));
      const until = Date.now() + PROBE_SECONDS * 1000;
      const background = steadyLoad(clients, creds, base + perDevice * 1000, STEADY_RATE, until);
      await Promise.all(
        probeClients.map(async (client, i) => {
          const deviceId = probes[i].id;
          let t = Date.now() - 3600_000;
          while (Date.now() < until) {
            const raised = next('alert.raised', deviceId);
            const t0 = process.hrtime.bigint();
            const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
            // The alert row is committed before the push is sent, so the push delay bounds the delay to the row too.
            const [durable, pushed] = await Promise.all([
              client.publishAsync(`gridhub/v1/air/${deviceId}/data`, JSON.stringify({ ts: new Date((t += 1000)).toISOString(), readings: { so2: 800 } }), { qos: 1 }).then(ms),
              raised.then(ms),
            ]);
            delays.push(pushed);
            durables.push(durable);
            const cleared = next('alert.cleared', deviceId);
            await client.publishAsync(`gridhub/v1/air/${deviceId}/data`, JSON.stringify({ ts: new Date((t += 1000)).toISOString(), readings: { so2: 20 } }), { qos: 1 });
            await cleared;
            await new Promise((r) => setTimeout(r, 50));
          }
          await client.endAsync();
        }),
      );
      sent += await background;
      socket.disconnect();
    }
    await Promise.all(clients.map((c) => c.endAsync()));

    const stored = (await pool.query(`select count(*)::int as n from readings where device_id like $1`, [`bench-${id}-%`])).rows[0].n;
    const alerts = (await pool.query(`select count(*)::int as n, coalesce(sum(count), 0)::int as repeats from alerts where device_id like $1`, [`bench-${id}-%`])).rows[0];
    pubacks.sort((a, b) => a - b);
    delays.sort((a, b) => a - b);
    durables.sort((a, b) => a - b);
    return {
      rules: active,
      messages: burst,
      readingsStored: stored,
      readingsExpected: sent * METRICS.length,
      alertsOnLoadDevices: alerts.n,
      breachingReadingsCounted: alerts.repeats,
      ackSeconds: round(ackSeconds, 2),
      evaluatedSeconds: round(evaluatedSeconds, 2),
      messagesPerSecond: Math.round(burst / evaluatedSeconds),
      pubackMs: { p50: round(percentile(pubacks, 50), 1), p99: round(percentile(pubacks, 99), 1) },
      ...(withRules
        ? { breachToAlertMs: { backgroundMessagesPerSecond: STEADY_RATE, probes: delays.length, p50: round(percentile(delays, 50), 1), p95: round(percentile(delays, 95), 1), p99: round(percentile(delays, 99), 1), max: round(delays.at(-1), 1) },
            probePubackMs: { p50: round(percentile(durables, 50), 1), p99: round(percentile(durables, 99), 1) },
            breachDelays: delays }
        : {}),
    };
  } finally {
    await bench.cleanup();
  }
}

/** Publishes `rate` messages per second round-robin over the load stations until `until` (QoS 1, not awaited one by one). */
async function steadyLoad(clients, creds, fromTs, rate, until) {
  const inFlight = new Set();
  let n = 0;
  const started = Date.now();
  while (Date.now() < until) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; n < due; n++) {
      const d = n % clients.length;
      const readings = Object.fromEntries(METRICS.map((k) => [k, Math.round(Math.random() * 1000) / 10]));
      const p = clients[d].publishAsync(`gridhub/v1/air/${creds[d].id}/data`, JSON.stringify({ ts: new Date(fromTs + n * 1000).toISOString(), readings }), { qos: 1 });
      inFlight.add(p);
      p.finally(() => inFlight.delete(p));
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(inFlight);
  return n;
}

function baseRule() {
  return {
    nameEn: null, metric: null, threshold: null, clearThreshold: null, ratePer: null, rateDirection: null, durationS: 0, schedule: null,
    scope: {}, severity: 'yellow', actions: 'notify', notifyBureau: 'environment', incidentCategory: null, enabled: true,
  };
}

/**
 * Rules as a city would have them: per station and metric (three levels each, with hysteresis and some with
 * durations), per unit grid, per community/street/district, and a few rate rules. Thresholds sit above the
 * normal 0–100 values, except the stations' PM2.5 "heavy" rule that the occasional 420 breaches.
 */
function generatedRules(count, creds, grids) {
  const out = [];
  const levels = [[300, 250, 'orange', 0], [600, 500, 'red', 0], [200, 150, 'yellow', 600]];
  outer: for (const c of creds) {
    for (const metric of METRICS) {
      for (const [threshold, clear, severity, durationS] of levels) {
        if (out.length >= count * 0.85) break outer;
        out.push({ ...baseRule(), name: `${c.id} ${metric} > ${threshold}`, family: 'air', metric, kind: 'above', threshold: metric === 'pm25' && severity === 'orange' ? 400 : threshold, clearThreshold: clear, severity, durationS, scope: { deviceId: c.id } });
      }
    }
  }
  let i = 0;
  while (out.length < count) {
    const g = grids[i % grids.length];
    const metric = METRICS[i % METRICS.length];
    out.push(
      i % 10 === 9
        ? { ...baseRule(), name: `rate ${g.code} ${metric}`, family: 'air', metric, kind: 'rate_of_change', threshold: 5000, ratePer: 'minute', rateDirection: 'rise', scope: { gridCode: g.code } }
        : { ...baseRule(), name: `${g.level} ${g.code} ${metric} > 700`, family: 'air', metric, kind: 'above', threshold: 700, clearThreshold: 600, scope: { gridCode: g.code } },
    );
    i++;
  }
  return out;
}

/** Loads the TypeScript sources directly (no build): @gridhub/* → <pkg>/src, .ts compiled by @swc/core like jest does. */
function registerSourceHook() {
  const Module = require('node:module');
  const { readFileSync } = require('node:fs');
  const swc = require('@swc/core');
  const root = join(__dirname, '..');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const m = /^@gridhub\/(ingest|gridops|hub)$/.exec(request);
    return resolve.call(this, m ? join(root, m[1], 'src', 'index.ts') : request, ...rest);
  };
  Module._extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
}

/** Runs the two conditions in A B B A order (REPEATS pairs) so that drifting machine load affects both alike. */
async function main() {
  const runs = { without: [], with: [] };
  for (let r = 0; r < REPEATS; r++) {
    for (const withRules of r % 2 === 0 ? [false, true] : [true, false]) {
      const result = await run({ withRules });
      log(`${withRules ? 'with' : 'without'} rules: ${JSON.stringify({ ...result, breachDelays: undefined })}`);
      runs[withRules ? 'with' : 'without'].push(result);
    }
  }
  const rate = (list) => list.reduce((a, r) => a + r.messages, 0) / list.reduce((a, r) => a + r.evaluatedSeconds, 0);
  const delays = runs.with.flatMap((r) => r.breachDelays);
  delays.sort((a, b) => a - b);
  for (const r of runs.with) delete r.breachDelays;
  const result = {
    date: new Date().toISOString(),
    database: 'server',
    devices: DEVICES,
    messagesPerRun: MESSAGES,
    breachEvery: BREACH_EVERY,
    repeats: REPEATS,
    withoutRules: { messagesPerSecond: Math.round(rate(runs.without)), runs: runs.without },
    withRules: { messagesPerSecond: Math.round(rate(runs.with)), runs: runs.with },
    throughputRatio: round(rate(runs.with) / rate(runs.without), 3),
    breachToAlertMs: {
      backgroundMessagesPerSecond: STEADY_RATE,
      probes: delays.length,
      p50: round(percentile(delays, 50), 1),
      p95: round(percentile(delays, 95), 1),
      p99: round(percentile(delays, 99), 1),
      max: round(delays.at(-1), 1),
    },
    goals: { throughputRatio: '>= 0.8', breachToAlertP99Ms: '< 500' },
  };
  console.log(JSON.stringify(result, null, 2));
  writeResult('rules-server', result);
  let failed = false;
  for (const r of [...runs.without, ...runs.with]) {
    if (r.readingsStored !== r.readingsExpected) {
      console.error(`LOSS: ${r.readingsExpected - r.readingsStored} acknowledged readings are not stored`);
      failed = true;
    }
  }
  if (delays.length === 0) {
    console.error('no breach probe raised an alert');
    failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
