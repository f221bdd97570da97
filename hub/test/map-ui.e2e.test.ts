import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startHub, RunningHub } from '../src/bootstrap';
import { DEMO_DISPATCHER } from '../src/seed/demo-city';
import { Api, connect, demoCredentials, eventually } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';
import { ARTIFACTS, launchBrowser, login, mapCounts, mapReady, newPage, sensorLevel, sensorPoints, mapSettled } from './map-ui-helpers';

/** The dispatcher console at `/`, in Debian's Chromium: the demo city, its sensors and a live incident, in both languages. */
describe('map UI: dispatcher console in headless Chromium', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let api: Api;
  let base: string;

  beforeAll(async () => {
    env = await testEnv('server');
    hub = await startHub(env.config);
    expect(hub.mapUi).toBe(true);
    base = `http://127.0.0.1:${hub.httpPort}`;
    browser = await launchBrowser();
    ({ page, errors } = await newPage(browser));
    api = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await env?.cleanup();
  });

  it('refuses a wrong password and then logs the dispatcher in to the console', async () => {
    await login(page, base, DEMO_DISPATCHER.username, 'wrong-password');
    await page.waitForSelector('[data-testid="login-error"]');
    await page.fill('input[name="password"]', DEMO_DISPATCHER.password);
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="console"]');
    expect(page.url()).toContain('#/console');
  });

  it('signals map-ready with the demo city’s grids, every sensor from the API on the WebGL layer, and the workers', async () => {
    await mapReady(page);
    const onMap = await mapCounts(page);
    expect(onMap['grid']).toBe(48);
    // The small demo city fits at a zoom where every sensor is its own point.
    expect(await sensorLevel(page)).toBe('points');
    expect(onMap['device']).toBe((await api.get('/api/v1/devices')).body.total);
    expect(await sensorPoints(page)).toBe(onMap['device']);
    expect(onMap['worker']).toBe((await api.get('/api/v1/workers')).body.items.filter((w: any) => w.lon !== null).length);
    expect(onMap['incident']).toBe(0);
    // The background came from the hub (river, roads, boundaries), not from the internet.
    const basemap = await api.get('/api/v1/basemap');
    expect(basemap.status).toBe(200);
    expect(basemap.body.features.some((f: any) => f.properties.layer === 'water' && f.properties.name === '汾河')).toBe(true);
    expect(basemap.body.features.filter((f: any) => f.properties.layer === 'district')).toHaveLength(2);
    expect(basemap.body.features.filter((f: any) => f.properties.layer === 'community')).toHaveLength(8);
    expect(basemap.body.features.some((f: any) => f.properties.layer === 'road' && f.properties.name === '迎泽大街')).toBe(true);
    expect((await Api.of(hub).get('/api/v1/basemap')).status).toBe(401);
    await page.waitForSelector('[data-testid="live-state"][data-state="connected"]', { timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'dispatcher-console-zh.png') });
  });

  it('shows an incident raised by a sensor without a reload, in the queue and on the map', async () => {
    const station = (await demoCredentials(hub)).find((d) => d.id === 'air-006')!;
    const sensor = await connect(hub, station.id, station.secret);
    await sensor.publishAsync(`gridhub/v1/air/${station.id}/data`, JSON.stringify({ ts: new Date().toISOString(), readings: { pm25: 260, pm10: 300 } }), { qos: 1 });
    await sensor.endAsync();
    await eventually(async () => ((await mapCounts(page))['incident'] === 1 ? true : undefined), 15_000, 'the incident on the map');
    await page.waitForSelector('[data-incident-id]');
    expect(await page.locator('[data-incident-id]').count()).toBe(1);
    // Its detail: timeline from the hub and the dispatch panel with suggested workers ringed on the map.
    await page.locator('[data-incident-id]').first().click();
    await page.waitForSelector('[data-testid="timeline"] li');
    await page.waitForSelector('[data-testid="dispatch-panel"]');
    await mapSettled(page);
    await page.screenshot({ path: join(ARTIFACTS, 'dispatcher-incident-zh.png') });
  });

  it('colours sensors by AQI and keeps the map ready', async () => {
    await page.selectOption('[data-testid="sensor-mode"]', 'aqi');
    await page.selectOption('[data-testid="grid-metric"]', 'aqi');
    await mapSettled(page);
    expect((await mapCounts(page))['device']).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dispatcher-aqi-zh.png') });
    await page.selectOption('[data-testid="sensor-mode"]', 'family');
    await page.selectOption('[data-testid="grid-metric"]', 'incidents');
  });

  it('counts the sensors per grid and per community when zoomed out, and draws them one by one again when zoomed in', async () => {
    const total = (await api.get('/api/v1/devices')).body.total as number;
    // The incident popup of the test before stops the wheel where it sits: close it first.
    const close = page.locator('[data-testid="map-popup"] .popup-close');
    if (await close.isVisible()) await close.click();
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    // Wheel steps until the sensors are drawn at `level` (small ones into the narrow grid band).
    const zoomUntil = async (deltaY: number, level: string) => {
      for (let step = 0; step < 20 && (await sensorLevel(page)) !== level; step++) {
        await page.mouse.wheel(0, deltaY);
        await mapSettled(page);
      }
      expect(await sensorLevel(page)).toBe(level);
    };
    await zoomUntil(100, 'grid');
    await mapSettled(page);
    // Every sensor is still on the map, counted in its grid's disc; no single points are left.
    expect((await mapCounts(page))['device']).toBe(total);
    expect(await sensorPoints(page)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dispatcher-sensor-groups-zh.png') });
    await zoomUntil(300, 'community');
    expect((await mapCounts(page))['device']).toBe(total);
    expect(await sensorPoints(page)).toBe(0);
    await zoomUntil(-300, 'points');
    // The sensors in view come back as points (the detail panel beside the map leaves part of the city out of view).
    await eventually(async () => ((await sensorPoints(page)) > 0 ? true : undefined), 5_000, 'the sensors in view as points');
    expect(await sensorPoints(page)).toBeLessThanOrEqual(total);
    expect((await mapCounts(page))['device']).toBe(total);
    expect(errors).toEqual([]);
  });

  it('switches the interface to English and back', async () => {
    const header = () => page.locator('header').first().innerText();
    expect(await header()).toContain('网格');
    await page.click('[data-testid="lang-toggle"]');
    await eventually(async () => ((await header()).includes('Grid') ? true : undefined), 5_000, 'English');
    expect(await page.locator('[data-testid="incident-panel"]').innerText()).toContain('Incident queue');
    await page.screenshot({ path: join(ARTIFACTS, 'dispatcher-incident-en.png') });
    await page.click('[data-testid="lang-toggle"]');
    await eventually(async () => ((await header()).includes('网格') ? true : undefined), 5_000, 'Chinese');
    expect(errors).toEqual([]);
  });
});
