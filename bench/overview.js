#!/usr/bin/env node
// Overview and catalogue benchmark (issue 19): the wall screen's one request, GET /api/v1/overview, over the demo
// city with a year of incidents behind it (BENCH_INCIDENTS, default 200,000, spread over the year's unit grids,
// the last BENCH_TODAY of them today, a tenth of those still open), and GET /api/v1/catalogue — timed over
// repeated HTTP requests.
//
//   npm run build && BENCH_DB=server node bench/overview.js     # PostgreSQL at BENCH_DATABASE_URL
//   node bench/overview.js                                      # embedded database
'use strict';
const { startBenchHub, runId, writeResult, log, round, adminToken, timeGets } = require('./lib/common');

const DB = process.env.BENCH_DB ?? 'embedded';
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 200_000);
const TODAY = Number(process.env.BENCH_TODAY ?? 2_000);

async function main() {
  const id = runId();
  const bench = await startBenchHub({ db: DB, id });
  const { hub } = bench;
  try {
    const pool = hub.database.pool;
    const now = new Date();
    const loadStarted = Date.now();
    // The year before today, then today: created times evenly spread; statuses as a closed loop leaves them.
    await pool.query(
      `insert into incidents (code, category, title, priority, status, source, lon, lat, grid_code, created_at, updated_at,
                              filed_at, dispatched_at, due_at, handled_at, closed_at, overdue)
       select 'B' || lpad(g::text, 9, '0'), 'garbage_exposed', '暴露垃圾', 'normal',
              case when open then 'dispatched' else 'closed' end, 'patrol', 112.55, 37.85, grids[1 + g % array_length(grids, 1)], t, t,
              t + interval '5 minutes', t + interval '10 minutes', t + interval '4 hours',
              case when not open then t + interval '2 hours' end, case when not open then t + interval '3 hours' end,
              open and t + interval '4 hours' < $1
         from (select g, random() < case when g > $2 - $3 then 0.1 else 0.002 end as open,
                      case when g > $2 - $3 then date_trunc('day', $1::timestamptz) + ((g - ($2 - $3))::float8 / $3) * ($1::timestamptz - date_trunc('day', $1::timestamptz))
                           else $1::timestamptz - interval '366 days' + (g::float8 / $2) * interval '365 days' end as t
                 from generate_series(1, $2::int) g) s,
              (select array_agg(code order by code) as grids from grids where level = 'grid') gr`,
      [now, INCIDENTS, TODAY],
    );
    await pool.query('vacuum analyze incidents');
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    const { rows } = await pool.query('select count(*)::int as n from incidents');
    if (rows[0].n !== INCIDENTS) throw new Error(`loaded ${rows[0].n} incidents, expected ${INCIDENTS}`);
    log(`loaded ${INCIDENTS.toLocaleString('en')} incidents (${TODAY} today) in ${round(loadSeconds, 1)} s`);

    const base = `http://127.0.0.1:${hub.httpPort}`;
    const token = await adminToken(base);
    const results = await timeGets(base, token, { overview: '/api/v1/overview', catalogue: '/api/v1/catalogue', catalogueCsv: '/api/v1/catalogue?format=csv' }, {
      runs: RUNS,
      measure: (_name, text) => ({ bytes: Buffer.byteLength(text) }),
    });
    const result = { db: DB, incidents: INCIDENTS, today: TODAY, runs: RUNS, loadSeconds: round(loadSeconds, 1), ...results };
    writeResult('overview', result);
    console.log(JSON.stringify({ bench: 'overview', ...result }));
  } finally {
    await bench.cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
