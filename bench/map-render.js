#!/usr/bin/env node
// Map rendering benchmark (issue 6): the built map UI in headless Chromium with a large synthetic city —
// 50,000 sensors, 5,000 unit grids, 2,000 open incidents, 300 grid workers — measuring the time from "sign in" to
// the first full render (`#map[data-map-ready]`: every layer has its data and OpenLayers has drawn a complete frame)
// and the frame times during a scripted pan and zoom. Also reports the built bundle: what the first page load
// downloads and what stays lazy (ECharts, the views).
//
// The city is served by a small HTTP server in this process that answers the UI's API calls with generated data (the
// hub cannot seed 50,000 devices in reasonable time; what is measured here is the browser, not the API).
//   node bench/map-render.js           (needs `npm run build -w @gridhub/map-ui` first; Chromium at /usr/bin/chromium)
// Env: BENCH_SENSORS, BENCH_GRIDS (a multiple of 100), BENCH_INCIDENTS, CHROMIUM_PATH, BENCH_VIEWPORT=1280x800.
'use strict';
const http = require('node:http');
const { readFileSync, existsSync, readdirSync, statSync } = require('node:fs');
const { join, extname } = require('node:path');
const { gzipSync } = require('node:zlib');
const { chromium } = require('playwright-core');
const { round, log, writeResult } = require('./lib/common');

const DIST = join(__dirname, '..', 'map-ui', 'dist');
const SENSORS = Number(process.env.BENCH_SENSORS ?? 50_000);
const GRIDS = Number(process.env.BENCH_GRIDS ?? 5_000);
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 2_000);
const WORKERS = 300;
const [VW, VH] = (process.env.BENCH_VIEWPORT ?? '1280x800').split('x').map(Number);

// ---- the synthetic city: a 100 × (GRIDS/100) block of ~100 m unit grids east of the Fen River ----------------------
const COLS = 100;
const ROWS = Math.ceil(GRIDS / COLS);
const WEST = 112.546;
const NORTH = 37.9;
const CELL_LON = 0.00114;
const CELL_LAT = 0.0009;
// mulberry32: a seeded generator whose successive draws are independent (a 31-bit LCG computed in doubles put the
// sensors on a lattice that left two grids in three empty).
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pad = (n, w = 3) => String(n).padStart(w, '0');
const rect = (c0, r0, cs, rs) => {
  const w = WEST + c0 * CELL_LON, e = WEST + (c0 + cs) * CELL_LON, n = NORTH - r0 * CELL_LAT, s = NORTH - (r0 + rs) * CELL_LAT;
  return { type: 'Polygon', coordinates: [[[w, n], [e, n], [e, s], [w, s], [w, n]]] };
};
const feature = (code, name, level, parentCode, geometry) => ({ type: 'Feature', id: code, geometry, properties: { code, name, level, parentCode } });
// Hierarchy: 2 districts (top and bottom half), streets of 20 × 10 cells, communities of 10 × 10 cells.
const districtOf = (r) => (r < ROWS / 2 ? 0 : 1);
const districtCode = (d) => ['140106', '140105'][d];
const streetIdx = (c, r) => Math.floor(c / 20) + 5 * Math.floor((r % Math.ceil(ROWS / 2)) / 10);
const streetCode = (c, r) => districtCode(districtOf(r)) + pad(streetIdx(c, r) + 1);
const communityCode = (c, r) => streetCode(c, r) + pad(Math.floor((c % 20) / 10) + 1);
const grids = [];
const counters = new Map();
for (let r = 0; r < ROWS; r++) {
  for (let c = 0; c < COLS && grids.length < GRIDS; c++) {
    const cc = communityCode(c, r);
    const n = (counters.get(cc) ?? 0) + 1;
    counters.set(cc, n);
    grids.push(feature(cc + pad(n), `网格 ${cc.slice(-3)}-${n}`, 'grid', cc, rect(c, r, 1, 1)));
  }
}
const districts = [0, 1].map((d) => feature(districtCode(d), d ? '小店区' : '迎泽区', 'district', null, rect(0, d ? Math.ceil(ROWS / 2) : 0, COLS, Math.ceil(ROWS / 2))));
const streets = [];
const communities = [];
for (const d of [0, 1]) {
  const r0 = d ? Math.ceil(ROWS / 2) : 0;
  for (let sr = 0; sr < Math.ceil(ROWS / 2); sr += 10) {
    for (let c = 0; c < COLS; c += 20) {
      streets.push(feature(streetCode(c, r0 + sr), `街道 ${streetCode(c, r0 + sr).slice(-3)}`, 'street', districtCode(d), rect(c, r0 + sr, 20, Math.min(10, Math.ceil(ROWS / 2) - sr))));
      for (const dc of [0, 10]) communities.push(feature(communityCode(c + dc, r0 + sr), `社区 ${communityCode(c + dc, r0 + sr).slice(-6)}`, 'community', streetCode(c, r0 + sr), rect(c + dc, r0 + sr, 10, Math.min(10, Math.ceil(ROWS / 2) - sr))));
    }
  }
}
const extentLon = [WEST, WEST + COLS * CELL_LON];
const extentLat = [NORTH - ROWS * CELL_LAT, NORTH];
const randomPoint = () => ({ lon: extentLon[0] + rand() * (extentLon[1] - extentLon[0]), lat: extentLat[0] + rand() * (extentLat[1] - extentLat[0]) });
const gridAt = (lon, lat) => {
  const c = Math.min(COLS - 1, Math.floor((lon - WEST) / CELL_LON));
  const r = Math.min(ROWS - 1, Math.floor((NORTH - lat) / CELL_LAT));
  return grids[r * COLS + c]?.properties.code ?? null;
};
const FAMILIES = ['air', 'air', 'air', 'air', 'air', 'air', 'water', 'water', 'video', 'emergency'];
const now = Date.now();
const devices = [];
const latest = [];
for (let i = 0; i < SENSORS; i++) {
  const p = randomPoint();
  const family = FAMILIES[Math.floor(rand() * FAMILIES.length)];
  const d = { id: `dev-${i}`, family, name: `${family} ${i}`, lon: p.lon, lat: p.lat, gridCode: gridAt(p.lon, p.lat), enabled: rand() > 0.01, online: rand() > 0.05, attributes: family === 'water' ? { kind: 'river', target_class: 'III' } : {}, lastSeenAt: new Date(now - rand() * 600_000).toISOString() };
  devices.push(d);
  const time = d.lastSeenAt;
  const readings = family === 'air'
    ? { pm25: { value: Math.round(Math.exp(2.5 + rand() * 3)), time }, pm10: { value: Math.round(Math.exp(3 + rand() * 2.5)), time } }
    : family === 'water' ? { nh3n_mgl: { value: round(rand() * 2.5, 2), time }, do_mgl: { value: round(2 + rand() * 7, 1), time }, level_m: { value: 776 + rand() * 2, time } } : {};
  latest.push({ type: 'Feature', id: d.id, geometry: { type: 'Point', coordinates: [d.lon, d.lat] }, properties: { ...d, readings } });
}
const STATUSES = ['filed', 'dispatched', 'accepted', 'in_progress', 'handled', 'reinspecting'];
const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'high', 'urgent'];
const incidents = [];
for (let i = 0; i < INCIDENTS; i++) {
  const p = randomPoint();
  const status = STATUSES[Math.floor(rand() * STATUSES.length)];
  incidents.push({
    id: `00000000-0000-4000-8000-${pad(i, 12)}`, code: `GH20261122${pad(i, 6)}`, category: 'garbage_exposed', title: `事件 ${i}`, priority: PRIORITIES[Math.floor(rand() * PRIORITIES.length)],
    status, source: 'patrol', emergency: rand() < 0.01, lon: p.lon, lat: p.lat, gridCode: gridAt(p.lon, p.lat), assigneeWorkerId: status === 'filed' ? null : `w-${i % WORKERS}`, assigneeName: status === 'filed' ? null : `网格员 ${i % WORKERS}`,
    createdAt: new Date(now - rand() * 86_400_000).toISOString(), dueAt: new Date(now + (rand() - 0.2) * 4 * 3600_000).toISOString(), overdue: rand() < 0.05,
  });
}
const workers = Array.from({ length: WORKERS }, (_, i) => ({ id: `w-${i}`, name: `网格员 ${i}`, gridCode: grids[(i * 17) % grids.length].properties.code, onDuty: rand() > 0.1, ...randomPoint() }));
const basemap = { type: 'FeatureCollection', features: [
  ...[...districts, ...streets, ...communities].map((f) => ({ ...f, properties: { layer: f.properties.level, name: f.properties.name, code: f.properties.code } })),
  { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[WEST - 0.005, NORTH + 0.01], [WEST - 0.0005, NORTH + 0.01], [WEST - 0.0005, extentLat[0] - 0.01], [WEST - 0.005, extentLat[0] - 0.01], [WEST - 0.005, NORTH + 0.01]]] }, properties: { layer: 'water', name: '汾河' } },
] };

// ---- the server: the built UI and the API answers ------------------------------------------------------------------
const json = (body) => { const b = Buffer.from(JSON.stringify(body)); return { type: 'application/json', body: b, gz: gzipSync(b, { level: 1 }) }; };
const API = new Map([
  ['/api/v1/grids?level=grid', json({ type: 'FeatureCollection', features: grids })],
  ['/api/v1/grids?level=district', json({ type: 'FeatureCollection', features: districts })],
  ['/api/v1/grids?level=street', json({ type: 'FeatureCollection', features: streets })],
  ['/api/v1/grids?level=community', json({ type: 'FeatureCollection', features: communities })],
  ['/api/v1/basemap', json(basemap)],
  ['/api/v1/devices', json({ items: devices, total: devices.length })],
  ['/api/v1/latest', json({ type: 'FeatureCollection', features: latest })],
  ['/api/v1/incidents?status=open&limit=1000', json({ items: incidents, total: incidents.length })],
  ['/api/v1/workers', json({ items: workers, total: workers.length })],
]);
const LOGIN = json({ accessToken: 'bench', tokenType: 'Bearer', expiresIn: 3600, user: { id: 'u1', username: 'dispatcher', role: 'dispatcher', displayName: '调度员', workerId: null } });
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

function serve(req, res) {
  const url = req.url ?? '/';
  const send = (status, item) => {
    const gz = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '') && item.gz;
    res.writeHead(status, { 'content-type': item.type, ...(gz ? { 'content-encoding': 'gzip' } : {}) });
    res.end(gz ? item.gz : item.body);
  };
  if (url === '/api/v1/auth/login') return send(200, LOGIN);
  // The 1,000-per-page incident list: the UI asks once; the bench answers with all 2,000 (the UI takes what it gets).
  const api = API.get(url.replace(/&limit=\d+/, '&limit=1000'));
  if (api) return send(200, api);
  if (url.startsWith('/api/') || url.startsWith('/socket.io')) return send(404, json({ statusCode: 404, message: 'not in the bench' }));
  const path = join(DIST, url === '/' ? 'index.html' : url.split('?')[0]);
  if (!path.startsWith(DIST) || !existsSync(path) || statSync(path).isDirectory()) return send(404, { type: 'text/plain', body: Buffer.from('not found') });
  const body = readFileSync(path);
  send(200, { type: MIME[extname(path)] ?? 'application/octet-stream', body, gz: gzipSync(body) });
}

// ---- the bundle --------------------------------------------------------------------------------------------------
function bundle() {
  const index = readFileSync(join(DIST, 'index.html'), 'utf8');
  const assets = join(DIST, 'assets');
  const initialNames = new Set([...index.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]));
  const files = readdirSync(assets).map((name) => {
    const body = readFileSync(join(assets, name));
    return { name, bytes: body.length, gzip: gzipSync(body).length, initial: initialNames.has(name) };
  });
  const sum = (list, k) => list.reduce((a, f) => a + f[k], 0);
  const kb = (b) => round(b / 1024, 1);
  const initial = files.filter((f) => f.initial);
  const echarts = files.filter((f) => /^echarts/.test(f.name));
  return {
    totalKb: kb(sum(files, 'bytes')), totalGzipKb: kb(sum(files, 'gzip')),
    initialKb: kb(sum(initial, 'bytes')), initialGzipKb: kb(sum(initial, 'gzip')),
    echartsLazy: echarts.length > 0 && echarts.every((f) => !f.initial), echartsGzipKb: kb(sum(echarts, 'gzip')),
    files: files.sort((a, b) => b.bytes - a.bytes).map((f) => ({ ...f, kb: kb(f.bytes), gzipKb: kb(f.gzip) })),
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('map-ui is not built: npm run build -w @gridhub/map-ui');
  const server = http.createServer(serve);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  log(`synthetic city: ${devices.length} sensors, ${grids.length} grids, ${incidents.length} incidents, ${workers.length} workers at ${base}`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await (await browser.newContext({ viewport: { width: VW, height: VH } })).newPage();
    page.on('crash', () => log('the page crashed'));
    page.on('pageerror', (err) => log(`page error: ${err.message}`));
    if (process.env.BENCH_DEBUG) page.on('console', (m) => log(`[browser ${m.type()}] ${m.text()}`));
    const renderer = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
      return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : 'none';
    });
    await page.goto(`${base}/`);
    await page.fill('input[name="username"]', 'dispatcher');
    await page.fill('input[name="password"]', 'bench');
    const t0 = await page.evaluate(() => performance.now());
    await page.click('button[type="submit"]');
    await page.waitForSelector('#map[data-map-ready="true"]', { timeout: 120_000 });
    const ready = await page.$eval('#map', (el) => ({ ...el.dataset }));
    const firstRenderMs = round(Number(ready.readyMs) - t0);
    log(`first full render ${firstRenderMs} ms after sign-in (${ready.deviceCount} sensors, ${ready.gridCount} grids, ${ready.incidentCount} incidents on the map; sensors drawn as ${ready.sensorLevel ?? 'points'}${ready.sensorLevel === 'points' ? '' : ` groups, ${ready.sensorPoints ?? 0} single points`})`);

    // Scripted pan and zoom with the mouse, recording every animation frame's duration.
    await page.evaluate(() => {
      window.__frames = [];
      let last = performance.now();
      const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__recording) requestAnimationFrame(tick); };
      window.__recording = true;
      requestAnimationFrame(tick);
    });
    const box = await page.locator('#map').boundingBox();
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    const script = async () => {
      await page.mouse.move(cx, cy);
      for (const [dx, dy] of [[-250, 0], [0, -180], [250, 120], [-120, 200], [200, -150]]) {
        await page.mouse.down();
        await page.mouse.move(cx + dx, cy + dy, { steps: 30 });
        await page.mouse.up();
        await page.mouse.move(cx, cy);
      }
      for (const delta of [-300, -300, -300, 300, 300, 300, 300]) {
        await page.mouse.wheel(0, delta);
        await page.waitForTimeout(350);
      }
      await page.mouse.down();
      await page.mouse.move(cx + 300, cy + 200, { steps: 40 });
      await page.mouse.up();
      await page.waitForTimeout(300);
    };
    // A budget for the scripted interaction, so a browser that cannot keep up still yields its figures.
    const budgetMs = Number(process.env.BENCH_INTERACTION_BUDGET_MS ?? 180_000);
    const t1 = Date.now();
    const finished = await Promise.race([script().then(() => true), new Promise((r) => setTimeout(() => r(false), budgetMs))]);
    const interactionMs = Date.now() - t1;
    if (!finished) log(`the scripted pan/zoom did not finish within ${budgetMs} ms`);
    const frames = await page.evaluate(() => { window.__recording = false; return window.__frames.slice(1); });
    const sorted = [...frames].sort((a, b) => a - b);
    const frameMs = { frames: frames.length, median: round(percentile(sorted, 50), 1), p95: round(percentile(sorted, 95), 1), max: round(sorted.at(-1), 1), over50ms: frames.filter((f) => f > 50).length };
    log(`pan/zoom: ${frameMs.frames} frames, median ${frameMs.median} ms, p95 ${frameMs.p95} ms, max ${frameMs.max} ms`);
    const b = bundle();
    log(`bundle: ${b.totalKb} kB (${b.totalGzipKb} kB gzip) in all; first load ${b.initialKb} kB (${b.initialGzipKb} kB gzip); ECharts lazy: ${b.echartsLazy} (${b.echartsGzipKb} kB gzip)`);
    const result = {
      benchmark: 'map-render', at: new Date().toISOString(), viewport: `${VW}x${VH}`, renderer,
      city: { sensors: devices.length, grids: grids.length, incidents: incidents.length, workers: workers.length },
      firstRenderMs, sensorsAtFirstRender: { level: ready.sensorLevel ?? null, represented: Number(ready.deviceCount), points: Number(ready.sensorPoints ?? 0) }, goals: { firstRenderMs: 2000, medianFrameMs: 33 }, frameMs, interaction: { finished, ms: interactionMs },
      loadAverage: require('node:os').loadavg().map((v) => round(v, 2)),
      bundle: { ...b, files: b.files.slice(0, 12) },
    };
    const file = writeResult('map-render', result);
    console.log(JSON.stringify({ firstRenderMs, frameMs, bundle: { totalKb: b.totalKb, initialGzipKb: b.initialGzipKb, echartsLazy: b.echartsLazy } }, null, 2));
    log(`saved ${file}`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
