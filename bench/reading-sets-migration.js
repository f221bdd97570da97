#!/usr/bin/env node
// How long migration 050 (readings stored a row per message) takes on an install with data: an install made before
// it (the migrations before 050, in a schema of its own on the server database) is filled with readings the old way —
// a `readings` row per metric, BENCH_MIGRATION_MESSAGES messages of 8 readings from 100 devices — and then upgraded
// by the hub's own migrator, timed. Reports the seconds, readings per second and the sizes before and after, for
// docs/operations.md's upgrade advice.
//
//   npm run build && node bench/reading-sets-migration.js          # 1,000,000 messages = 8,000,000 readings
//   BENCH_MIGRATION_MESSAGES=200000 node bench/reading-sets-migration.js
//
// Variables: BENCH_DATABASE_URL (postgresql://postgres@127.0.0.1:5432/test), BENCH_MIGRATION_MESSAGES (1,000,000).
'use strict';
const { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Pool } = require('pg');
const { MIGRATIONS_DIR, Migrator } = require('../hub/dist/database/migrator');
const { SERVER_URL, round, log, runId, dropSchema, writeResult } = require('./lib/common');

const MESSAGES = Number(process.env.BENCH_MIGRATION_MESSAGES ?? 1_000_000);
const DEVICES = 100;
const METRICS = ['pm25', 'pm10', 'no2', 'so2', 'o3', 'co', 'temp_c', 'rh_pct'];

async function main() {
  const schema = `bench_m050_${runId()}`;
  const dir = mkdtempSync(join(tmpdir(), 'gridhub-migrations-'));
  for (const file of readdirSync(MIGRATIONS_DIR)) {
    if (/^\d{3}_.*\.sql$/.test(file) && file < '050') copyFileSync(join(MIGRATIONS_DIR, file), join(dir, file));
  }
  mkdirSync(join(dir, 'timescale'));
  const pool = new Pool({ connectionString: SERVER_URL, max: 1, options: `-c search_path=${schema},public` });
  const result = { benchmark: 'reading-sets-migration', date: new Date().toISOString(), config: { messages: MESSAGES, devices: DEVICES, metrics: METRICS.length } };
  try {
    await new Migrator(pool, schema, 'off', 'never', dir).run();
    log(`filling ${MESSAGES} messages × ${METRICS.length} readings the old way`);
    await pool.query(
      `insert into readings (time, device_id, metric, value, received_at, flags)
       select timestamptz '2026-01-01' + (m / $2) * interval '1 minute', 'dev-' || (m % $2), x.metric, random() * 100,
              timestamptz '2026-01-01' + (m / $2) * interval '1 minute' + interval '2 seconds', 0
         from generate_series(0, $1 - 1) m cross join unnest($3::text[]) x(metric)`,
      [MESSAGES, DEVICES, METRICS],
    );
    await pool.query('vacuum analyze readings');
    const size = async (table) => Number((await pool.query('select pg_total_relation_size($1)::float8 as b', [`${schema}.${table}`])).rows[0].b);
    result.before = { readings: MESSAGES * METRICS.length, bytes: await size('readings') };
    const t0 = process.hrtime.bigint();
    const applied = await new Migrator(pool, schema, 'off', 'never').run();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const rows = Number((await pool.query('select count(*)::float8 as n from reading_sets')).rows[0].n);
    result.after = { applied: applied.applied, rows, bytes: await size('reading_sets') };
    result.seconds = round(seconds, 1);
    result.readingsPerSecond = Math.round(result.before.readings / seconds);
    log(`050 moved ${result.before.readings} readings into ${rows} rows in ${result.seconds} s (${result.readingsPerSecond} readings/s); ` +
      `${Math.round(result.before.bytes / 1e6)} MB → ${Math.round(result.after.bytes / 1e6)} MB`);
  } finally {
    await pool.end();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  }
  const file = writeResult('reading-sets-migration', result);
  console.log(JSON.stringify(result, null, 2));
  log(`result written to ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
