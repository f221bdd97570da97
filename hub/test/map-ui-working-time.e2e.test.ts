import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { calendarFromData, workingMinutesBetween } from '@gridhub/contracts';
import { startHub, RunningHub } from '../src/bootstrap';
import { cellPoint, DEMO_ANALYST, DEMO_DISPATCHER, DEMO_SUPERVISOR_PASSWORD } from '../src/seed/demo-city';
import { Api, eventually } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';
import { ARTIFACTS, launchBrowser, login, mapReady, newPage } from './map-ui-helpers';

/**
 * The console shows a deadline in working time (工作时): the countdown counts only working hours of workdays (the
 * same arithmetic as the server, on the hub's calendar) and the detail names the basis; the supervisor's tablet
 * verifies a hotline report on site.
 */
describe('map UI: working-time deadlines and the supervisor tablet', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let browser: Browser;
  let base: string;
  let console_: { context: BrowserContext; page: Page; errors: string[] };
  const site = cellPoint(1, 1, 0.5, 0.5); // worker01's community

  beforeAll(async () => {
    env = await testEnv('server');
    hub = await startHub(env.config);
    base = `http://127.0.0.1:${hub.httpPort}`;
    browser = await launchBrowser();
    // A browser in China: the console's times read as the city's.
    console_ = await newPage(browser, { timezoneId: 'Asia/Shanghai' });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await env?.cleanup();
  });

  /** "H:MM" of a working-time countdown, in minutes. */
  const minutesOf = (text: string) => {
    const m = /(−?)(\d+):(\d{2})/.exec(text);
    if (!m) throw new Error(`no H:MM in "${text}"`);
    return (m[1] ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  };

  it('shows a working-time deadline in the dispatcher console', async () => {
    const analyst = await Api.of(hub).login(DEMO_ANALYST.username, DEMO_ANALYST.password);
    const created = await analyst.request('POST', '/api/v1/incidents', { category: 'garbage_exposed', title: '河堤暴露垃圾', lon: site.lon, lat: site.lat, source: 'superior' });
    expect(created.status).toBe(201);
    const incident = created.body;
    expect(incident).toMatchObject({ status: 'dispatched', stepBasis: 'working' });

    await login(console_.page, base, DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    await console_.page.waitForSelector('[data-testid="console"]');
    await mapReady(console_.page);
    await console_.page.click(`[data-incident-id="${incident.id}"]`);
    const countdown = await console_.page.waitForSelector('[data-testid="incident-detail"] [data-testid="countdown"][data-basis="working"]', { timeout: 15_000 });
    await console_.page.waitForSelector('[data-testid="detail-basis"]');
    expect((await console_.page.innerText('[data-testid="detail-basis"]')).trim()).toBe('工作时');

    // The countdown's working minutes are the calendar's: what is left of the acceptance limit (30 working minutes).
    const calendar = calendarFromData((await analyst.get('/api/v1/working-calendar')).body);
    const shown = minutesOf(await countdown.innerText());
    const expected = workingMinutesBetween(new Date(), new Date(incident.acceptDueAt), calendar);
    expect(Math.abs(shown - expected)).toBeLessThanOrEqual(1);
    expect(await countdown.getAttribute('title')).toContain('工作时');
    await console_.page.screenshot({ path: join(ARTIFACTS, 'console-working-time-zh.png') });
    expect(console_.errors).toEqual([]);
  });

  it('lets the supervisor verify a hotline report from the tablet', async () => {
    const dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    const created = await dispatcher.request('POST', '/api/v1/incidents', { category: 'street_vending', title: '早市占道', lon: site.lon, lat: site.lat, source: 'hotline' });
    const verifying = await dispatcher.request('POST', `/api/v1/incidents/${created.body.id}/actions`, { action: 'request_verification' });
    expect(verifying.status).toBe(200);
    const { rows } = await hub.database.pool.query('select username from accounts where worker_id = $1', [verifying.body.verifierWorkerId]);
    const tablet = await newPage(browser, { geolocation: { longitude: site.lon, latitude: site.lat }, timezoneId: 'Asia/Shanghai' });
    try {
      await login(tablet.page, base, rows[0].username, DEMO_SUPERVISOR_PASSWORD);
      await tablet.page.waitForSelector('[data-testid="tablet"]');
      await mapReady(tablet.page);
      await tablet.page.click(`[data-task-id="${created.body.id}"]`);
      await tablet.page.fill('[data-testid="supervise-note"]', '现场确有占道经营');
      await tablet.page.screenshot({ path: join(ARTIFACTS, 'supervisor-tablet-verify-zh.png') });
      await tablet.page.click('[data-testid="task-verify-valid"]');
      await tablet.page.waitForSelector('[data-testid="task-message"][data-action="verify"][data-tone="ok"]', { timeout: 10_000 });
      const after = await eventually(async () => {
        const body = (await dispatcher.get(`/api/v1/incidents/${created.body.id}`)).body;
        return body.verifiedValid === true ? body : undefined;
      }, 10_000, 'the verification');
      expect(after.status).toBe('verifying');
      expect(tablet.errors).toEqual([]);
    } finally {
      await tablet.context.close();
    }
  });
});
