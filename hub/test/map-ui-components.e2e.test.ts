import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startHub, RunningHub } from '../src/bootstrap';
import { cellPoint, DEMO_ANALYST, DEMO_DISPATCHER, DEMO_SUPERVISOR_PASSWORD } from '../src/seed/demo-city';
import { Api } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';
import { ARTIFACTS, launchBrowser, login, mapCounts, mapReady, newPage, mapSettled } from './map-ui-helpers';

/**
 * The console's component layer (部件, toggled in the layer switcher) and its role indicators (岗位考核), in headless
 * Chromium, zh-CN and en; the figures shown are the API's.
 */
describe('map UI: components layer and role indicators', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let browser: Browser;
  let base: string;
  /** The hotline report on a storm-drain cover, and the cover. */
  let onComponent: { id: string; componentId: string };

  beforeAll(async () => {
    env = await testEnv('server', { LOG_LEVEL: 'error' });
    hub = await startHub(env.config);
    base = `http://127.0.0.1:${hub.httpPort}`;
    browser = await launchBrowser();
    // Some work of the day: a task from above (dispatched at once) and a hotline report on a component verified by its supervisor.
    const analyst = await Api.of(hub).login(DEMO_ANALYST.username, DEMO_ANALYST.password);
    const site = cellPoint(1, 1, 0.5, 0.5);
    expect((await analyst.request('POST', '/api/v1/incidents', { category: 'garbage_exposed', lon: site.lon, lat: site.lat, source: 'superior' })).status).toBe(201);
    const dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    const cover = (await dispatcher.get('/api/v1/components?class=0103&limit=1')).body.features[0].properties.id;
    const report = await dispatcher.request('POST', '/api/v1/incidents', { componentId: cover, source: 'hotline', description: '井盖缺失' });
    expect(report.status).toBe(201);
    onComponent = { id: report.body.id, componentId: cover };
    const asked = await dispatcher.request('POST', `/api/v1/incidents/${report.body.id}/actions`, { action: 'request_verification' });
    expect(asked.status).toBe(200);
    const { rows } = await hub.database.pool.query(`select username from accounts where worker_id = $1`, [asked.body.verifierWorkerId]);
    const supervisor = await Api.of(hub).login(rows[0].username, DEMO_SUPERVISOR_PASSWORD);
    expect((await supervisor.request('POST', `/api/v1/incidents/${report.body.id}/actions`, { action: 'verify', valid: true })).status).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await env?.cleanup();
  });

  it('draws the components in view and toggles them in the layer switcher', async () => {
    const { page, errors } = await newPage(browser, { timezoneId: 'Asia/Shanghai' });
    const api = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    const total = (await api.get('/api/v1/components?limit=1')).body.total as number;
    await login(page, base, DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    await page.waitForSelector('[data-testid="console"]');
    await mapReady(page);
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -200);
    await page.waitForFunction(() => Number((document.querySelector('#map') as HTMLElement).dataset['componentCount'] ?? 0) > 0, undefined, { timeout: 15_000 });
    const shown = (await mapCounts(page))['component']!;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThanOrEqual(total);
    await page.click('[data-testid="layer-switcher"] .switcher-head');
    const toggle = page.locator('[data-testid="layer-switcher"] input[data-layer="component"]');
    expect(await toggle.isChecked()).toBe(true);
    expect((await page.innerText('[data-testid="layer-switcher"]')).includes('城市部件')).toBe(true);
    await mapSettled(page);
    await page.screenshot({ path: join(ARTIFACTS, 'console-components-zh.png') });
    await toggle.click();
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click();
    expect(await toggle.isChecked()).toBe(true);
    // The incident on the cover names it, and its owner department, in the detail.
    await page.click(`[data-incident-id="${onComponent.id}"]`);
    const detail = await page.waitForSelector('[data-testid="detail-component"]');
    expect(await detail.innerText()).toContain(onComponent.componentId);
    expect(await detail.innerText()).toContain('municipal_facilities');
    await page.screenshot({ path: join(ARTIFACTS, 'console-component-incident-zh.png') });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the role indicators with the API’s scores and grades, in zh-CN and en', async () => {
    const api = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    for (const locale of ['zh-CN', 'en'] as const) {
      const { page, errors } = await newPage(browser, { timezoneId: 'Asia/Shanghai', locale });
      await login(page, base, DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
      await page.waitForSelector('[data-testid="console"]');
      await mapReady(page);
      await page.click('[data-testid="role-indicators-toggle"]');
      await page.waitForSelector('[data-testid="role-indicators"] table');
      const supervisors = (await api.get('/api/v1/indicators/roles?role=supervisor&period=month')).body;
      expect(supervisors.rows.length).toBeGreaterThan(0);
      for (const row of supervisors.rows) {
        const grade = await page.innerText(`[data-testid="role-indicators"] tr[data-unit="${row.code}"] .grade`);
        expect(grade.trim()).toBe(row.grade ?? '—');
      }
      await page.click('[data-testid="role-indicators"] button[data-role="dispatch"]');
      const dispatch = (await api.get('/api/v1/indicators/roles?role=dispatch&period=month')).body;
      const first = dispatch.rows[0];
      await page.waitForSelector(`[data-testid="role-indicators"] tr[data-unit="${first.code}"]`);
      expect((await page.innerText(`[data-testid="role-indicators"] tr[data-unit="${first.code}"] .score`)).trim()).toBe(
        first.score === null ? '—' : new Intl.NumberFormat(locale).format(Number(first.score.toFixed(1))),
      );
      await page.click('[data-testid="role-indicators"] button[data-role="supervisor"]');
      await page.waitForSelector('[data-testid="role-indicators"][data-shown-role="supervisor"]');
      await page.screenshot({ path: join(ARTIFACTS, `console-role-indicators-${locale === 'en' ? 'en' : 'zh'}.png`) });
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });
});
