#!/usr/bin/env node
// Time-series query benchmark: one year of hourly readings for one device (8,760 hours × 6 metrics), then the
// API query a bureau analyst makes — that device's year at 1-hour buckets (served from the roll-ups), its year
// at 1-day buckets, and its last 31 days raw — timed over repeated HTTP requests. Goal (issue 3): < 50 ms for
// the year of hourly data on the TimescaleDB path.
//
//   npm run build && node bench/query.js                 # embedded database (TimescaleDB, Apache edition)
//   BENCH_DB=server node bench/query.js                  # PostgreSQL at BENCH_DATABASE_URL
//   BENCH_RUNS=50 BENCH_NEIGHBOURS=20 node bench/query.js
'use strict';
const { startBenchHub, registerDevices, expectRows, runId, writeResult, log, round, adminToken, timeGets, latencySummary } = require('./lib/common');

const DB = process.env.BENCH_DB ?? 'embedded';
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
/** Other devices with the same year of data, so the query is not alone in the tables. */
const NEIGHBOURS = Number(process.env.BENCH_NEIGHBOURS ?? 9);
const METRICS = ['pm25', 'pm10', 'no2', 'so2', 'o3', 'co'];
const HOURS = 8760;


async function main() {
  const id = runId();
  const bench = await startBenchHub({ db: DB, id });
  const { hub } = bench;
  try {
    const { ReadingRepository, MaintenanceService } = require('@gridhub/ingest');
    const repo = hub.app.get(ReadingRepository);
    const devices = await registerDevices(hub, { prefix: `q-${id}`, count: 1 + NEIGHBOURS });
    const end = Date.parse('2026-11-01T00:00:00+08:00');
    const start = end - HOURS * 3600_000;
    const loadStarted = Date.now();
    for (const device of devices) {
      for (let h0 = 0; h0 < HOURS; h0 += 800) {
        const readings = [];
        for (let h = h0; h < Math.min(HOURS, h0 + 800); h++) {
          const time = new Date(start + h * 3600_000);
          const values = {};
          for (const metric of METRICS) values[metric] = Math.round(Math.random() * 1000) / 10;
          readings.push({ time, deviceId: device.id, values, receivedAt: time, flags: 0 });
        }
        await repo.write({ readings, events: [], deadLetters: [] });
      }
    }
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    await expectRows(hub.database.pool, devices.length * HOURS * METRICS.length);
    const rollStarted = Date.now();
    const maintenance = hub.app.get(MaintenanceService);
    // The hub's own roll-up job may be working beside this loop: wait until nothing is left to roll up.
    const pairs = devices.length * HOURS;
    for (;;) {
      await maintenance.rollup();
      const { rows } = await hub.database.pool.query('select count(*)::int as n from rollup_dirty');
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const rollupSeconds = (Date.now() - rollStarted) / 1000;
    log(`loaded ${devices.length} devices × ${HOURS} h × ${METRICS.length} metrics in ${loadSeconds.toFixed(1)} s; roll-ups (${pairs} device-hours) in ${rollupSeconds.toFixed(1)} s`);

    const base = `http://127.0.0.1:${hub.httpPort}`;
    const accessToken = await adminToken(base);
    const target = devices[0].id;
    const iso = (t) => encodeURIComponent(new Date(t).toISOString());
    const queries = {
      yearHourlyOneMetric: `/api/v1/devices/${target}/readings?metric=pm25&bucket=1h&from=${iso(start)}&to=${iso(end)}`,
      yearHourlyAllMetrics: `/api/v1/devices/${target}/readings?bucket=1h&from=${iso(start)}&to=${iso(end)}`,
      yearDaily: `/api/v1/devices/${target}/readings?bucket=1d&from=${iso(start)}&to=${iso(end)}`,
      month31DaysRaw: `/api/v1/devices/${target}/readings?from=${iso(end - 31 * 86_400_000)}&to=${iso(end)}`,
    };
    const results = await timeGets(base, accessToken, queries, {
      runs: RUNS,
      measure: (_name, text) => ({ points: JSON.parse(text).series.reduce((n, s) => n + s.points.length, 0) }),
    });
    // The database part alone: the roll-up query the API runs for yearHourlyOneMetric.
    const { TimeseriesRepository } = require('@gridhub/ingest');
    const tsr = hub.app.get(TimeseriesRepository);
    const sqlTimes = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const t0 = process.hrtime.bigint();
      await tsr.rolledUp({ deviceIds: [target], metric: 'pm25', from: new Date(start), to: new Date(end), limit: 100_001 }, 'readings_hourly');
      if (i >= 3) sqlTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    results.yearHourlyOneMetric.sqlMs = latencySummary(sqlTimes);
    log(`yearHourlyOneMetric SQL only: p50 ${results.yearHourlyOneMetric.sqlMs.p50} ms`);
    // The rest of the request, step by step in this process: the service (device lookup, SQL, points), then
    // the JSON text of its result.
    const { TimeseriesService } = require('@gridhub/ingest');
    const service = hub.app.get(TimeseriesService);
    const serviceTimes = [];
    const jsonTimes = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const t0 = process.hrtime.bigint();
      const answer = await service.query({ devices: { id: target }, metric: 'pm25', from: new Date(start), to: new Date(end), bucket: '1h' });
      const t1 = process.hrtime.bigint();
      JSON.stringify(answer);
      const t2 = process.hrtime.bigint();
      if (i >= 3) {
        serviceTimes.push(Number(t1 - t0) / 1e6);
        jsonTimes.push(Number(t2 - t1) / 1e6);
      }
    }
    results.yearHourlyOneMetric.serviceMs = latencySummary(serviceTimes);
    results.yearHourlyOneMetric.jsonMs = latencySummary(jsonTimes);
    log(`yearHourlyOneMetric service (lookup + SQL + points): p50 ${results.yearHourlyOneMetric.serviceMs.p50} ms; JSON text p50 ${results.yearHourlyOneMetric.jsonMs.p50} ms`);
    const result = {
      date: new Date().toISOString(),
      database: `${hub.database.mode}${hub.database.timescale ? ' (TimescaleDB)' : ''}`,
      devices: devices.length,
      rowsLoaded: devices.length * HOURS * METRICS.length,
      loadSeconds: round(loadSeconds, 1),
      rollupSeconds: round(rollupSeconds, 1),
      runs: RUNS,
      queries: results,
      goal: 'yearHourlyOneMetric p50 < 50 ms on the TimescaleDB path',
    };
    console.log(JSON.stringify(result, null, 2));
    writeResult(`query-${DB}`, result);
  } finally {
    await bench.cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
