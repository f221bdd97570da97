import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MaintenanceService } from '@gridhub/ingest';
import { ROLLUP_EVERY_MS } from '@gridhub/contracts';
import { startHub, RunningHub } from '../src/bootstrap';
import { cellPoint, DEMO_DISPATCHER, DEMO_SHIFT_LEAD, DEMO_ANALYST, DEMO_SUPERVISOR_PASSWORD, DEMO_WORKER_PASSWORD } from '../src/seed/demo-city';
import { Api, connect, demoCredentials, eventually } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';
import { ARTIFACTS, launchBrowser, login, mapReady, newPage, TINY_JPEG, mapSettled } from './map-ui-helpers';

/**
 * The closed loop across two browsers: the dispatcher dispatches a filed incident from the console, the grid worker's
 * tablet (another browser context) receives it live, accepts, checks in by geolocation, uploads a photo and reports it
 * handled; the console shows each step without a reload. Then the tablet keeps an action through a lost connection.
 */
describe('map UI: dispatcher console and worker tablet together', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let browser: Browser;
  let base: string;
  let dispatcher: { context: BrowserContext; page: Page; errors: string[] };
  let worker: { context: BrowserContext; page: Page; errors: string[] };
  let workerApi: Api;
  let lead: Api;
  let incidentId: string;
  const site = cellPoint(1, 1, 0.5, 0.5); // worker01's community (滨河西社区)

  beforeAll(async () => {
    env = await testEnv('server');
    hub = await startHub(env.config);
    base = `http://127.0.0.1:${hub.httpPort}`;
    browser = await launchBrowser();
    workerApi = await Api.of(hub).login('worker01', DEMO_WORKER_PASSWORD);
    lead = await Api.of(hub).login(DEMO_SHIFT_LEAD.username, DEMO_SHIFT_LEAD.password);
    dispatcher = await newPage(browser);
    worker = await newPage(browser, { geolocation: { longitude: site.lon + 0.0001, latitude: site.lat } });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await env?.cleanup();
  });

  const rowStatus = (id: string) => dispatcher.page.getAttribute(`[data-incident-id="${id}"]`, 'data-status').catch(() => null);
  /** Clicks a tablet action and returns the tablet's answer; an error shown to the worker fails the test with its text. */
  async function workerStep(testId: string, action: string): Promise<string> {
    await worker.page.click(`[data-testid="${testId}"]`);
    const msg = await worker.page.waitForSelector(`[data-testid="task-message"][data-action="${action}"]`, { timeout: 10_000 });
    const text = (await msg.innerText()).trim();
    expect({ action, error: (await msg.getAttribute('data-tone')) === 'error' ? text : null }).toEqual({ action, error: null });
    return text;
  }
  const waitRow = (id: string, status: string, what: string) =>
    eventually(async () => ((await rowStatus(id)) === status ? true : undefined), 15_000, `the console showing ${what}`);

  it('lands each role on its own page: the console for the dispatcher, the tablet for the worker, the monitor for the analyst', async () => {
    const analyst = await newPage(browser);
    try {
      await login(analyst.page, base, DEMO_ANALYST.username, DEMO_ANALYST.password);
      await analyst.page.waitForSelector('[data-testid="monitor"]');
      expect(analyst.page.url()).toContain('#/monitor');
      await analyst.page.screenshot({ path: join(ARTIFACTS, 'analyst-home-zh.png') });
    } finally {
      await analyst.context.close();
    }
    await login(dispatcher.page, base, DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    await dispatcher.page.waitForSelector('[data-testid="console"]');
    await mapReady(dispatcher.page);
    await login(worker.page, base, 'worker01', DEMO_WORKER_PASSWORD);
    await worker.page.waitForSelector('[data-testid="tablet"]');
    await mapReady(worker.page);
    expect(worker.page.url()).toContain('#/tablet');
    // A worker cannot open the console: the router sends them home.
    await worker.page.goto(`${base}/#/console`);
    await worker.page.waitForSelector('[data-testid="tablet"]');
    await worker.page.waitForSelector('[data-testid="live-state"][data-state="connected"]', { timeout: 10_000 });
    await dispatcher.page.waitForSelector('[data-testid="live-state"][data-state="connected"]', { timeout: 10_000 });
  });

  it('the dispatcher dispatches a filed incident to a suggested worker and the tablet receives it live', async () => {
    const categories = (await lead.get('/api/v1/incident-categories')).body;
    const list: any[] = Array.isArray(categories) ? categories : categories.items;
    const category = list.find((c) => !c.emergency && (c.kind === 'event' || c.code === 'garbage_exposed')) ?? list[0];
    const created = await lead.request('POST', '/api/v1/incidents', { category: category.code, title: '暴露垃圾 测试', description: '路边垃圾堆放', lon: site.lon, lat: site.lat });
    expect(created.status).toBe(201);
    incidentId = created.body.id;
    // A public report is verified on site by the supervisor (监督员) first, then filed by the shift lead without
    // automatic dispatch: the dispatcher chooses the worker.
    if (created.body.status === 'reported') {
      const verifying = await lead.request('POST', `/api/v1/incidents/${incidentId}/actions`, { action: 'request_verification' });
      expect(verifying.status).toBe(200);
      const { rows } = await hub.database.pool.query('select username from accounts where worker_id = $1', [verifying.body.verifierWorkerId]);
      const supervisor = await Api.of(hub).login(rows[0].username, DEMO_SUPERVISOR_PASSWORD);
      expect((await supervisor.request('POST', `/api/v1/incidents/${incidentId}/actions`, { action: 'verify', valid: true })).status).toBe(200);
    }
    if (created.body.status !== 'filed') expect((await lead.request('POST', `/api/v1/incidents/${incidentId}/actions`, { action: 'file', dispatch: false })).status).toBe(200);

    await waitRow(incidentId, 'filed', 'the filed incident');
    await dispatcher.page.click(`[data-incident-id="${incidentId}"]`);
    await dispatcher.page.waitForSelector('[data-testid="dispatch-panel"] [data-worker-id]');
    await dispatcher.page.check(`[data-testid="dispatch-panel"] [data-worker-id="${workerApi.user!.workerId}"]`);
    await dispatcher.page.screenshot({ path: join(ARTIFACTS, 'dispatcher-dispatch-zh.png') });
    await dispatcher.page.click('[data-testid="dispatch-submit"]');
    await waitRow(incidentId, 'dispatched', 'the dispatch');

    await worker.page.waitForSelector(`[data-task-id="${incidentId}"]`, { timeout: 15_000 });
    await worker.page.click(`[data-task-id="${incidentId}"]`);
    await worker.page.waitForSelector('[data-testid="task-accept"]');
    await worker.page.screenshot({ path: join(ARTIFACTS, 'worker-tablet-task-zh.png') });
  });

  it('the worker accepts, checks in, uploads a photo and handles it; the console follows each step', async () => {
    await workerStep('task-accept', 'accept');
    await waitRow(incidentId, 'accepted', 'the acceptance');
    await workerStep('task-checkin', 'check_in');
    await waitRow(incidentId, 'in_progress', 'the check-in');
    await worker.page.fill('[data-testid="handle-note"]', '已清理完毕');
    await worker.page.setInputFiles('[data-testid="photo-input"]', { name: 'site.jpg', mimeType: 'image/jpeg', buffer: TINY_JPEG });
    await worker.page.screenshot({ path: join(ARTIFACTS, 'worker-tablet-handle-zh.png') });
    await worker.page.click('[data-testid="task-handle"]');
    // Handled, the task moves on to re-inspection (another worker's task) and leaves this tablet's list.
    const after = await eventually(async () => {
      const detail = await lead.get(`/api/v1/incidents/${incidentId}`);
      return detail.body.status !== 'in_progress' ? detail.body : undefined;
    }, 15_000, 'the incident handled');
    expect(['handled', 'reinspecting']).toContain(after.status);
    expect(await worker.page.locator('[data-testid="task-message"][data-tone="error"]').count()).toBe(0);
    await eventually(async () => ((await worker.page.locator(`[data-task-id="${incidentId}"][data-status="in_progress"]`).count()) === 0 ? true : undefined), 10_000, 'the tablet showing the step done');
    const history = (await lead.get(`/api/v1/incidents/${incidentId}/history`)).body.items as any[];
    expect(history.map((e) => e.action)).toEqual(expect.arrayContaining(['dispatch', 'accept', 'check_in', 'handle']));
    const handled = history.find((e) => e.action === 'handle');
    expect(handled.attachments).toHaveLength(1);
    expect(history.find((e) => e.action === 'check_in').lon).toBeCloseTo(site.lon + 0.0001, 5);

    // The console's detail shows the whole timeline and the photo, updated live.
    await eventually(async () => ((await dispatcher.page.locator('[data-testid="timeline"] li[data-action="handle"]').count()) > 0 ? true : undefined), 15_000, 'the handle step on the timeline');
    await dispatcher.page.waitForSelector('[data-testid="attachment"] img', { timeout: 10_000 });
    for (const action of ['dispatch', 'accept', 'check_in', 'handle']) {
      expect(await dispatcher.page.locator(`[data-testid="timeline"] li[data-action="${action}"]`).count()).toBeGreaterThan(0);
    }
    await dispatcher.page.screenshot({ path: join(ARTIFACTS, 'dispatcher-timeline-zh.png') });
  });

  it('keeps a patrol report made offline in the queue and sends it when the connection returns', async () => {
    await worker.page.click('[data-testid="report-open"]');
    await worker.page.waitForSelector('[data-testid="report-category"] option:nth-child(2)', { state: 'attached' });
    await worker.context.setOffline(true);
    await worker.page.selectOption('[data-testid="report-category"]', { index: 1 });
    await worker.page.fill('[data-testid="report-title"]', '井盖缺失（离线上报）');
    await worker.page.fill('[data-testid="report-description"]', '人行道井盖缺失');
    await worker.page.click('[data-testid="report-submit"]');
    await worker.page.waitForSelector('[data-testid="outbox-count"][data-count="1"]');
    await worker.page.screenshot({ path: join(ARTIFACTS, 'worker-tablet-offline-zh.png') });
    await worker.context.setOffline(false);
    await worker.page.waitForSelector('[data-testid="outbox-count"][data-count="0"]', { timeout: 20_000 });
    const mine = await eventually(async () => {
      const r = await lead.get('/api/v1/incidents?status=open&limit=100');
      return (r.body.items as any[]).find((i) => i.title === '井盖缺失（离线上报）');
    }, 10_000, 'the offline report on the hub');
    expect(mine.source).toBe('patrol');
    expect(dispatcher.errors).toEqual([]);
    expect(worker.errors).toEqual([]);
  });

  it('shows the bureau monitor with AQI ranking, water and alerts (acknowledged from the list), in English too', async () => {
    const creds = await demoCredentials(hub);
    const publish = async (id: string, family: string, readings: Record<string, number>) => {
      const c = creds.find((d) => d.id === id)!;
      const client = await connect(hub, c.id, c.secret);
      await client.publishAsync(`gridhub/v1/${family}/${c.id}/data`, JSON.stringify({ ts: new Date().toISOString(), readings }), { qos: 1 });
      await client.endAsync();
    };
    const pm25 = [18, 42, 88, 131, 176, 240];
    for (let i = 0; i < pm25.length; i++) await publish(`air-00${i + 1}`, 'air', { pm25: pm25[i]!, pm10: pm25[i]! * 1.4, no2: 30 + i * 6 });
    await publish('water-001', 'water', { ph: 7.6, do_mgl: 6.8, nh3n_mgl: 0.4, codmn_mgl: 3.1, level_m: 776.9, rain_mm: 2.5 });
    await publish('water-002', 'water', { ph: 7.2, do_mgl: 4.1, nh3n_mgl: 1.6, codmn_mgl: 7.5, level_m: 777.8, rain_mm: 4 });
    const raised = await eventually(async () => {
      const r = await lead.get('/api/v1/alerts?status=raised');
      return r.status === 200 && r.body.items.length > 0 ? r.body.items : undefined;
    }, 15_000, 'an alert from the PM2.5 breach');

    await dispatcher.page.click('[data-testid="nav-monitor"]');
    await dispatcher.page.waitForSelector('[data-testid="monitor"]');
    await mapReady(dispatcher.page);
    await dispatcher.page.waitForSelector('[data-testid="station-ranking"] tr');
    expect(await dispatcher.page.locator('[data-testid="station-ranking"] tr').count()).toBe(pm25.length);
    // Today's readings are indexed under HJ 633—2026, and the monitor says so.
    expect(await dispatcher.page.locator('[data-testid="aqi-edition"]').innerText()).toContain('HJ 633-2026');
    await mapSettled(dispatcher.page);
    await dispatcher.page.screenshot({ path: join(ARTIFACTS, 'bureau-monitor-air-zh.png') });
    await dispatcher.page.click('[data-testid="tab-water"]');
    await dispatcher.page.waitForSelector('[data-testid="water-stations"]');
    await dispatcher.page.click('[data-testid="lang-toggle"]');
    await dispatcher.page.waitForSelector('text=Water class');
    await dispatcher.page.screenshot({ path: join(ARTIFACTS, 'bureau-monitor-water-en.png') });
    await dispatcher.page.click('[data-testid="tab-alerts"]');
    const first = `[data-alert-id="${raised[0].id}"]`;
    await dispatcher.page.waitForSelector(`${first}[data-status="raised"]`);
    await dispatcher.page.screenshot({ path: join(ARTIFACTS, 'bureau-monitor-alerts-en.png') });
    await dispatcher.page.click(`${first} [data-testid="ack"]`);
    await eventually(async () => ((await lead.get(`/api/v1/alerts/${raised[0].id}`)).body.status === 'acknowledged' ? true : undefined), 10_000, 'the acknowledgement');
    await dispatcher.page.click('[data-testid="lang-toggle"]');
  });

  it('keeps the monitor’s charts and an open station popup following the hub while they stay open, without a reload', async () => {
    // The page's clock is Playwright's: time flows as usual, and the test can skip a minute ahead.
    const analyst = await newPage(browser);
    try {
      await analyst.context.clock.install();
      await login(analyst.page, base, DEMO_ANALYST.username, DEMO_ANALYST.password);
      await analyst.page.waitForSelector('[data-testid="monitor"]');
      await analyst.page.click('[data-testid="tab-water"]');
      // A station that has sent nothing yet: its level chart is empty.
      await analyst.page.click('[data-testid="water-stations"] tr.pick:has-text("003")');
      await analyst.page.waitForSelector('[data-testid="water-panel"] h4:has-text("003") + p.muted');
      const creds = (await demoCredentials(hub)).find((d) => d.id === 'water-003')!;
      const client = await connect(hub, creds.id, creds.secret);
      await client.publishAsync(`gridhub/v1/water/${creds.id}/data`, JSON.stringify({ ts: new Date().toISOString(), readings: { ph: 7.4, level_m: 776.4, rain_mm: 1.5 } }), { qos: 1 });
      await client.endAsync();
      await hub.app.get(MaintenanceService).rollup();
      expect(await analyst.page.locator('[data-testid="water-panel"] [data-testid="chart"]').count()).toBe(0);
      // A minute later (the hub's roll-up pace) the open panel has asked again and draws the hour.
      await analyst.context.clock.fastForward(ROLLUP_EVERY_MS + 1_000);
      await analyst.page.waitForSelector('[data-testid="water-panel"] [data-testid="chart"]', { timeout: 10_000 });
      // The station's popup, opened by the click before the station ever reported, shows it as the live store has it now.
      await analyst.page.waitForSelector('[data-testid="map-popup"]:has-text("汾河水质站 003"):not(:has-text("从未上报"))', { timeout: 10_000 });
      // The jump ran the live socket's heartbeat timers too: let it reconnect before the picture.
      await analyst.page.waitForSelector('[data-testid="live-state"].state-connected', { timeout: 15_000 });
      await analyst.page.screenshot({ path: join(ARTIFACTS, 'bureau-monitor-water-followed-zh.png') });
      expect(analyst.errors).toEqual([]);
    } finally {
      await analyst.context.close();
    }
  });
});
