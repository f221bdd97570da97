#!/usr/bin/env node
// How much of PostgreSQL's CPU per message is the readings' row layout (issue 20's "where the rest goes"): the same
// batches of sensor messages written as GridHub stored them before migration 050 — one `readings` row per reading,
// keyed by (device_id, metric, time) — and as one row per message (device time, receive time, flags, the metrics and
// their values as arrays), keyed by (device_id, time), as `reading_sets` stores them since — once with every message's
// names sliced out of one flat text array (`wide`, as first built), once with each distinct metric list sent once
// (`lists`, as the hub writes now). The measurement that decided the change; no code of the hub is involved, only
// the statements, on one connection, alternating A B C C B A.
//
// Per layout: the backend's CPU µs per message (from /proc/<backend pid>/stat: the database runs on this machine),
// wall time, WAL bytes per message (pg_current_wal_lsn) and table + index bytes per message.
//
//   node bench/row-layout.js                      # 100 devices, 8 metrics, batches of 625 messages, 200 batches
//   BENCH_LAYOUT_BATCHES=50 node bench/row-layout.js
//
// Variables: BENCH_DATABASE_URL (postgresql://postgres@127.0.0.1:5432/test), BENCH_DEVICES (100), BENCH_METRICS (8),
// BENCH_LAYOUT_BATCH (625 messages), BENCH_LAYOUT_BATCHES (200 per pass), BENCH_REPEATS (2: A B B A).
'use strict';
const { readFileSync } = require('node:fs');
const { Client } = require('pg');
const { TICKS } = require('./lib/proc-cpu');
const { SERVER_URL, round, log, runId, dropSchema, writeResult } = require('./lib/common');

const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const DEVICES = num('BENCH_DEVICES', 100);
const METRICS = num('BENCH_METRICS', 8);
const BATCH = num('BENCH_LAYOUT_BATCH', 625);
const BATCHES = num('BENCH_LAYOUT_BATCHES', 200);
const REPEATS = num('BENCH_REPEATS', 2);
const METRIC_NAMES = ['pm25', 'pm10', 'no2', 'so2', 'o3', 'co', 'temp_c', 'rh_pct'].slice(0, METRICS);

const LAYOUTS = {
  narrow: {
    ddl: (t) => `create table ${t} (
      time timestamptz not null, device_id text collate "C" not null, metric text collate "C" not null,
      value double precision not null, received_at timestamptz not null, flags smallint not null default 0,
      primary key (device_id, metric, time))`,
    // GridHub's statement before migration 050 (message-shaped arrays joined to reading-shaped ones, rows in key order).
    sql: (t) => `insert into ${t} (time, device_id, metric, value, received_at, flags)
      select m.t, m.d, x.metric, x.value, m.r, m.f
        from unnest($1::timestamptz[], $2::text[], $3::timestamptz[], $4::int2[]) with ordinality as m(t, d, r, f, i)
        join unnest($5::int4[], $6::text[], $7::float8[]) as x(i, metric, value) on m.i = x.i
       order by m.d, x.metric, m.t`,
  },
  wide: {
    ddl: (t) => `create table ${t} (
      time timestamptz not null, device_id text collate "C" not null, received_at timestamptz not null,
      flags smallint not null default 0, metrics text[] collate "C" not null, "values" double precision[] not null,
      primary key (device_id, time))`,
    // One row per message, as `reading_sets` (each message's slice of the flat metric and value arrays).
    sql: (t) => `insert into ${t} (time, device_id, received_at, flags, metrics, "values")
      select m.t, m.d, m.r, m.f, ($6::text[])[m.lo:m.hi], ($7::float8[])[m.lo:m.hi]
        from unnest($1::timestamptz[], $2::text[], $3::timestamptz[], $4::int2[], $5::int4[], $8::int4[]) as m(t, d, r, f, lo, hi)
       order by m.d, m.t`,
  },
  // As `reading_sets` is written since: each distinct metric list once (here one list, all messages alike), the
  // values sliced per message. Slicing each message's names out of the flat text array (`wide`) walks the array
  // from its start per message: text elements have no fixed width.
  lists: {
    ddl: (t) => LAYOUTS.wide.ddl(t),
    sql: (t) => `with lists as (
        select l.k, array_agg(l.metric order by l.o) as metrics
          from unnest($5::int4[], $6::text[]) with ordinality as l(k, metric, o) group by l.k)
      insert into ${t} (time, device_id, received_at, flags, metrics, "values")
      select m.t, m.d, m.r, m.f, lists.metrics, ($7::float8[])[m.lo:m.hi]
        from unnest($1::timestamptz[], $2::text[], $3::timestamptz[], $4::int2[], $8::int4[], $9::int4[], $10::int4[]) as m(t, d, r, f, k, lo, hi)
        join lists on lists.k = m.k
       order by m.d, m.t`,
  },
};

/** Batches of messages as the sustained benchmark sends them: devices interleaved, device times increasing. */
function* batches(clock) {
  for (let b = 0; b < BATCHES; b++) {
    const msg = { time: [], device: [], received: [], flags: [], index: [], lo: [], hi: [] };
    const metric = [];
    const value = [];
    for (let k = 0; k < BATCH; k++) {
      const device = `dev-${String(k % DEVICES).padStart(4, '0')}`;
      if (k % DEVICES === 0) clock.t += 1000;
      const t = clock.t;
      msg.time.push(new Date(t));
      msg.device.push(device);
      msg.received.push(new Date(t + 50));
      msg.flags.push(0);
      msg.lo.push(metric.length + 1);
      for (const name of METRIC_NAMES) {
        msg.index.push(k + 1);
        metric.push(name);
        value.push(Math.round(Math.random() * 1000) / 10);
      }
      msg.hi.push(metric.length);
    }
    yield { msg, metric, value };
  }
}

function backendCpuSeconds(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(') ') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS;
}

async function pass(client, pid, layout, table, clock) {
  const sql = LAYOUTS[layout].sql(table);
  const walBefore = (await client.query('select pg_current_wal_lsn() as l')).rows[0].l;
  const cpuBefore = backendCpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  let messages = 0;
  for (const { msg, metric, value } of batches(clock)) {
    const params =
      layout === 'narrow'
        ? [msg.time, msg.device, msg.received, msg.flags, msg.index, metric, value]
        : layout === 'wide'
          ? [msg.time, msg.device, msg.received, msg.flags, msg.lo, metric, value, msg.hi]
          : [msg.time, msg.device, msg.received, msg.flags, METRIC_NAMES.map(() => 1), METRIC_NAMES, value, msg.time.map(() => 1), msg.lo, msg.hi];
    await client.query(sql, params);
    messages += msg.time.length;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = backendCpuSeconds(pid) - cpuBefore;
  const wal = (await client.query('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::float8 as b', [walBefore])).rows[0].b;
  return { layout, messages, seconds: round(seconds, 2), backendCpuMicrosPerMessage: round((cpu * 1e6) / messages, 1), walBytesPerMessage: round(wal / messages), messagesPerSecond: Math.round(messages / seconds) };
}

async function main() {
  const id = runId();
  const schema = `bench_layout_${id}`;
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  const result = { benchmark: 'row-layout', date: new Date().toISOString(), config: { devices: DEVICES, metrics: METRICS, batch: BATCH, batches: BATCHES, repeats: REPEATS }, passes: [] };
  try {
    const pid = (await client.query('select pg_backend_pid() as p')).rows[0].p;
    await client.query(`create schema ${schema}`);
    for (const layout of Object.keys(LAYOUTS)) await client.query(LAYOUTS[layout].ddl(`${schema}.${layout}`));
    // A B B A …: each pass continues its table where the last one of its layout stopped (device times keep rising).
    const order = [];
    const layouts = Object.keys(LAYOUTS);
    for (let r = 0; r < REPEATS; r++) order.push(...(r % 2 === 0 ? layouts : [...layouts].reverse()));
    const clocks = Object.fromEntries(layouts.map((l) => [l, { t: Date.parse('2026-12-01T00:00:00Z') }]));
    for (const layout of order) {
      const p = await pass(client, pid, layout, `${schema}.${layout}`, clocks[layout]);
      log(`${layout}: ${p.messages} messages, ${p.messagesPerSecond} msg/s on one connection, backend ${p.backendCpuMicrosPerMessage} µs and ${p.walBytesPerMessage} WAL bytes per message`);
      result.passes.push(p);
    }
    for (const layout of Object.keys(LAYOUTS)) {
      const size = (await client.query(`select pg_total_relation_size($1)::float8 as b, (select count(*) from ${schema}.${layout})::float8 as n`, [`${schema}.${layout}`])).rows[0];
      const mine = result.passes.filter((p) => p.layout === layout);
      const messages = mine.reduce((n, p) => n + p.messages, 0);
      result[layout] = {
        backendCpuMicrosPerMessage: round(mine.reduce((n, p) => n + p.backendCpuMicrosPerMessage * p.messages, 0) / messages, 1),
        walBytesPerMessage: Math.round(mine.reduce((n, p) => n + p.walBytesPerMessage * p.messages, 0) / messages),
        bytesPerMessage: Math.round(size.b / messages),
        rows: size.n,
      };
    }
    result.wideToNarrowCpu = round(result.wide.backendCpuMicrosPerMessage / result.narrow.backendCpuMicrosPerMessage, 2);
    result.listsToNarrowCpu = round(result.lists.backendCpuMicrosPerMessage / result.narrow.backendCpuMicrosPerMessage, 2);
  } finally {
    await client.end();
    await dropSchema(schema);
  }
  const file = writeResult('row-layout', result);
  console.log(JSON.stringify(result, null, 2));
  log(`narrow ${JSON.stringify(result.narrow)}; wide ${JSON.stringify(result.wide)}; lists ${JSON.stringify(result.lists)}; result written to ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
