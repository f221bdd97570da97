#!/usr/bin/env node
// `npm run bench`: the ingest benchmark on both database paths, the sustained 60 s QoS 1 benchmark (server
// database, with its Mosquitto baseline) and the one-year query benchmark on both paths. The 50,000-connection benchmark takes minutes and needs a raised
// open-file limit, so it runs only with BENCH_ALL=1; otherwise this prints how to run it.
// Results are printed and kept in bench/results/. See bench/README.md.
'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const steps = [
  { title: 'ingest, embedded database', script: 'ingest.js', env: { BENCH_DB: 'embedded' } },
  { title: 'ingest, server database', script: 'ingest.js', env: { BENCH_DB: 'server' } },
  { title: `sustained QoS 1, server database, ${process.env.BENCH_SECONDS ?? 60} s`, script: 'sustained.js', env: { BENCH_DB: 'server' } },
  { title: 'a year of hourly data, server database', script: 'query.js', env: { BENCH_DB: 'server' } },
  { title: 'ingest with 1,000 active rules vs none, breach → alert delay, server database', script: 'rules.js', env: {} },
  { title: 'a year of hourly data, embedded database', script: 'query.js', env: { BENCH_DB: 'embedded', BENCH_NEIGHBOURS: '0' } },
  { title: 'grid lookup, 10,000 unit grids', script: 'grid-lookup.js', env: {} },
  { title: 'indicators over a year of 1,000,000 incidents, server database', script: 'indicators.js', env: {} },
  { title: 'incident → task on the worker’s tablet, 100 incidents/s, 1,000 workers, server database', script: 'dispatch.js', env: { BENCH_DB: 'server' } },
];
if (process.env.BENCH_ALL === '1') steps.push({ title: 'concurrent connections', script: 'connections.js', env: {} });

let failed = false;
for (const step of steps) {
  console.log(`\n== ${step.title} ==`);
  // Each script stops by itself; the timeout here is only a backstop.
  const run = spawnSync(process.execPath, [join(__dirname, step.script)], {
    stdio: 'inherit',
    env: { ...process.env, ...step.env },
    timeout: 60 * 60 * 1000,
    killSignal: 'SIGTERM',
  });
  if (run.status !== 0) console.error(`${step.script} failed (${run.signal ?? `exit code ${run.status}`})`);
  failed ||= run.status !== 0;
}
if (process.env.BENCH_ALL !== '1') {
  console.log(
    '\nNot run: the 50,000-connection benchmark (several minutes; needs an open-file limit above ~51,000, see bench/README.md):\n' +
      '  prlimit --nofile=65536:65536 node bench/connections.js\n' +
      'or everything at once: BENCH_ALL=1 npm run bench (with that limit).',
  );
}
process.exit(failed ? 1 : 0);
