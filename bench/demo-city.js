#!/usr/bin/env node
// What a demo city costs (issue 19): for each city (classic 48-grid strip, Taiyuan urban core), in a child process of
// its own, the hub's start with the demo seed (wall time of startHub, and of the seed alone as the hub logs it), the
// process memory after start, the size and time of the unit-grid GeoJSON the map loads, and the map's first render in
// headless Chromium (sign in → `#map[data-map-ready]`, every layer drawn). Screenshots go to test-artifacts/.
//   npm run build && node bench/demo-city.js         (Chromium at /usr/bin/chromium; PostgreSQL and Redis running)
// Env: BENCH_CITIES=classic,taiyuan  BENCH_DB=server|embedded  CHROMIUM_PATH
'use strict';
const { fork } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { round, log, writeResult, startBenchHub, runId } = require('./lib/common');

const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DB = process.env.BENCH_DB ?? 'server';
const mb = (b) => round(b / 1048576, 1);

async function child(city) {
  const { chromium } = require('playwright-core');
  const seedLines = [];
  // The seed reports its own duration in a log line; capture it from stdout (LOG_LEVEL=log keeps it, JSON-free).
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    const text = String(chunk);
    const m = /demo city \((\w+)\) seeded in (\d+) ms/.exec(text);
    if (m) seedLines.push(Number(m[2]));
    return write(chunk, ...rest);
  };
  const t0 = performance.now();
  const bench = await startBenchHub({ db: DB, id: runId(), env: { GRIDHUB_DEMO_CITY: city, LOG_LEVEL: 'info', NODE_ENV: 'development' } });
  const startMs = performance.now() - t0;
  process.stdout.write = write;
  try {
    global.gc?.();
    const mem = process.memoryUsage();
    const base = `http://127.0.0.1:${bench.hub.httpPort}`;
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dispatcher', password: 'Dispatch-2026' }),
    }).then((r) => r.json());
    const t1 = performance.now();
    const gridsRes = await fetch(`${base}/api/v1/grids?level=grid`, { headers: { authorization: `Bearer ${login.accessToken}`, 'accept-encoding': 'identity' } });
    const gridsBody = await gridsRes.text();
    const gridsMs = performance.now() - t1;
    const grids = JSON.parse(gridsBody).features.length;

    mkdirSync(ARTIFACTS, { recursive: true });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const renders = [];
    try {
      for (const run of [1, 2]) {
        const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
        const page = await context.newPage();
        await page.goto(`${base}/`);
        await page.fill('input[name="username"]', 'dispatcher');
        await page.fill('input[name="password"]', 'Dispatch-2026');
        const t2 = performance.now();
        await page.click('button[type="submit"]');
        await page.waitForSelector('#map[data-map-ready="true"]', { timeout: 120_000 });
        renders.push(performance.now() - t2);
        if (run === 1) {
          await page.waitForTimeout(500);
          await page.screenshot({ path: join(ARTIFACTS, `demo-city-${city}.png`) });
          // Zoomed in on the centre of the city: streets, labels and unit grids.
          const box = await page.locator('#map').boundingBox();
          const [x, y] = [box.x + box.width * 0.45, box.y + box.height * 0.3];
          await page.mouse.move(x, y);
          for (let i = 0; i < 2; i++) {
            await page.mouse.wheel(0, -200);
            await page.waitForTimeout(400);
          }
          await page.waitForTimeout(1200);
          await page.screenshot({ path: join(ARTIFACTS, `demo-city-${city}-zoomed.png`) });
        }
        await context.close();
      }
    } finally {
      await browser.close();
    }
    return {
      city,
      db: DB,
      grids,
      startWithSeedMs: round(startMs),
      seedMs: seedLines[0] ?? null,
      rssMb: mb(mem.rss),
      heapUsedMb: mb(mem.heapUsed),
      gridGeoJsonMb: round(gridsBody.length / 1048576, 2),
      gridGeoJsonMs: round(gridsMs),
      firstRenderMs: renders.map((v) => round(v)),
    };
  } finally {
    await bench.cleanup();
  }
}

async function main() {
  if (process.argv[2] === '--child') {
    const result = await child(process.argv[3]);
    process.send(result);
    return;
  }
  const cities = (process.env.BENCH_CITIES ?? 'classic,taiyuan').split(',');
  const results = [];
  for (const city of cities) {
    log(`${city}: starting a hub with the demo city…`);
    const result = await new Promise((resolve, reject) => {
      const proc = fork(__filename, ['--child', city], { execArgv: ['--expose-gc'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      let got = null;
      proc.on('message', (m) => (got = m));
      proc.on('exit', (code) => (got ? resolve(got) : reject(new Error(`${city}: child exited ${code}`))));
    });
    log(JSON.stringify(result));
    results.push(result);
  }
  const file = writeResult('demo-city', { at: new Date().toISOString(), results });
  log(`written ${file}`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
