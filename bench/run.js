#!/usr/bin/env node
// `npm run bench`: every benchmark, on both database paths. Results are printed and kept in bench/results/.
'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

let failed = false;
for (const db of ['embedded', 'server']) {
  console.log(`\n== ingest, ${db} database ==`);
  const run = spawnSync(process.execPath, [join(__dirname, 'ingest.js')], { stdio: 'inherit', env: { ...process.env, BENCH_DB: db } });
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
