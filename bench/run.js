#!/usr/bin/env node
// `npm run bench`: every benchmark in turn (ingest on both database paths, sustained 60 s QoS 1 with its Mosquitto
// baseline, queries, rules overhead, AQI, grid lookup, indicators, dispatch latency, map rendering), then one summary
// line per benchmark with the machine's cores and memory. The 50,000-connection benchmark takes minutes and needs a raised
// open-file limit, so it runs only with BENCH_ALL=1; otherwise this prints how to run it.
// Results are printed and kept in bench/results/. See bench/README.md.
'use strict';
const { spawnSync } = require('node:child_process');
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { cpus, totalmem } = require('node:os');
const { join } = require('node:path');

const RESULTS = join(__dirname, 'results');
/** Fields worth a place in the one-line summary: rates, latencies, ratios, losses, memory. */
const HEADLINE = /(per ?second|PerSecond|lookupsPerSec|ratio|Ratio|p50|p99|median|firstRender|lost|missing|duplicate|rss|Rss|stored|delivered|bundle)/;

/** The result files a step wrote (bench/results/*.json newer than its start), flattened to `path = value`. */
function summaryOf(since) {
  let files = [];
  try {
    files = readdirSync(RESULTS)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(RESULTS, f))
      .filter((f) => statSync(f).mtimeMs >= since);
  } catch {
    return [];
  }
  return files.map((file) => {
    const flat = [];
    const walk = (value, path) => {
      if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
      else if (typeof value === 'number' && HEADLINE.test(path) && !/^machine\./.test(path)) flat.push(`${path}=${Math.round(value * 100) / 100}`);
    };
    walk(JSON.parse(readFileSync(file, 'utf8')), '');
    return `${file.replace(/^.*\//, '')}: ${flat.slice(0, 10).join(' ')}`;
  });
}

const steps = [
  { title: 'ingest, embedded database', script: 'ingest.js', env: { BENCH_DB: 'embedded' } },
  { title: 'ingest, server database', script: 'ingest.js', env: { BENCH_DB: 'server' } },
  { title: `sustained QoS 1, server database, ${process.env.BENCH_SECONDS ?? 60} s`, script: 'sustained.js', env: { BENCH_DB: 'server' } },
  { title: 'a year of hourly data, server database', script: 'query.js', env: { BENCH_DB: 'server' } },
  { title: 'ingest with 1,000 active rules vs none, breach → alert delay, server database', script: 'rules.js', env: {} },
  { title: 'a year of hourly data, embedded database', script: 'query.js', env: { BENCH_DB: 'embedded', BENCH_NEIGHBOURS: '0' } },
  { title: 'a month of hourly AQI for every station, server database', script: 'aqi.js', env: { BENCH_DB: 'server' } },
  { title: 'grid lookup, 10,000 unit grids', script: 'grid-lookup.js', env: {} },
  { title: 'indicators over a year of 1,000,000 incidents, server database', script: 'indicators.js', env: {} },
  { title: 'incident → task on the worker’s tablet, 100 incidents/s, 1,000 workers, server database', script: 'dispatch.js', env: { BENCH_DB: 'server' } },
  { title: 'map with 50,000 sensors, 5,000 grids, 2,000 incidents in headless Chromium', script: 'map-render.js', env: {} },
];
if (process.env.BENCH_ALL === '1') steps.push({ title: 'concurrent connections', script: 'connections.js', env: {} });

/** The V8 options of `npm start` and the Dockerfile: a 64 MB young generation. */
const HUB_NODE_FLAGS = ['--max-semi-space-size=64'];
const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const summaries = [];
let failed = false;
for (const step of steps) {
  console.log(`\n== ${step.title} ==`);
  const started = Date.now();
  // Each script stops by itself; the timeout here is only a backstop.
  // The hub runs inside each script, so the script gets the hub's V8 options (as `npm start` gives them).
  const run = spawnSync(process.execPath, [...HUB_NODE_FLAGS, join(__dirname, step.script)], {
    stdio: 'inherit',
    env: { ...process.env, ...step.env },
    timeout: 60 * 60 * 1000,
    killSignal: 'SIGTERM',
  });
  if (run.status !== 0) console.error(`${step.script} failed (${run.signal ?? `exit code ${run.status}`})`);
  failed ||= run.status !== 0;
  const lines = summaryOf(started);
  summaries.push(`${step.script.padEnd(16)} ${run.status === 0 ? 'ok    ' : 'FAILED'} ${lines.join(' | ') || '(no result file)'}`);
}
console.log(`\n== summary (${machine}) ==`);
for (const line of summaries) console.log(line);
if (process.env.BENCH_ALL !== '1') {
  console.log(
    '\nNot run: the 50,000-connection benchmark (several minutes; needs an open-file limit above ~51,000, see bench/README.md):\n' +
      '  prlimit --nofile=65536:65536 node bench/connections.js\n' +
      'or everything at once: BENCH_ALL=1 npm run bench (with that limit).',
  );
}
process.exit(failed ? 1 : 0);
