import { createReadStream } from 'node:fs';
import { createServer, Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MaintenanceService } from '@gridhub/ingest';
import { chemicalFire, runScenario } from '@gridhub/simulators';
import { startHub, RunningHub } from '../src/bootstrap';
import { cellPoint, DEMO_SHIFT_LEAD } from '../src/seed/demo-city';
import { Api, connect, demoCredentials, eventually, mqttUrl } from './support/clients';
import { TcpProxy } from './support/tcp-proxy';
import { testEnv, TestEnv } from './support/test-env';
import { ARTIFACTS, launchBrowser, login, mapReady } from './map-ui-helpers';

/** Serves the HLS test stream (fixtures/hls) as a media server on another origin would. */
async function hlsServer(): Promise<{ server: Server; url: string }> {
  const dir = join(__dirname, 'fixtures', 'hls');
  const server = createServer((req, res) => {
    const name = (req.url ?? '').split('?')[0]!.replace(/^\//, '');
    if (!/^(index\.m3u8|segment-\d\.m2t)$/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'access-control-allow-origin': '*',
      'content-type': name.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t',
    });
    createReadStream(join(dir, name)).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

/**
 * The city overview wall screen and the resource catalogue in Chromium: the screen opens with a kiosk token at
 * 1920×1080 and 3840×2160 without scrolling, its counters move live while a scenario runs, it survives a cut
 * connection and catches up; the catalogue shows a camera's stream links and plays its HLS picture.
 */
describe('map UI: overview wall screen and resource catalogue', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let browser: Browser;
  let proxy: TcpProxy;
  let admin: Api;
  let lead: Api;
  let kiosk: { id: string; token: string; url: string };
  let media: { server: Server; url: string };
  let wall: { context: BrowserContext; page: Page; errors: string[] };

  beforeAll(async () => {
    media = await hlsServer();
    env = await testEnv('server', { GRIDHUB_MEDIA_ORIGINS: media.url });
    hub = await startHub(env.config);
    proxy = new TcpProxy('127.0.0.1', hub.httpPort);
    await proxy.start();
    browser = await launchBrowser();
    admin = await Api.of(hub).login('admin', 'test-admin-password');
    lead = await Api.of(hub).login(DEMO_SHIFT_LEAD.username, DEMO_SHIFT_LEAD.password);
    kiosk = (await admin.request('POST', '/api/v1/kiosk-tokens', { name: '指挥大厅主屏' })).body;
    await airAndWater();
  });

  /**
   * A quarter of an hour of readings from every air and water station (below the rules' thresholds, so no incident),
   * rolled up into hourly AQI the way the scheduled job does.
   */
  async function airAndWater(): Promise<void> {
    const credentials = (await demoCredentials(hub)).filter((c) => c.family === 'air' || c.family === 'water');
    const now = Date.now();
    for (const device of credentials) {
      const n = credentials.filter((c) => c.family === device.family).indexOf(device);
      const client = await connect(hub, device.id, device.secret);
      for (const minutes of [15, 10, 5]) {
        const ts = new Date(now - minutes * 60_000).toISOString();
        const readings =
          device.family === 'air'
            ? { pm25: 20 + n * 9, pm10: 50 + n * 12, no2: 30 + n, so2: 8, co: 0.6, o3: 60 + n * 4 }
            : { ph: 7.6, do_mgl: 6 - n, codmn_mgl: 4 + n * 2.5, nh3n_mgl: 0.4 + n * 0.45, tp_mgl: 0.1 + n * 0.06, temp_c: 12, level_m: 776.2 };
        await client.publishAsync(`gridhub/v1/${device.family}/${device.id}/data`, JSON.stringify({ ts, readings }), { qos: 1 });
      }
      await client.endAsync();
    }
    await eventually(async () => {
      await hub.app.get(MaintenanceService).rollup();
      const { rows } = await hub.database.pool.query('select count(distinct device_id)::int as n from aqi_hourly');
      return rows[0].n === credentials.filter((c) => c.family === 'air').length ? true : undefined;
    }, 20_000, 'hourly AQI of every air station');
  }

  afterAll(async () => {
    await browser?.close();
    await proxy?.stop();
    await hub?.close();
    await env?.cleanup();
    await new Promise((r) => media?.server.close(r));
  });

  async function screen(width: number, height: number, base: string, locale: 'zh-CN' | 'en' = 'zh-CN') {
    const context = await browser.newContext({ viewport: { width, height } });
    await context.addInitScript((l) => localStorage.setItem('gridhub.locale', l), locale);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${base}${kiosk.url}`);
    await page.waitForSelector('[data-testid="overview"][data-live-state="connected"]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="overview-map"][data-map-ready="true"]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="overview-trends"]');
    return { context, page, errors };
  }

  const counter = async (page: Page, key: string) => Number(await page.getAttribute(`[data-testid="counter-${key}"]`, 'data-value'));
  const noScrolling = (page: Page) =>
    page.evaluate(() => {
      const root = document.scrollingElement!;
      const ov = document.querySelector('[data-testid="overview"]')!.getBoundingClientRect();
      return { scrolls: root.scrollHeight > innerHeight || root.scrollWidth > innerWidth, fits: ov.width <= innerWidth && ov.height <= innerHeight };
    });

  it('opens at 1920×1080 with the kiosk token alone, dark and without scrolling; the token leaves the address bar', async () => {
    wall = await screen(1920, 1080, `http://127.0.0.1:${proxy.port}`);
    expect(wall.page.url()).toMatch(/#\/overview$/);
    expect(await noScrolling(wall.page)).toEqual({ scrolls: false, fits: true });
    const bg = await wall.page.$eval('[data-testid="overview"]', (el) => getComputedStyle(el).backgroundImage);
    expect(bg).toContain('gradient');
    // The seeded city's districts are on the map, each with its figures.
    const areas = (await admin.get('/api/v1/grids?level=district')).body.features.length;
    expect(Number(await wall.page.getAttribute('[data-testid="overview-map"]', 'data-areas'))).toBe(areas);
    expect(await wall.page.$$eval('[data-testid^="warnings-"]', (els) => els.length)).toBe(4);
    expect(await wall.page.$$eval('[data-testid="overview-trends"] [data-family]', (els) => els.map((e) => e.getAttribute('data-family')))).toEqual([
      'air',
      'water',
      'video',
      'emergency',
      'incidents',
    ]);
    expect(Number(await wall.page.getAttribute('[data-testid="overview-workers"]', 'data-on-duty'))).toBe(9); // 7 grid workers and the 2 supervisors on duty
    // The AQI ranking (worst first) and the worst water stations (GB 3838 class) from the stations' readings.
    const aqi = await wall.page.$$eval('[data-testid="overview-air"] li[data-device-id]', (els) => els.map((e) => Number(e.querySelector('b')!.textContent)));
    expect(aqi.length).toBe(8);
    expect([...aqi].sort((a, b) => b - a)).toEqual(aqi);
    const classes = await wall.page.$$eval('[data-testid="overview-water"] li[data-class]', (els) => els.map((e) => Number(e.getAttribute('data-class'))));
    expect(classes.length).toBe(3);
    expect([...classes].sort((a, b) => b - a)).toEqual(classes);
    await wall.page.click('[data-testid="overview-metric-water"]');
    await wall.page.screenshot({ path: join(ARTIFACTS, 'overview-1920x1080-water.png') });
    await wall.page.click('[data-testid="overview-metric-incidents"]');
    await wall.page.screenshot({ path: join(ARTIFACTS, 'overview-1920x1080.png') });
    expect(wall.errors).toEqual([]);
  });

  it('moves its counters, warnings and ticker live while a scenario runs (no reload)', async () => {
    const page = wall.page;
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const before = { reported: await counter(page, 'reportedToday'), open: await counter(page, 'open'), red: Number(await page.getAttribute('[data-testid="warnings-red"]', 'data-value')) };
    const secrets = new Map((await demoCredentials(hub)).map((c) => [c.id, c.secret]));
    await runScenario(chemicalFire, { httpUrl: `http://127.0.0.1:${hub.httpPort}`, mqttUrl: mqttUrl(hub), secrets, wallSeconds: 4, settleSeconds: 4, tablets: 0, log: () => undefined });
    const incidents = (await lead.get('/api/v1/incidents?limit=200')).body.total as number;
    expect(incidents).toBeGreaterThan(before.reported);
    await eventually(async () => ((await counter(page, 'reportedToday')) === incidents ? true : undefined), 15_000, 'the reported counter to reach the hub’s count');
    expect(await counter(page, 'open')).toBeGreaterThan(before.open);
    const red = Number(await page.getAttribute('[data-testid="warnings-red"]', 'data-value'));
    const activeRed = (await lead.get('/api/v1/alerts?status=active&severity=red&limit=200')).body.total as number;
    expect(red).toBe(activeRed);
    expect(red).toBeGreaterThan(before.red);
    expect(Number(await page.getAttribute('[data-testid="overview-ticker"]', 'data-count'))).toBeGreaterThan(0);
    expect(await page.$$eval('[data-testid="overview-warnings"] [data-cap]', (els) => els.map((e) => e.getAttribute('data-cap')))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(Alert|Update)$/)]),
    );
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await page.click('[data-testid="overview-metric-aqi"]');
    expect(await page.getAttribute('[data-testid="overview-map"]', 'data-metric')).toBe('aqi');
    await page.click('[data-testid="overview-metric-incidents"]');
    await page.screenshot({ path: join(ARTIFACTS, 'overview-1920x1080-scenario.png') });
  });

  it('shows a lost connection, and catches up on what happened meanwhile once it is back', async () => {
    const page = wall.page;
    const before = await counter(page, 'reportedToday');
    proxy.cut();
    await page.waitForSelector('[data-testid="overview-live"][data-state="reconnecting"]', { timeout: 15_000 });
    const site = cellPoint(1, 1);
    expect((await lead.request('POST', '/api/v1/incidents', { category: 'road_damage', lon: site.lon, lat: site.lat, source: 'superior' })).status).toBe(201);
    await page.screenshot({ path: join(ARTIFACTS, 'overview-connection-lost.png') });
    expect(await counter(page, 'reportedToday')).toBe(before); // nothing reached it while cut
    proxy.restore();
    await page.waitForSelector('[data-testid="overview-live"][data-state="connected"]', { timeout: 20_000 });
    await eventually(async () => ((await counter(page, 'reportedToday')) === before + 1 ? true : undefined), 10_000, 'the screen to catch up');
  });

  it('fills a 3840×2160 wall the same way, twice as large (in English here)', async () => {
    const big = await screen(3840, 2160, `http://127.0.0.1:${hub.httpPort}`, 'en');
    try {
      expect(await noScrolling(big.page)).toEqual({ scrolls: false, fits: true });
      const size = (page: Page) => page.$eval('[data-testid="counter-reportedToday"] .tile-value', (el) => parseFloat(getComputedStyle(el).fontSize));
      expect(await size(big.page)).toBeCloseTo(2 * (await size(wall.page)), 0);
      expect(await big.page.textContent('.ov-header h1')).toBe('City operations · one screen');
      await big.page.screenshot({ path: join(ARTIFACTS, 'overview-3840x2160-en.png') });
      expect(big.errors).toEqual([]);
    } finally {
      await big.context.close();
    }
  });

  it('stops with a clear message when its kiosk token is revoked', async () => {
    expect((await admin.request('DELETE', `/api/v1/kiosk-tokens/${kiosk.id}`)).status).toBe(200);
    await wall.page.waitForSelector('[data-testid="overview-revoked"]', { timeout: 15_000 });
    expect(await wall.page.getAttribute('[data-testid="overview-live"]', 'data-state')).toBe('revoked');
    await wall.context.close();
  });

  it('a signed-in dispatcher opens the overview from the header, live on their own session, and comes back', async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    try {
      await login(page, `http://127.0.0.1:${hub.httpPort}`, 'dispatcher', 'Dispatch-2026');
      await page.waitForSelector('[data-testid="console"]');
      await page.click('[data-testid="nav-overview"]');
      await page.waitForSelector('[data-testid="overview"][data-kiosk="false"][data-live-state="connected"]');
      await page.waitForSelector('[data-testid="counter-reportedToday"][data-value]:not([data-value=""])');
      expect(await page.$('.app-header')).toBeNull(); // the wall screen has no header
      await page.click('[data-testid="overview-back"]');
      await page.waitForSelector('[data-testid="console"]');
    } finally {
      await context.close();
    }
  });

  it('catalogue: a camera’s popup shows its stream links and plays its HLS picture; another department asks, the owner approves on the page, then it plays there too', async () => {
    const hls = `${media.url}/index.m3u8`;
    expect((await admin.request('PUT', '/api/v1/catalogue/cam-001', { hlsUrl: hls, rtspUrl: 'rtsp://media.local/rtp/cam-001' })).status).toBe(200);
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    try {
      await login(page, `http://127.0.0.1:${hub.httpPort}`, 'admin', 'test-admin-password');
      await page.waitForSelector('[data-testid="nav-catalogue"]');
      await page.click('[data-testid="nav-catalogue"]');
      await page.waitForSelector('[data-testid="catalogue"][data-loading="false"]');
      await mapReady(page);
      const devices = (await admin.get('/api/v1/devices?limit=500')).body.total as number;
      expect(Number(await page.getAttribute('[data-testid="catalogue"]', 'data-count'))).toBe(devices);
      await page.selectOption('select[name="family"]', 'video');
      await page.waitForSelector('[data-testid="catalogue"][data-count="4"][data-loading="false"]');
      await page.click('tr[data-device-id="cam-001"]');
      await page.waitForSelector('[data-testid="catalogue-popup"][data-device-id="cam-001"]');
      expect(await page.textContent('[data-testid="stream-hls"]')).toBe(hls);
      expect(await page.textContent('[data-testid="stream-gb28181"]')).toMatch(/^\d{20}$/);
      await page.waitForSelector('[data-testid="hls-player"][data-state="playing"]', { timeout: 20_000 });
      const frame = await page.$eval('[data-testid="hls-player"] video', (v) => ({ w: (v as HTMLVideoElement).videoWidth, t: (v as HTMLVideoElement).currentTime }));
      expect(frame.w).toBe(320);
      await page.waitForTimeout(800);
      await page.screenshot({ path: join(ARTIFACTS, 'catalogue-camera-popup.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }

    // The analyst works for the environment bureau: the police camera needs a request, shown in the popup.
    const other = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page2 = await other.newPage();
    try {
      await login(page2, `http://127.0.0.1:${hub.httpPort}`, 'analyst', 'Analyst-2026');
      await page2.waitForSelector('[data-testid="nav-catalogue"]');
      await page2.click('[data-testid="nav-catalogue"]');
      await page2.waitForSelector('[data-testid="catalogue"][data-loading="false"]');
      await page2.click('tr[data-device-id="cam-001"]');
      await page2.waitForSelector('[data-testid="catalogue-popup"][data-access="none"] [data-testid="no-access"]');
      expect(await page2.$('[data-testid="stream-links"]')).toBeNull();
      await page2.fill('[data-testid="catalogue-popup"] input[name="reason"]', '大气污染溯源需要查看路口视频');
      await page2.click('[data-testid="request-access"]');
      await page2.waitForSelector('[data-testid="requested"]');
      await page2.waitForSelector('[data-testid="catalogue-requests"] li[data-status="pending"]');
      await page2.screenshot({ path: join(ARTIFACTS, 'catalogue-request-access.png') });

      // The owner's side (here the administrator) approves it on the page; the analyst then sees the links and the picture.
      const owner = await browser.newContext({ viewport: { width: 1600, height: 900 } });
      const page3 = await owner.newPage();
      try {
        await login(page3, `http://127.0.0.1:${hub.httpPort}`, 'admin', 'test-admin-password');
        await page3.waitForSelector('[data-testid="nav-catalogue"]');
        await page3.click('[data-testid="nav-catalogue"]');
        await page3.waitForSelector('[data-testid="catalogue-requests"] li[data-status="pending"] [data-testid="approve"]');
        await page3.click('[data-testid="catalogue-requests"] li[data-status="pending"] [data-testid="approve"]');
        await page3.waitForSelector('[data-testid="catalogue-requests"] li[data-status="approved"]');
      } finally {
        await owner.close();
      }
      // Away and back: the page loads the catalogue again.
      await page2.click('[data-testid="nav-monitor"]');
      await page2.waitForSelector('[data-testid="monitor"]');
      await page2.click('[data-testid="nav-catalogue"]');
      await page2.waitForSelector('[data-testid="catalogue"][data-loading="false"]');
      await page2.waitForSelector('tr[data-device-id="cam-001"][data-access="granted"]');
      await page2.click('tr[data-device-id="cam-001"]');
      await page2.waitForSelector('[data-testid="catalogue-popup"][data-access="granted"] [data-testid="stream-hls"]');
      await page2.waitForSelector('[data-testid="hls-player"][data-state="playing"]', { timeout: 20_000 });
    } finally {
      await other.close();
    }
  });
});
