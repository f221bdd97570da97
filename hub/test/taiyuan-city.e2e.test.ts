import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startHub, RunningHub } from '../src/bootstrap';
import { DEMO_DISPATCHER, demoWorkerUsername, DEMO_WORKER_PASSWORD } from '../src/seed/demo-city';
import { taiyuanGrids } from '../src/seed/taiyuan/taiyuan-city';
import { Api, connect, demoCredentials, eventually } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';
import { ARTIFACTS, launchBrowser, login, mapCounts, mapReady, newPage, mapSettled } from './map-ui-helpers';

/** The default demo city (GRIDHUB_DEMO_CITY=taiyuan) seeded into a hub, used end to end and looked at in Chromium. */
describe('the Taiyuan demo city in a running hub', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let dispatcher: Api;
  const city = taiyuanGrids();
  const unitGrids = city.areas.filter((a) => a.level === 'grid').length;

  beforeAll(async () => {
    env = await testEnv('server', { GRIDHUB_DEMO_CITY: 'taiyuan' });
    hub = await startHub(env.config);
    dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
  }, 180_000);

  afterAll(async () => {
    await hub?.close();
    await env?.cleanup();
  });

  it('seeds both districts, every generated unit grid, the devices and one worker per community', async () => {
    const grids = await dispatcher.get('/api/v1/grids?level=grid');
    expect(grids.status).toBe(200);
    expect(grids.body.features).toHaveLength(unitGrids);
    const districts = await dispatcher.get('/api/v1/grids?level=district');
    expect(districts.body.features.map((f: any) => [f.properties.code, f.properties.name])).toEqual([
      ['140105', '小店区'],
      ['140106', '迎泽区'],
    ]);
    const devices = (await dispatcher.get('/api/v1/devices?limit=500')).body.items;
    expect(devices.every((d: any) => /^14010[56]\d{9}$/.test(d.gridCode))).toBe(true);
    const workers = (await dispatcher.get('/api/v1/workers')).body.items as { duty: string }[];
    // One grid worker per community, and the two supervisors who share the communities out between them.
    expect(workers.filter((w) => w.duty === 'grid_worker')).toHaveLength(city.communities.length);
    expect(workers.filter((w) => w.duty === 'supervisor')).toHaveLength(2);
    // The riverside water station is located to a unit grid on the east bank.
    const water = devices.find((d: any) => d.id === 'water-002');
    const located = await dispatcher.get(`/api/v1/grids/locate?lon=${water.lon}&lat=${water.lat}`);
    expect(located.status).toBe(200);
    expect(JSON.stringify(located.body)).toContain(water.gridCode);
  });

  it('turns a smoggy reading into an incident in the station’s unit grid, dispatched to that community’s worker', async () => {
    const station = (await demoCredentials(hub)).find((d) => d.id === 'air-001')!;
    const device = (await dispatcher.get('/api/v1/devices/air-001')).body;
    const sensor = await connect(hub, station.id, station.secret);
    await sensor.publishAsync(`gridhub/v1/air/air-001/data`, JSON.stringify({ ts: new Date().toISOString(), readings: { pm25: 320 } }), { qos: 1 });
    await sensor.endAsync();
    const incident = await eventually(async () => (await dispatcher.get('/api/v1/incidents')).body.items[0], 20_000, 'incident');
    expect(incident).toMatchObject({ gridCode: device.gridCode, status: 'dispatched' });
    const workers = (await dispatcher.get('/api/v1/workers')).body.items;
    const responsible = workers.find((w: any) => w.gridCodes.includes(device.gridCode));
    expect(incident.assigneeWorkerId).toBe(responsible.id);
    // Workers of communities holding a device come first, so the demo's tablets (worker01…) have work.
    const worker = await Api.of(hub).login(demoWorkerUsername(0), DEMO_WORKER_PASSWORD);
    const me = (await worker.get('/api/v1/workers/me')).body;
    const deviceGrids = new Set((await dispatcher.get('/api/v1/devices?limit=500')).body.items.map((d: any) => d.gridCode.slice(0, 12)));
    expect(deviceGrids.has(me.gridCodes[0].slice(0, 12))).toBe(true);
  });

  it('draws the city on the map: land, river, streets, grids (screenshots in test-artifacts/)', async () => {
    const basemap = (await dispatcher.get('/api/v1/basemap')).body;
    const layers = (layer: string) => basemap.features.filter((f: any) => f.properties.layer === layer).map((f: any) => f.properties.name);
    expect(layers('land')).toEqual(expect.arrayContaining(['迎泽区', '小店区']));
    expect(layers('water')).toEqual(['汾河']);
    expect(layers('road')).toEqual(expect.arrayContaining(['迎泽大街', '并州路', '解放路', '建设路', '五一路', '长风街', '府西街', '平阳路', '体育路', '坞城路', '滨河东路']));
    expect(layers('district')).toHaveLength(2);

    // Every air station reports, for the bureau monitor's city-wide AQI picture (a smog plume over the centre).
    const air = (await demoCredentials(hub)).filter((d) => d.family === 'air' && d.id !== 'air-001');
    const devices = new Map<string, any>((await dispatcher.get('/api/v1/devices?family=air&limit=500')).body.items.map((d: any) => [d.id, d]));
    for (const station of air) {
      const d = devices.get(station.id);
      const pm25 = Math.round(140 * Math.exp(-(((d.lon - 112.565) / 0.03) ** 2 + ((d.lat - 37.84) / 0.03) ** 2)) + 25);
      const client = await connect(hub, station.id, station.secret);
      await client.publishAsync(`gridhub/v1/air/${station.id}/data`, JSON.stringify({ ts: new Date().toISOString(), readings: { pm25, pm10: Math.round(pm25 * 1.5), no2: 40 } }), { qos: 1 });
      await client.endAsync();
    }

    let browser: Browser | undefined;
    try {
      browser = await launchBrowser();
      const { page, errors } = await newPage(browser);
      await login(page, `http://127.0.0.1:${hub.httpPort}`, DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
      await mapReady(page, 90_000);
      expect((await mapCounts(page))['grid']).toBe(unitGrids);
      await mapSettled(page);
      await page.screenshot({ path: join(ARTIFACTS, 'taiyuan-city.png') });
      await zoomIn(page, 0.42, 0.3, 2);
      await page.screenshot({ path: join(ARTIFACTS, 'taiyuan-city-centre.png') });
      await page.click('[data-testid="nav-monitor"]');
      await page.waitForSelector('[data-testid="monitor"]');
      await mapReady(page, 90_000);
      await page.waitForSelector('[data-testid="station-ranking"] tr');
      expect(await page.locator('[data-testid="station-ranking"] tr').count()).toBe(air.length + 1);
      await mapSettled(page);
      await page.screenshot({ path: join(ARTIFACTS, 'taiyuan-city-monitor.png') });
      await page.click('[data-testid="nav-console"]');
      await mapReady(page, 90_000);
      await zoomIn(page, 0.42, 0.3, 2);
      await page.click('[data-testid="lang-toggle"]');
      await mapSettled(page);
      await page.screenshot({ path: join(ARTIFACTS, 'taiyuan-city-centre-en.png') });
      expect(errors).toEqual([]);
    } finally {
      await browser?.close();
    }
  }, 180_000);
});

/** Wheel-zooms `steps` times at a point given as fractions of the map's box, each step drawn before the next. */
async function zoomIn(page: Page, fx: number, fy: number, steps: number): Promise<void> {
  const box = (await page.locator('#map').boundingBox())!;
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
  for (let i = 0; i < steps; i++) {
    await page.mouse.wheel(0, -200);
    await mapSettled(page);
  }
}
