import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { startHub, RunningHub } from '../src/bootstrap';
import { DEMO_DISPATCHER } from '../src/seed/demo-city';
import { Api, connect, demoCredentials, eventually } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

/** The map at `/`, in Debian's Chromium: the demo city, its stations and a live incident, in both languages. */
describe('map UI in headless Chromium', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    env = await testEnv('embedded');
    hub = await startHub(env.config);
    expect(hub.mapUi).toBe(true);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await env?.cleanup();
  });

  const counts = () =>
    page.$eval('#map', (el) => ({
      grids: Number((el as HTMLElement).dataset['gridCount']),
      devices: Number((el as HTMLElement).dataset['deviceCount']),
      incidents: Number((el as HTMLElement).dataset['incidentCount']),
      workers: Number((el as HTMLElement).dataset['workerCount']),
    }));

  it('logs a dispatcher in and shows the demo city’s grids, stations and workers', async () => {
    await page.goto(`http://127.0.0.1:${hub.httpPort}/`);
    await page.fill('input[name="username"]', DEMO_DISPATCHER.username);
    await page.fill('input[name="password"]', DEMO_DISPATCHER.password);
    await page.click('button[type="submit"]');
    await page.waitForSelector('#map[data-map-ready="true"]', { timeout: 30_000 });
    const api = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    const onMap = await counts();
    expect(onMap.grids).toBe(48);
    expect(onMap.devices).toBe((await api.get('/api/v1/devices')).body.total);
    expect(onMap.workers).toBe((await api.get('/api/v1/workers')).body.total);
    expect(onMap.incidents).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dispatcher-map-zh.png') });
  });

  it('shows an incident raised by a sensor without a reload', async () => {
    const station = (await demoCredentials(hub)).find((d) => d.id === 'air-006')!;
    const sensor = await connect(hub, station.id, station.secret);
    await sensor.publishAsync(`gridhub/v1/air/${station.id}/data`, JSON.stringify({ ts: new Date().toISOString(), readings: { pm25: 260 } }), { qos: 1 });
    await sensor.endAsync();
    await eventually(async () => ((await counts()).incidents === 1 ? true : undefined), 15_000, 'the incident on the map');
    await page.waitForSelector('[data-incident-id]');
    expect(await page.locator('[data-incident-id]').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'dispatcher-incident-zh.png') });
  });

  it('switches the interface to English and back', async () => {
    const title = () => page.locator('header').first().innerText();
    expect(await title()).toContain('网格');
    await page.click('[data-testid="lang-toggle"]');
    await eventually(async () => ((await title()).includes('Grid') ? true : undefined), 5_000, 'English');
    await page.screenshot({ path: join(ARTIFACTS, 'dispatcher-incident-en.png') });
    await page.click('[data-testid="lang-toggle"]');
    await eventually(async () => ((await title()).includes('网格') ? true : undefined), 5_000, 'Chinese');
  });
});
