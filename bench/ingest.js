#!/usr/bin/env node
// Ingest benchmark: many authenticated devices publish QoS 1 air readings as fast as the hub acknowledges
// them; reports throughput, PUBACK latency, memory, and checks that every acknowledged reading is stored.
// On the server database it also runs the outside baseline in the same run: a naive subscriber on Mosquitto
// inserting each reading row by row (BENCH_BASELINE=0 skips it), and reports GridHub's ratio to it.
//
//   npm run build && node bench/ingest.js                      # embedded PGlite + TimescaleDB
//   BENCH_DB=server node bench/ingest.js                       # PostgreSQL at BENCH_DATABASE_URL
//   BENCH_MESSAGES=50000 BENCH_DEVICES=100 node bench/ingest.js
'use strict';
const mqtt = require('mqtt');
const { Client } = require('pg');
const { startBenchHub, registerDevices, runId, writeResult, SERVER_URL } = require('./lib/common');

const MOSQUITTO = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/**
 * The baseline a team would write first: one MQTT subscriber (QoS 1) on Mosquitto and one INSERT per reading, in
 * order, on one connection. The same devices, messages and publishing pattern as the GridHub run.
 */
async function naiveBaseline(id, schema, devices, perDevice) {
  const db = new Client({ connectionString: SERVER_URL });
  await db.connect();
  const table = `${schema}.naive_readings`;
  await db.query(`create table ${table} (time timestamptz not null, device_id text not null, metric text not null, value float8 not null, primary key (device_id, metric, time))`);
  const expected = devices * perDevice * METRICS.length;
  let inserted = 0;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  let chain = Promise.resolve();
  const subscriber = await mqtt.connectAsync(MOSQUITTO, { clientId: `naive-${id}`, reconnectPeriod: 0 });
  subscriber.on('message', (_topic, payload) => {
    chain = chain.then(async () => {
      const message = JSON.parse(payload.toString('utf8'));
      const device = _topic.split('/').pop();
      for (const [metric, value] of Object.entries(message.readings)) {
        await db.query(`insert into ${table} (time, device_id, metric, value) values ($1, $2, $3, $4) on conflict do nothing`, [message.ts, device, metric, value]);
        if (++inserted === expected) done();
      }
    });
  });
  await subscriber.subscribeAsync(`bench/${id}/#`, { qos: 1 });
  const publishers = await Promise.all(Array.from({ length: devices }, (_, d) => mqtt.connectAsync(MOSQUITTO, { clientId: `naive-${id}-${d}`, reconnectPeriod: 0 })));
  const base = Date.now() - perDevice * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    publishers.map(async (client, d) => {
      const window = [];
      for (let m = 0; m < perDevice; m++) {
        const readings = Object.fromEntries(METRICS.map((k) => [k, Math.round(Math.random() * 1000) / 10]));
        window.push(client.publishAsync(`bench/${id}/d${d}`, JSON.stringify({ ts: new Date(base + m * 1000).toISOString(), readings }), { qos: 1 }));
        if (window.length >= 20) await Promise.all(window.splice(0));
      }
      await Promise.all(window);
    }),
  );
  const publishedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Mosquitto drops QoS 1 messages for a subscriber that falls behind (max_queued_messages): the baseline may never
  // see them all. It is over when every reading is in, or when nothing has arrived for 5 s.
  let lastInserted = -1;
  let lastChange = Date.now();
  const idle = setInterval(() => {
    if (inserted !== lastInserted) {
      lastInserted = inserted;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > 5_000) done();
  }, 250);
  await finished;
  clearInterval(idle);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9 - (inserted === expected ? 0 : 5);
  await Promise.all([...publishers, subscriber].map((c) => c.endAsync()));
  const { rows } = await db.query(`select count(*)::int as n from ${table}`);
  await db.end();
  const messages = devices * perDevice;
  return {
    what: 'one QoS 1 subscriber on Mosquitto, one INSERT per reading',
    messages,
    readingsStored: rows[0].n,
    readingsExpected: expected,
    readingsLost: expected - rows[0].n,
    publishedSeconds: Math.round(publishedSeconds * 100) / 100,
    storedSeconds: Math.round(seconds * 100) / 100,
    messagesPerSecond: Math.round(rows[0].n / METRICS.length / seconds),
  };
}

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20000);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 50);
const DB = process.env.BENCH_DB ?? 'embedded';
const METRICS = ['pm25', 'pm10', 'no2', 'so2', 'o3', 'co'];

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const mb = (bytes) => Math.round(bytes / 1048576);

async function main() {
  const id = runId();
  const bench = await startBenchHub({ db: DB, id });
  const { hub } = bench;
  try {
    const creds = await registerDevices(hub, { prefix: `bench-${id}`, count: DEVICES });
    const clients = await Promise.all(
      creds.map((c) => mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, { username: c.id, password: c.secret, clientId: c.id, reconnectPeriod: 0 })),
    );
    const perDevice = Math.ceil(MESSAGES / DEVICES);
    const latencies = [];
    const base = Date.now() - perDevice * 1000;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
    const started = process.hrtime.bigint();
    await Promise.all(
      clients.map(async (client, d) => {
        const window = [];
        for (let m = 0; m < perDevice; m++) {
          const readings = Object.fromEntries(METRICS.map((k) => [k, Math.round(Math.random() * 1000) / 10]));
          const payload = JSON.stringify({ ts: new Date(base + m * 1000).toISOString(), readings });
          const t0 = process.hrtime.bigint();
          window.push(
            client.publishAsync(`gridhub/v1/air/${creds[d].id}/data`, payload, { qos: 1 }).then(() => {
              latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            }),
          );
          if (window.length >= 20) await Promise.all(window.splice(0));
        }
        await Promise.all(window);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    await Promise.all(clients.map((c) => c.endAsync()));
    const sent = perDevice * DEVICES;
    const { rows } = await hub.database.pool.query(`select count(*)::int as n from readings where device_id like $1`, [`bench-${id}-%`]);
    latencies.sort((a, b) => a - b);
    const result = {
      date: new Date().toISOString(),
      database: `${hub.database.mode}${hub.database.timescale ? ' (TimescaleDB)' : ''}`,
      devices: DEVICES,
      messages: sent,
      readingsExpected: sent * METRICS.length,
      readingsStored: rows[0].n,
      seconds: Math.round(seconds * 100) / 100,
      messagesPerSecond: Math.round(sent / seconds),
      readingsPerSecond: Math.round((sent * METRICS.length) / seconds),
      pubackMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.at(-1) },
      rssMb: { before: mb(rssBefore), peak: mb(rssPeak) },
    };
    for (const k of Object.keys(result.pubackMs)) result.pubackMs[k] = Math.round(result.pubackMs[k] * 10) / 10;
    if (DB === 'server' && process.env.BENCH_BASELINE !== '0') {
      result.naiveBaseline = await naiveBaseline(id, bench.schema ?? hub.config.databaseSchema, DEVICES, perDevice);
      result.ratioToNaive = Math.round((result.messagesPerSecond / result.naiveBaseline.messagesPerSecond) * 100) / 100;
    }
    console.log(JSON.stringify(result, null, 2));
    writeResult(`ingest-${DB}`, result);
    if (result.readingsStored !== result.readingsExpected) {
      console.error(`LOSS: ${result.readingsExpected - result.readingsStored} acknowledged readings are not stored`);
      process.exitCode = 1;
    }
  } finally {
    await bench.cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
