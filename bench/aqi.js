#!/usr/bin/env node
// AQI benchmark (issue 4): a month of hourly readings of the six AQI pollutants for a city's air stations, then
// the roll-up job (hourly/daily roll-ups and the HJ 633 hourly/daily AQI computed from them), then the queries a
// bureau makes: a month of hourly AQI for every station (one request), a district's month of hourly AQI, the
// station ranking of one hour — timed over repeated HTTP requests; every station's month in one SQL query; and
// the AQI refresh the per-minute job makes when every station's newest hour changed.
//
//   npm run build && node bench/aqi.js                   # PostgreSQL server at BENCH_DATABASE_URL
//   BENCH_DB=embedded node bench/aqi.js                  # embedded database
//   BENCH_STATIONS=200 BENCH_DAYS=31 BENCH_RUNS=20 node bench/aqi.js
'use strict';
const { startBenchHub, registerDevices, expectRows, runId, writeResult, log, round, adminToken, timeGets, latencySummary } = require('./lib/common');

const DB = process.env.BENCH_DB ?? 'server';
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const STATIONS = Number(process.env.BENCH_STATIONS ?? 50);
const DAYS = Number(process.env.BENCH_DAYS ?? 31);
const METRICS = ['pm25', 'pm10', 'no2', 'so2', 'o3', 'co'];
const HOUR = 3_600_000;


/** A plausible diurnal pattern per pollutant (µg/m³, CO mg/m³), different per station. */
function value(metric, station, h) {
  const day = Math.sin(((h % 24) / 24) * 2 * Math.PI);
  const base = { pm25: 55, pm10: 90, no2: 35, so2: 12, o3: 90, co: 0.9 }[metric];
  const swing = { pm25: 25, pm10: 35, no2: 15, so2: 5, o3: 70, co: 0.4 }[metric];
  const v = base + swing * (metric === 'o3' ? day : -day) + ((station * 7 + h * 13) % 11) - 5;
  return Math.max(0, Math.round(v * 10) / 10);
}

async function main() {
  const id = runId();
  const bench = await startBenchHub({ db: DB, id, env: { GRIDHUB_SEED_DEMO: 'true' } });
  const { hub } = bench;
  try {
    const { ReadingRepository, MaintenanceService, AqiRepository } = require('@gridhub/ingest');
    const repo = hub.app.get(ReadingRepository);
    const devices = await registerDevices(hub, { prefix: `aqi-${id}`, count: STATIONS });
    const hours = DAYS * 24;
    const end = Date.parse('2026-11-01T00:00:00+08:00');
    const start = end - hours * HOUR;
    const loadStarted = Date.now();
    for (const [s, device] of devices.entries()) {
      const readings = [];
      for (let h = 0; h < hours; h++) {
        const time = new Date(start + h * HOUR + 30 * 60_000);
        const values = {};
        for (const metric of METRICS) values[metric] = value(metric, s, h);
        readings.push({ time, deviceId: device.id, values, receivedAt: time, flags: 0 });
      }
      await repo.write({ readings, events: [], deadLetters: [] });
    }
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    await expectRows(hub.database.pool, STATIONS * hours * METRICS.length);

    const maintenance = hub.app.get(MaintenanceService);
    const pool = hub.database.pool;
    const rollStarted = Date.now();
    let aqiHours = 0;
    for (;;) {
      const run = await maintenance.rollup();
      aqiHours += run.aqiHours ?? 0;
      const { rows } = await pool.query('select (select count(*) from rollup_dirty) + (select count(*) from aqi_dirty) as n');
      if (Number(rows[0].n) === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const rollupSeconds = (Date.now() - rollStarted) / 1000;
    const { rows: counts } = await pool.query('select (select count(*) from aqi_hourly)::int as hourly, (select count(*) from aqi_daily)::int as daily');
    log(`loaded ${STATIONS} stations × ${hours} h × ${METRICS.length} metrics in ${loadSeconds.toFixed(1)} s; roll-ups and AQI in ${rollupSeconds.toFixed(1)} s (${counts[0].hourly} hourly, ${counts[0].daily} daily AQI rows)`);

    const base = `http://127.0.0.1:${hub.httpPort}`;
    const accessToken = await adminToken(base);
    const iso = (t) => encodeURIComponent(new Date(t).toISOString());
    const range = `from=${iso(start)}&to=${iso(end)}`;
    const queries = {
      monthHourlyStationsOfDistrict: `/api/v1/air/aqi?gridCode=140106&kind=hourly&per=station&${range}`,
      monthHourlyDistrict: `/api/v1/air/aqi?gridCode=140106&kind=hourly&${range}`,
      monthDailyStationsOfDistrict: `/api/v1/air/aqi?gridCode=140106&kind=daily&per=station&${range}`,
      stationRankingOneHour: `/api/v1/air/ranking?kind=hourly&level=station&at=${iso(end - 12 * HOUR)}`,
    };
    const count = (body) => (body.series ? body.series.reduce((n, s) => n + s.reports.length, 0) : (body.reports ?? body.items).length);
    const results = await timeGets(base, accessToken, queries, { runs: RUNS, measure: (_name, text) => ({ reports: count(JSON.parse(text)) }) });
    const aqi = hub.app.get(AqiRepository);
    const ids = devices.map((d) => d.id);
    // Every station's month of hourly AQI in one query (the repository call the API makes), without HTTP.
    const sqlTimes = [];
    let rows = 0;
    for (let i = 0; i < RUNS + 3; i++) {
      const t0 = process.hrtime.bigint();
      rows = (await aqi.series('aqi_hourly', ids, new Date(start), new Date(end))).length;
      if (i >= 3) sqlTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    results.monthHourlyAllStationsSql = { stations: ids.length, rows, ms: latencySummary(sqlTimes) };
    log(`monthHourlyAllStationsSql: ${rows} rows, p50 ${results.monthHourlyAllStationsSql.ms.p50} ms`);
    // Steady state: every station's newest hour changed (what one run of the per-minute job sees).
    const { AirQualityService } = require('@gridhub/ingest');
    const air = hub.app.get(AirQualityService);
    const refreshTimes = [];
    for (let i = 0; i < Math.min(RUNS, 10) + 1; i++) {
      await pool.query(`insert into aqi_dirty (device_id, hour) select unnest($1::text[]), $2 on conflict do nothing`, [ids, new Date(end - HOUR)]);
      const t0 = process.hrtime.bigint();
      await air.refresh();
      if (i >= 1) refreshTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    results.refreshNewestHourEveryStation = { stations: ids.length, ms: latencySummary(refreshTimes) };
    log(`refreshNewestHourEveryStation: p50 ${results.refreshNewestHourEveryStation.ms.p50} ms`);
    const result = {
      date: new Date().toISOString(),
      database: `${hub.database.mode}${hub.database.timescale ? ' (TimescaleDB)' : ''}`,
      stations: STATIONS,
      days: DAYS,
      readingsLoaded: STATIONS * hours * METRICS.length,
      loadSeconds: round(loadSeconds, 1),
      rollupAndAqiSeconds: round(rollupSeconds, 1),
      aqiStationHoursComputed: aqiHours,
      aqiRows: counts[0],
      runs: RUNS,
      queries: results,
    };
    console.log(JSON.stringify(result, null, 2));
    writeResult(`aqi-${DB}`, result);
  } finally {
    await bench.cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
