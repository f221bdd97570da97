import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startHub, RunningHub } from '../src/bootstrap';
import { cellPoint, DEMO_DISPATCHER, DEMO_SHIFT_LEAD, DEMO_SUPERVISOR_PASSWORD, DEMO_SUPERVISORS, DEMO_WORKER_PASSWORD } from '../src/seed/demo-city';
import { Api, eventually } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';
import { ARTIFACTS, launchBrowser, login, mapReady, newPage } from './map-ui-helpers';

/**
 * The console asks the server's rules (refusalOf of @gridhub/contracts) for its buttons. An incident is walked through
 * every state of the loop — mostly by clicking the console's own buttons, the field steps by the worker over the API —
 * and in each state every enabled button must be one the server allows the signed-in user (its `allowedActions`),
 * every disabled one must say why, and clicking the enabled next step must succeed.
 */
describe('map UI: the console’s action buttons follow the server’s rules', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let browser: Browser;
  let base: string;
  let lead: { context: BrowserContext; page: Page; errors: string[] };
  let leadApi: Api;
  let admin: Api;
  let incidentId: string;
  const site = cellPoint(1, 1, 0.5, 0.5);

  beforeAll(async () => {
    env = await testEnv('server');
    hub = await startHub(env.config);
    base = `http://127.0.0.1:${hub.httpPort}`;
    browser = await launchBrowser();
    admin = await Api.of(hub).login('admin', 'test-admin-password');
    leadApi = await Api.of(hub).login(DEMO_SHIFT_LEAD.username, DEMO_SHIFT_LEAD.password);
    lead = await newPage(browser);
    await login(lead.page, base, DEMO_SHIFT_LEAD.username, DEMO_SHIFT_LEAD.password);
    await lead.page.waitForSelector('[data-testid="console"]');
    await mapReady(lead.page);
    await lead.page.waitForSelector('[data-testid="live-state"][data-state="connected"]', { timeout: 10_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await env?.cleanup();
  });

  /** The buttons the console shows now: action → enabled, and the tooltip of each. */
  async function shownButtons(page: Page): Promise<{ enabled: string[]; disabled: Record<string, string> }> {
    const buttons = await page.locator('[data-testid="incident-actions"] button[data-action]').all();
    const enabled: string[] = [];
    const disabled: Record<string, string> = {};
    for (const b of buttons) {
      const action = (await b.getAttribute('data-action'))!;
      if ((await b.getAttribute('data-enabled')) === 'true') enabled.push(action);
      else disabled[action] = (await b.locator('xpath=..').getAttribute('title')) ?? '';
    }
    return { enabled, disabled };
  }

  /** Waits until the console shows the incident in `status`, then checks its buttons against the server's answer. */
  async function expectButtonsAllowed(page: Page, api: Api, status: string): Promise<{ enabled: string[]; disabled: Record<string, string> }> {
    await page.waitForSelector(`[data-testid="detail-status"][data-status="${status}"]`, { timeout: 15_000 });
    const server = (await api.get(`/api/v1/incidents/${incidentId}`)).body;
    expect(server.status).toBe(status);
    // The buttons may trail the live update by a render: settle on the server's state.
    return eventually(async () => {
      const shown = await shownButtons(page);
      const dispatchPanel = (await page.locator('[data-testid="dispatch-panel"]').count()) > 0;
      const refusedButShown = shown.enabled.filter((a) => !server.allowedActions.includes(a));
      if (refusedButShown.length > 0 || (dispatchPanel && !server.allowedActions.includes('dispatch'))) return undefined;
      for (const reason of Object.values(shown.disabled)) expect(reason).not.toBe('');
      return shown;
    }, 10_000, `the console's buttons in ${status} to be ones the server allows`);
  }

  async function click(page: Page, action: string, field?: { reason?: string; grade?: string }): Promise<void> {
    await page.click(`[data-testid="incident-actions"] button[data-action="${action}"]`);
    if (field?.reason !== undefined) {
      await page.fill('[data-testid="action-reason"]', field.reason);
      await page.click('[data-testid="action-confirm"]');
    }
    if (field?.grade !== undefined) {
      await page.selectOption('[data-testid="action-grade"]', field.grade);
      await page.click('[data-testid="action-confirm"]');
    }
    const message = await page.waitForSelector('[data-testid="detail-message"]', { timeout: 10_000 });
    expect({ action, message: (await message.getAttribute('class'))?.includes('error') ? await message.innerText() : null }).toEqual({ action, message: null });
  }

  /** Signs in as the account of a worker record (a grid worker or a supervisor). */
  const workerOf = async (workerId: string, password = DEMO_WORKER_PASSWORD): Promise<Api> => {
    const accounts = (await admin.get('/api/v1/accounts?limit=200')).body;
    const list: any[] = Array.isArray(accounts) ? accounts : accounts.items;
    const account = list.find((a) => a.workerId === workerId);
    expect(account).toBeDefined();
    return Api.of(hub).login(account.username, password);
  };
  const act = async (api: Api, body: Record<string, unknown>) => {
    const res = await api.request('POST', `/api/v1/incidents/${incidentId}/actions`, body);
    expect({ action: body['action'], status: res.status, message: res.status === 200 ? null : res.body.message }).toEqual({ action: body['action'], status: 200, message: null });
    return res.body;
  };

  it('walks a hotline report from intake to evaluation, offering only what the server takes', async () => {
    const categories = (await leadApi.get('/api/v1/incident-categories')).body;
    const list: any[] = Array.isArray(categories) ? categories : categories.items;
    const category = list.find((c) => !c.emergency && c.kind === 'event') ?? list.find((c) => !c.emergency);
    const created = await leadApi.request('POST', '/api/v1/incidents', { category: category.code, title: '热线：路面塌陷', description: '12345 来电', lon: site.lon, lat: site.lat, source: 'hotline' });
    expect(created.status).toBe(201);
    incidentId = created.body.id;
    expect(created.body.status).toBe('reported');
    const supervisorOf = async (field: 'verifierWorkerId' | 'reinspectorWorkerId') => {
      const named = (await leadApi.get(`/api/v1/incidents/${incidentId}`)).body[field] as string | null;
      return named ? workerOf(named, DEMO_SUPERVISOR_PASSWORD) : Api.of(hub).login(DEMO_SUPERVISORS[0]!.username, DEMO_SUPERVISOR_PASSWORD);
    };
    await lead.page.waitForSelector(`[data-incident-id="${incidentId}"]`, { timeout: 15_000 });
    await lead.page.click(`[data-incident-id="${incidentId}"]`);

    // reported: ask a supervisor to verify on site, or void; a hotline report is filed only once verified, and
    // there is no dispatch panel before it is filed.
    const reported = await expectButtonsAllowed(lead.page, leadApi, 'reported');
    expect(reported.enabled).toEqual(expect.arrayContaining(['request_verification', 'void']));
    expect(reported.disabled['file']).toMatch(/before a supervisor has verified it on site/);
    expect(await lead.page.locator('[data-testid="dispatch-panel"]').count()).toBe(0);
    await lead.page.screenshot({ path: join(ARTIFACTS, 'console-actions-reported-zh.png') });
    await click(lead.page, 'request_verification');

    // verifying: the supervisor verifies on site (tablet, here over the API); then the shift lead files, and it is
    // dispatched automatically to the grid's worker.
    const verifying = await expectButtonsAllowed(lead.page, leadApi, 'verifying');
    expect(verifying.disabled['file']).toMatch(/before a supervisor has verified/);
    await act(await supervisorOf('verifierWorkerId'), { action: 'verify', valid: true, note: '现场属实' });
    await eventually(async () => ((await shownButtons(lead.page)).enabled.includes('file') ? true : undefined), 15_000, 'filing enabled after the verification');
    await expectButtonsAllowed(lead.page, leadApi, 'verifying');
    await click(lead.page, 'file');
    const dispatched = await expectButtonsAllowed(lead.page, leadApi, 'dispatched');
    // No extension request waits: approving one is shown but disabled, in the server's words.
    expect(dispatched.disabled['approve_extension']).toBe('no extension request is waiting');
    expect(await lead.page.locator('[data-testid="dispatch-panel"]').count()).toBe(1);

    const assignee = (await leadApi.get(`/api/v1/incidents/${incidentId}`)).body.assigneeWorkerId as string;
    const worker = await workerOf(assignee);
    await act(worker, { action: 'request_extension', hours: 4, reason: '需调配设备' });
    await eventually(async () => ((await shownButtons(lead.page)).enabled.includes('approve_extension') ? true : undefined), 15_000, 'the extension request reaching the console');
    await expectButtonsAllowed(lead.page, leadApi, 'dispatched');
    await click(lead.page, 'approve_extension');

    await act(worker, { action: 'accept' });
    await expectButtonsAllowed(lead.page, leadApi, 'accepted');
    await act(worker, { action: 'check_in', lon: site.lon, lat: site.lat });
    await expectButtonsAllowed(lead.page, leadApi, 'in_progress');
    await act(worker, { action: 'handle', note: '已设置围挡并修复' });

    // reinspecting: the supervisor re-inspects (核查); close waits for it to pass.
    const reinspecting = await expectButtonsAllowed(lead.page, leadApi, 'reinspecting');
    expect(reinspecting.disabled['close']).toBe('cannot close before the re-inspection has passed (reinspect_pass)');
    expect(reinspecting.enabled).not.toContain('reinspect_pass'); // the supervisor's, not the shift lead's
    await lead.page.screenshot({ path: join(ARTIFACTS, 'console-actions-reinspecting-zh.png') });
    await act(await supervisorOf('reinspectorWorkerId'), { action: 'reinspect_pass', note: '复查合格' });
    await eventually(async () => ((await shownButtons(lead.page)).enabled.includes('close') ? true : undefined), 15_000, 'close enabled after the re-inspection');
    await expectButtonsAllowed(lead.page, leadApi, 'reinspecting');
    await click(lead.page, 'close');

    await expectButtonsAllowed(lead.page, leadApi, 'closed');
    await click(lead.page, 'evaluate', { grade: 'satisfied' });
    const evaluated = await expectButtonsAllowed(lead.page, leadApi, 'evaluated');
    expect(evaluated).toEqual({ enabled: [], disabled: {} });
    expect(lead.errors).toEqual([]);
  });

  it('shows the dispatcher no button the dispatcher may not take', async () => {
    const dispatcher = await newPage(browser);
    const dispatcherApi = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    try {
      const created = await leadApi.request('POST', '/api/v1/incidents', { category: 'garbage_exposed', title: '暴露垃圾', description: '市民反映', lon: site.lon, lat: site.lat, source: 'public' });
      expect(created.status).toBe(201);
      incidentId = created.body.id;
      await login(dispatcher.page, base, DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
      await dispatcher.page.waitForSelector(`[data-incident-id="${incidentId}"]`, { timeout: 15_000 });
      await dispatcher.page.click(`[data-incident-id="${incidentId}"]`);
      const reported = await expectButtonsAllowed(dispatcher.page, dispatcherApi, 'reported');
      // Filing and voiding are the shift lead's (监管分离): the dispatcher only asks a supervisor to verify.
      expect(reported.enabled).toEqual(['request_verification']);
      expect(Object.keys(reported.disabled)).toEqual([]);
      expect(await dispatcher.page.locator('[data-testid="dispatch-panel"]').count()).toBe(0);
    } finally {
      await dispatcher.context.close();
    }
  });
});
