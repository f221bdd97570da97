#!/usr/bin/env node
// MQTT load generator, run as a separate process so the harness process (which hosts the hub under test) does
// not share its event loop. One MQTT connection per device, opened `connectConcurrency` at a time.
//
// Two modes:
//   publish  each connection publishes air readings (QoS 1 by default) on its own topic for `seconds`, keeping
//            at most `maxInflight` unacknowledged messages, optionally paced to a total `rate` (msg/s); every
//            message's publish → PUBACK latency is measured with a monotonic clock. Messages still unacknowledged
//            `drainTimeoutMs` after the window, or in flight on a connection that closed, count as failures.
//   subscribe (sustained.js' Mosquitto baseline) each connection subscribes to its `topic` (a filter) at `qos`
//            and counts the messages delivered to it, acknowledging them; from {type:'go'} it keeps a per-second
//            timeline; on {type:'drain', expected} it waits until `expected` messages have arrived or none for 3 s
//            (at most `drainTimeoutMs`) and reports. In a process of its own, the subscriber is not slowed by
//            the harness or the publishers.
//   hold     (connections.js) connections only: open them all, keep them open until told to close (or for
//            `holdSeconds`), then close them; reports connect rate and latency and connections dropped meanwhile.
//
// Payload (publish mode): {"ts":"2026-…T…+08:00","readings":{"pm25":…,"pm10":…,"no2":…,"so2":…,"o3":…,"co":…,
// "temp_c":…,"rh_pct":…}} with the first `metrics` (6–8) metrics; each device's ts is its own strictly increasing
// millisecond clock (max(now, previous + 1 ms)), so no two messages of a device share a ts.
//
// Config (JSON):
//   { "url": "mqtt://127.0.0.1:1883",                      loopback brokers only
//     "devices": [{ "topic": "…", "username": "…", "password": "…", "clientId": "…", "localAddress": "127.0.0.2" }],
//                                                           username/password/clientId/localAddress optional
//     "mode": "publish", "seconds": 10, "qos": 1, "maxInflight": 50, "rate": null, "metrics": 8,
//     "connectConcurrency": 50, "connectTimeoutMs": 30000, "connectBudgetMs": 600000, "drainTimeoutMs": 30000,
//     "keepalive": 60, "holdSeconds": 900, "client": "packet", "label": "loadgen" }
//   client: "packet" (default) is the lean MQTT 3.1.1 client of lib/packet-client.js, "mqtt.js" the mqtt package's
//   MqttClient (≈ 4 times the CPU per QoS 1 publish: CPU the broker under test does not get on a small machine).
//
// Standalone (prints the result as JSON on stdout; publishing starts as soon as every connection is up):
//   node bench/loadgen.js '{"url":"mqtt://127.0.0.1:1883","devices":[{"topic":"bench/x/0"},{"topic":"bench/x/1"}],"seconds":5}'
//   node bench/loadgen.js @config.json
//
// Forked (child_process.fork, see lib/common.js forkLoadgen), over IPC:
//   parent → {type:'start', config}; child → {type:'progress', …} each second while connecting, then
//   {type:'connected', connected, failed, connectSeconds, …}; parent → {type:'go'} (publish) or {type:'close'}
//   (hold), and optionally {type:'stop'} to end publishing early; child → {type:'result', result}; child exits.
// A watchdog ends the process if it outlives its whole budget; it also exits if its parent goes away.
'use strict';
const net = require('node:net');
const { performance } = require('node:perf_hooks');
const mqtt = require('mqtt');
const { Histogram } = require('./lib/histogram');
const { PacketClient } = require('./lib/packet-client');

const DEFAULTS = {
  mode: 'publish',
  seconds: 10,
  qos: 1,
  maxInflight: 50,
  rate: null,
  metrics: 8,
  connectConcurrency: 50,
  connectTimeoutMs: 30000,
  connectBudgetMs: 600000,
  drainTimeoutMs: 30000,
  keepalive: 60,
  holdSeconds: 900,
  client: 'packet',
  label: 'loadgen',
};

const ipc = typeof process.send === 'function';
const send = (message) => {
  if (ipc && process.connected) process.send(message);
};
const round = (v, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const mb = (bytes) => Math.round(bytes / 1048576);
const countError = (errors, error) => {
  const key = String(error?.message ?? error).slice(0, 120);
  errors[key] = (errors[key] ?? 0) + 1;
};

// Plausible air-quality values: pm25 stays below the demo city's 150 µg/m³ rule, so no incident storm.
const r = Math.random;
const GENERATORS = [
  () => `"pm25":${(5 + r() * 100).toFixed(1)}`,
  () => `"pm10":${(10 + r() * 150).toFixed(1)}`,
  () => `"no2":${(5 + r() * 80).toFixed(1)}`,
  () => `"so2":${(2 + r() * 30).toFixed(1)}`,
  () => `"o3":${(10 + r() * 150).toFixed(1)}`,
  () => `"co":${(0.2 + r() * 2).toFixed(2)}`,
  () => `"temp_c":${(-5 + r() * 35).toFixed(1)}`,
  () => `"rh_pct":${(20 + r() * 70).toFixed(1)}`,
];

/** ISO 8601 in China Standard Time with an explicit offset, millisecond precision. */
const isoPlus8 = (ms) => new Date(ms + 8 * 3600000).toISOString().slice(0, 23) + '+08:00';

function buildPayload(conn, metrics) {
  const ts = Math.max(Date.now(), conn.lastTs + 1);
  conn.lastTs = ts;
  let readings = GENERATORS[0]();
  for (let i = 1; i < metrics; i++) readings += ',' + GENERATORS[i]();
  return `{"ts":"${isoPlus8(ts)}","readings":{${readings}}}`;
}

function target(url) {
  const u = new URL(url);
  if (u.protocol !== 'mqtt:') throw new Error(`only mqtt:// URLs are supported (got ${url})`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!(host === 'localhost' || host === '::1' || /^127\./.test(host))) throw new Error(`refusing a non-loopback broker: ${host}`);
  return { host, port: Number(u.port || 1883) };
}

/** Opens one connection; resolves {ok, ms} or {ok: false, error}. Never rejects. */
function connectOne(conn, cfg, where) {
  return new Promise((resolve) => {
    const { dev } = conn;
    const t0 = performance.now();
    const Client = cfg.client === 'mqtt.js' ? mqtt.MqttClient : PacketClient;
    const client = new Client(
      () => net.createConnection({ host: where.host, port: where.port, ...(dev.localAddress ? { localAddress: dev.localAddress } : {}) }),
      {
        clientId: dev.clientId ?? dev.username ?? `${cfg.label}-${conn.index}`,
        username: dev.username,
        password: dev.password,
        keepalive: cfg.keepalive,
        reconnectPeriod: 0,
        clean: true,
        connectTimeout: cfg.connectTimeoutMs,
        protocolVersion: 4,
      },
    );
    conn.client = client;
    let settled = false;
    const timer = setTimeout(() => finish(new Error('connect timeout')), cfg.connectTimeoutMs + 1000);
    const finish = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        client.end(true);
        resolve({ ok: false, error });
      } else resolve({ ok: true, ms: performance.now() - t0 });
    };
    client.once('connect', () => finish(null));
    client.on('error', (error) => (settled ? (conn.lastError = error.message) : finish(error)));
    client.once('close', () => finish(new Error('connection closed before CONNACK')));
  });
}

async function connectAll(conns, cfg, where, state) {
  const latency = new Histogram();
  const errors = {};
  const started = performance.now();
  const deadline = started + cfg.connectBudgetMs;
  let next = 0;
  let connected = 0;
  let failed = 0;
  let lastConnectedAt = started;
  const progress = setInterval(
    () => send({ type: 'progress', phase: 'connect', label: cfg.label, connected, failed, total: conns.length }),
    1000,
  );
  const worker = async () => {
    while (next < conns.length && !state.aborted && performance.now() < deadline) {
      const conn = conns[next++];
      const outcome = await connectOne(conn, cfg, where);
      if (outcome.ok) {
        connected++;
        latency.record(outcome.ms);
        lastConnectedAt = performance.now();
        conn.alive = true;
        conn.client.on('close', () => state.onClose(conn));
      } else {
        failed++;
        countError(errors, outcome.error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(cfg.connectConcurrency, conns.length)) }, worker));
  clearInterval(progress);
  const seconds = (lastConnectedAt - started) / 1000;
  return {
    connections: conns.length,
    connected,
    connectFailures: failed,
    notAttempted: conns.length - next,
    connectSeconds: round(seconds),
    connectRate: seconds > 0 ? Math.round(connected / seconds) : null,
    connectLatency: latency.toJSON(),
    connectErrors: errors,
  };
}

function publish(conns, cfg, state) {
  return new Promise((resolve) => {
    const latency = new Histogram();
    const timelineAcked = [];
    const timelineSent = [];
    const errors = {};
    const live = conns.filter((c) => c.alive);
    const perConnRate = cfg.rate ? cfg.rate / Math.max(1, live.length) : null;
    const goAt = performance.now();
    let running = true;
    let windowEnd = null;
    let lastAckAt = goAt;
    let finished = false;

    const inflight = () => live.reduce((n, c) => n + c.inflight, 0);
    const sendOne = (c) => {
      const payload = buildPayload(c, cfg.metrics);
      const t0 = performance.now();
      c.inflight++;
      c.sent++;
      const sec = Math.floor((t0 - goAt) / 1000);
      timelineSent[sec] = (timelineSent[sec] ?? 0) + 1;
      c.client.publish(c.dev.topic, payload, { qos: cfg.qos }, (error) => {
        if (c.dead) return; // counted as failed when its connection closed
        c.inflight--;
        const t1 = performance.now();
        if (error) {
          c.failed++;
          countError(errors, error);
          if (!c.client.connected) c.alive = false;
          setImmediate(() => pump(c));
        } else {
          c.acked++;
          latency.record(t1 - t0);
          const s = Math.floor((t1 - goAt) / 1000);
          timelineAcked[s] = (timelineAcked[s] ?? 0) + 1;
          lastAckAt = t1;
          pump(c);
        }
        if (!running) maybeDone();
      });
    };
    const pump = (c) => {
      while (running && c.alive && c.inflight < cfg.maxInflight) {
        if (perConnRate !== null && c.sent >= Math.floor(((performance.now() - goAt) / 1000) * perConnRate) + 1) break;
        sendOne(c);
      }
    };
    state.onPublishClose = (c) => {
      c.failed += c.inflight;
      if (c.inflight > 0) countError(errors, `connection closed with ${c.inflight} messages in flight`);
      c.inflight = 0;
      c.dead = true;
      if (!running) maybeDone();
    };

    const ticker = perConnRate !== null ? setInterval(() => live.forEach(pump), 5) : null;
    const stop = () => {
      if (!running) return;
      running = false;
      windowEnd = performance.now();
      if (ticker) clearInterval(ticker);
      clearTimeout(windowTimer);
      drainTimer = setTimeout(done, cfg.drainTimeoutMs);
      poller = setInterval(maybeDone, 100);
      maybeDone();
    };
    let drainTimer = null;
    let poller = null;
    const maybeDone = () => {
      if (!running && inflight() === 0) done();
    };
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(drainTimer);
      clearInterval(poller);
      const windowSeconds = (windowEnd - goAt) / 1000;
      const unacked = inflight();
      const sum = (f) => conns.reduce((n, c) => n + f(c), 0);
      const behindSchedule =
        perConnRate === null ? 0 : live.reduce((n, c) => n + Math.max(0, Math.floor(windowSeconds * perConnRate) - c.sent), 0);
      resolve({
        windowSeconds: round(windowSeconds),
        elapsedSeconds: round(Math.max(windowEnd, lastAckAt) / 1000 - goAt / 1000),
        drainSeconds: round((performance.now() - windowEnd) / 1000),
        sent: sum((c) => c.sent),
        acked: sum((c) => c.acked),
        failed: sum((c) => c.failed) + unacked,
        unacked,
        disconnects: state.disconnects,
        behindSchedule,
        latency: latency.toJSON(),
        timelineAcked: Array.from(timelineAcked, (v) => v ?? 0),
        timelineSent: Array.from(timelineSent, (v) => v ?? 0),
        errors,
        perDevice: conns.map((c) => ({ id: c.dev.username ?? c.dev.clientId ?? c.dev.topic, sent: c.sent, acked: c.acked })),
      });
    };
    state.stopPublishing = stop;
    const windowTimer = setTimeout(stop, cfg.seconds * 1000);
    live.forEach(pump);
  });
}

async function subscribe(conns, cfg) {
  const live = conns.filter((c) => c.alive);
  await Promise.all(
    live.map((c) => new Promise((resolve, reject) => c.client.subscribe(c.dev.topic, { qos: cfg.qos }, (e) => (e ? reject(e) : resolve())))),
  );
  let delivered = 0;
  let goAt = null;
  let lastAt = null;
  const timeline = [];
  for (const c of live) {
    c.client.on('message', () => {
      delivered++;
      lastAt = performance.now();
      if (goAt !== null) {
        const s = Math.floor((lastAt - goAt) / 1000);
        timeline[s] = (timeline[s] ?? 0) + 1;
      }
    });
  }
  send({ type: 'subscribed', label: cfg.label });
  if (ipc) await waitFor(['go']);
  goAt = performance.now();
  const { expected } = ipc ? await waitFor(['drain']) : { expected: Infinity };
  const drainStart = performance.now();
  while (delivered < expected && performance.now() - drainStart < cfg.drainTimeoutMs && performance.now() - (lastAt ?? drainStart) < 3000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    delivered,
    seconds: lastAt === null ? 0 : round((lastAt - goAt) / 1000),
    timelineDelivered: Array.from(timeline, (v) => v ?? 0),
  };
}

async function closeAll(conns, concurrency = 1000) {
  const started = performance.now();
  let next = 0;
  for (const c of conns) if (c.client && !c.alive) c.client.end(true);
  const open = conns.filter((c) => c.client && c.alive);
  const worker = async () => {
    while (next < open.length) {
      const c = open[next++];
      c.closing = true;
      await new Promise((resolve) => {
        const t = setTimeout(() => {
          c.client.end(true);
          resolve();
        }, 10000);
        c.client.end(false, {}, () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, open.length)) }, worker));
  return round((performance.now() - started) / 1000);
}

function waitFor(types) {
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (types.includes(m?.type)) {
        process.off('message', onMessage);
        resolve(m);
      }
    };
    process.on('message', onMessage);
  });
}

async function run(cfg) {
  const where = target(cfg.url);
  if (!Array.isArray(cfg.devices) || cfg.devices.length === 0) throw new Error('config.devices must list at least one device');
  if (!['packet', 'mqtt.js'].includes(cfg.client)) throw new Error(`client must be "packet" or "mqtt.js" (got ${cfg.client})`);
  if (cfg.mode === 'publish' && !(cfg.metrics >= 1 && cfg.metrics <= GENERATORS.length)) throw new Error(`metrics must be 1..${GENERATORS.length}`);
  if (!['publish', 'subscribe', 'hold'].includes(cfg.mode)) throw new Error(`mode must be publish, subscribe or hold (got ${cfg.mode})`);
  const budget = cfg.connectBudgetMs + (cfg.mode === 'hold' ? cfg.holdSeconds * 1000 : cfg.seconds * 1000 + cfg.drainTimeoutMs) + 120000;
  setTimeout(() => {
    console.error(`${cfg.label}: watchdog: still running after ${Math.round(budget / 1000)} s, exiting`);
    process.exit(3);
  }, budget).unref();

  const conns = cfg.devices.map((dev, index) => ({ dev, index, client: null, alive: false, dead: false, closing: false, inflight: 0, sent: 0, acked: 0, failed: 0, lastTs: 0 }));
  const state = {
    aborted: false,
    disconnects: 0,
    onPublishClose: null,
    stopPublishing: null,
    onClose(conn) {
      if (!conn.alive || conn.closing) return;
      conn.alive = false;
      state.disconnects++;
      state.onPublishClose?.(conn);
    },
  };
  process.on('message', (m) => {
    if (m?.type === 'stop') state.stopPublishing?.();
  });

  const rssPeak = { v: process.memoryUsage().rss };
  const rssTimer = setInterval(() => (rssPeak.v = Math.max(rssPeak.v, process.memoryUsage().rss)), 500);
  const cpuStart = process.cpuUsage();
  const connect = await connectAll(conns, cfg, where, state);
  const connectCpu = process.cpuUsage(cpuStart);
  const { connectLatency, ...connectReport } = connect;
  send({ type: 'connected', label: cfg.label, ...connectReport, connectLatencyMs: Histogram.from(connectLatency).summary() });

  const cpu0 = process.cpuUsage();
  const result = { label: cfg.label, pid: process.pid, mode: cfg.mode, url: cfg.url, ...connect };
  if (cfg.mode === 'publish') {
    if (ipc) await waitFor(['go', 'stop']);
    result.publish = await publish(conns, cfg, state);
  } else if (cfg.mode === 'subscribe') {
    result.subscribe = await subscribe(conns, cfg);
  } else {
    const heldSince = performance.now();
    const disconnectsBefore = state.disconnects;
    const closeRequested = ipc ? waitFor(['close']) : new Promise(() => undefined);
    await Promise.race([closeRequested, new Promise((resolve) => setTimeout(resolve, cfg.holdSeconds * 1000))]);
    result.hold = {
      seconds: round((performance.now() - heldSince) / 1000),
      droppedWhileHeld: state.disconnects - disconnectsBefore,
      stillConnected: conns.filter((c) => c.alive).length,
    };
  }
  const cpu = process.cpuUsage(cpu0);
  result.closeSeconds = await closeAll(conns);
  clearInterval(rssTimer);
  result.cpu = { userMs: Math.round(cpu.user / 1000), systemMs: Math.round(cpu.system / 1000) }; // after connecting
  result.connectCpu = { userMs: Math.round(connectCpu.user / 1000), systemMs: Math.round(connectCpu.system / 1000) };
  result.rssPeakMb = mb(rssPeak.v);
  return result;
}

async function main() {
  let config;
  if (process.argv[2]) {
    const arg = process.argv[2];
    config = JSON.parse(arg.startsWith('@') ? require('node:fs').readFileSync(arg.slice(1), 'utf8') : arg);
  } else if (ipc) {
    config = (await waitFor(['start'])).config;
  } else {
    console.error('usage: node bench/loadgen.js \'<config JSON>\' | @config.json   (or fork it and send {type:"start", config})');
    process.exit(2);
  }
  const orphaned = () => process.exit(4); // the parent went away
  if (ipc) process.on('disconnect', orphaned);
  const cfg = { ...DEFAULTS, ...config };
  const result = await run(cfg);
  if (ipc) {
    await new Promise((resolve) => process.send({ type: 'result', result }, () => resolve()));
    process.off('disconnect', orphaned);
    process.disconnect();
  } else {
    if (result.publish) {
      const p = result.publish;
      result.summary = {
        ackedPerSecond: Math.round(p.acked / p.elapsedSeconds),
        latencyMs: Histogram.from(p.latency).summary(),
      };
      delete p.latency;
    }
    result.connectLatencyMs = Histogram.from(result.connectLatency).summary();
    delete result.connectLatency;
    console.log(JSON.stringify(result, null, 2));
  }
}

main().then(
  () => setTimeout(() => process.exit(0), 200).unref(),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
