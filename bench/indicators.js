#!/usr/bin/env node
// Indicator benchmark (issue 5): a year of 1,000,000 incidents in one district (1,000 unit grids: 10 streets ×
// 10 communities × 10 grids) plus a neighbouring district's 100,000, generated set-based in SQL
// (generate_series, one statement per batch — not one insert per row) with a realistic mix of outcomes (voided,
// still open, closed on time and late, reworked, extended, late dispatches/verifications/re-inspections). Then
// the API query a supervision centre makes — GET /api/v1/indicators?scope=district&code=…&from=…&to=… for the
// whole year — timed over repeated HTTP requests, with the per-street and per-grid breakdowns too, and the role
// indicators (GET /api/v1/indicators/roles) per month or quarter.
// Goal: < 1 s for the district's year on the PostgreSQL server path.
//
//   npm run build && node bench/indicators.js
//   BENCH_INCIDENTS=200000 BENCH_RUNS=5 node bench/indicators.js      # quick check
'use strict';
const { startBenchHub, runId, writeResult, log, round, adminToken, timeGets } = require('./lib/common');

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
const NEIGHBOURS = Number(process.env.BENCH_NEIGHBOUR_INCIDENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const BATCH = 100_000;
const DISTRICT = '140108';
const NEIGHBOUR = '140109';
const FROM = '2025-11-01T00:00:00+08:00';
const TO = '2026-11-01T00:00:00+08:00';


/** District → 10 streets → 100 communities → 1,000 unit grids (small squares; the shapes do not matter here). */
async function createGrids(pool, district, west) {
  await pool.query(
    `insert into grids (code, name, level, parent_code, geometry)
     select $1, 'bench district ' || $1, 'district', null, $2::jsonb
     union all
     select $1 || lpad(s::text, 3, '0'), 'street ' || s, 'street', $1, $2::jsonb from generate_series(1, 10) s
     union all
     select $1 || lpad(s::text, 3, '0') || lpad(c::text, 3, '0'), 'community ' || s || '-' || c, 'community', $1 || lpad(s::text, 3, '0'), $2::jsonb
       from generate_series(1, 10) s, generate_series(1, 10) c`,
    [district, JSON.stringify({ type: 'Polygon', coordinates: [[[west, 38], [west + 0.1, 38], [west + 0.1, 37.9], [west, 37.9], [west, 38]]] })],
  );
  await pool.query(
    `insert into grids (code, name, level, parent_code, geometry)
     select $1 || lpad((i / 100 + 1)::text, 3, '0') || lpad((i / 10 % 10 + 1)::text, 3, '0') || lpad((i % 10 + 1)::text, 3, '0'),
            'grid ' || i, 'grid', $1 || lpad((i / 100 + 1)::text, 3, '0') || lpad((i / 10 % 10 + 1)::text, 3, '0'),
            json_build_object('type', 'Polygon', 'coordinates', json_build_array(json_build_array(
              json_build_array($2 + (i % 32) * 0.001, 38 - (i / 32) * 0.001), json_build_array($2 + (i % 32 + 1) * 0.001, 38 - (i / 32) * 0.001),
              json_build_array($2 + (i % 32 + 1) * 0.001, 38 - (i / 32 + 1) * 0.001), json_build_array($2 + (i % 32) * 0.001, 38 - (i / 32 + 1) * 0.001),
              json_build_array($2 + (i % 32) * 0.001, 38 - (i / 32) * 0.001))))::jsonb
       from generate_series(0, 999) i`,
    [district, west],
  );
}

/**
 * Incidents first..last (of `total` over the year) in `district`: times spread evenly over the year, outcomes
 * drawn from random() (a fixed seed per batch, so runs are comparable). Minutes: verify within 60, dispatch within
 * 30 of filing, handle within 240 of dispatch, re-inspect within 120 of handling.
 */
async function insertIncidents(client, district, prefix, first, last, total) {
  await client.query('select setseed($1)', [(first % 1000) / 1000]);
  await client.query(
    `insert into incidents (code, category, title, priority, status, source, lon, lat, grid_code, created_at, updated_at,
                            verified_at, verify_due_at, filed_at, dispatched_at, dispatch_due_at, accepted_at, handled_at, due_at,
                            reinspected_at, reinspect_due_at, closed_at, rework_count, extended, overdue, department_code)
     select code, 'garbage_exposed', '暴露垃圾', 'normal', status, source, 112.6, 37.95, grid, t, t,
            case when verify then t + (v * 80) * interval '1 minute' end, case when verify then t + interval '60 minutes' end,
            filed, dispatched, filed + interval '30 minutes', accepted, handled, due,
            case when closed then handled + (r5 * 150) * interval '1 minute' end, case when closed then handled + interval '120 minutes' end,
            case when closed then handled + (r5 * 150 + 5) * interval '1 minute' end,
            case when r6 < 0.06 and dispatched is not null then 1 else 0 end, r6 > 0.95 and dispatched is not null,
            dispatched is not null and not closed and due < $6, case when r6 < 0.3 then 'sanitation' end
       from (
         select x.*, case when x.r1 < 0.05 then 'voided' when x.r1 < 0.08 then 'reported' when x.closed then 'closed' else 'accepted' end as status,
                case when x.r1 >= 0.08 then x.t + (x.v * 80 + 5) * interval '1 minute' end as filed
           from (
             select $3 || lpad(g::text, 9, '0') as code,
                    $1::timestamptz + ((g - 1)::float8 / $5) * ($6::timestamptz - $1::timestamptz) as t,
                    $2 || lpad(((g::bigint * 7919) % 1000 / 100 + 1)::text, 3, '0') || lpad(((g::bigint * 7919) % 1000 / 10 % 10 + 1)::text, 3, '0')
                       || lpad(((g::bigint * 7919) % 1000 % 10 + 1)::text, 3, '0') as grid,
                    r1, v, r4, r5, r6, r1 < 0.5 as verify, r1 >= 0.08 and r4 < 0.88 as closed,
                    case when v < 0.3 then 'public' else 'patrol' end as source
               from (select g, random() as r1, random() as v, random() as r4, random() as r5, random() as r6
                       from generate_series($4::int, $7::int) g) rnd
           ) x
       ) y,
       lateral (select case when y.filed is not null then y.filed + (y.v * 40) * interval '1 minute' end as dispatched) d,
       lateral (select d.dispatched + (y.r5 * 30 + 2) * interval '1 minute' as accepted,
                       d.dispatched + interval '240 minutes' + case when y.r6 > 0.95 then interval '24 hours' else interval '0' end as due) a,
       lateral (select case when y.closed then d.dispatched + (y.r4 * 300) * interval '1 minute' end as handled) h`,
    [new Date(FROM), district, prefix, first, total, new Date(TO), last],
  );
}

async function load(pool, district, prefix, total) {
  const client = await pool.connect();
  try {
    for (let first = 1; first <= total; first += BATCH) {
      const last = Math.min(total, first + BATCH - 1);
      await insertIncidents(client, district, prefix, first, last, total);
      log(`  ${district}: ${last.toLocaleString('en')} of ${total.toLocaleString('en')} incidents`);
    }
  } finally {
    client.release();
  }
}

async function main() {
  const id = runId();
  const bench = await startBenchHub({ db: 'server', id });
  const { hub } = bench;
  try {
    const { Pool } = require('pg');
    const pool = hub.app.get(Pool);
    await createGrids(pool, DISTRICT, 112.6);
    await createGrids(pool, NEIGHBOUR, 112.7);
    const loadStarted = Date.now();
    await load(pool, DISTRICT, 'BA', INCIDENTS);
    if (NEIGHBOURS > 0) await load(pool, NEIGHBOUR, 'BB', NEIGHBOURS);
    await pool.query('vacuum analyze incidents');
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    log(`loaded ${(INCIDENTS + NEIGHBOURS).toLocaleString('en')} incidents in ${round(loadSeconds, 1)} s`);

    const base = `http://127.0.0.1:${hub.httpPort}`;
    const accessToken = await adminToken(base);
    const period = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;
    const queries = {
      districtYear: `/api/v1/indicators?scope=district&code=${DISTRICT}&${period}`,
      streetsOfDistrictYear: `/api/v1/indicators?scope=street&code=${DISTRICT}&${period}`,
      gridsOfDistrictYear: `/api/v1/indicators?scope=grid&code=${DISTRICT}&${period}`,
      departmentsYear: `/api/v1/indicators?scope=department&${period}`,
      districtYearCsv: `/api/v1/indicators?scope=district&code=${DISTRICT}&${period}&format=csv`,
      // Role indicators (docs/domain/indicators.md) over the same year, split per month or quarter.
      rolesAreaStreetsMonths: `/api/v1/indicators/roles?role=area&level=street&period=month&code=${DISTRICT}&${period}`,
      rolesDepartmentQuarters: `/api/v1/indicators/roles?role=department&period=quarter&${period}`,
      rolesDispatchMonths: `/api/v1/indicators/roles?role=dispatch&period=month&code=${DISTRICT}&${period}`,
      rolesIntakeMonths: `/api/v1/indicators/roles?role=intake&period=month&code=${DISTRICT}&${period}`,
    };
    let check = null;
    const results = await timeGets(base, accessToken, queries, {
      runs: RUNS,
      warmup: 2,
      measure: (name, text) => {
        if (name.endsWith('Csv')) return { rows: 0 };
        const body = JSON.parse(text);
        if (name === 'districtYear') check = body.rows[0];
        return { rows: body.rows.length };
      },
    });
    if (!check || check.counts.reported !== INCIDENTS) throw new Error(`the district row counts ${check?.counts.reported} incidents, expected ${INCIDENTS}`);
    const plan = await pool.query(
      `explain (analyze, buffers off, timing off, costs off)
       select left(grid_code, 6), count(*) from incidents where created_at >= $1 and created_at < $2 and grid_code like $3 group by 1`,
      [new Date(FROM), new Date(TO), `${DISTRICT}%`],
    );
    const result = {
      date: new Date().toISOString(),
      // The machine's load while measuring: on a shared 2-core machine other work inflates every figure.
      loadAverage1m: round(require('node:os').loadavg()[0], 1),
      cores: require('node:os').cpus().length,
      database: `${hub.database.mode}${hub.database.timescale ? ' (TimescaleDB)' : ''}`,
      incidents: INCIDENTS,
      neighbourIncidents: NEIGHBOURS,
      loadSeconds: round(loadSeconds, 1),
      runs: RUNS,
      queries: results,
      districtRow: { counts: check.counts, rates: check.rates, grade: check.grade },
      scanPlan: plan.rows.map((r) => r['QUERY PLAN']),
      goal: 'districtYear p50 < 1000 ms on the PostgreSQL server path',
      met: results.districtYear.ms.p50 < 1000,
    };
    console.log(JSON.stringify(result, null, 2));
    writeResult('indicators', result);
  } finally {
    await bench.cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
