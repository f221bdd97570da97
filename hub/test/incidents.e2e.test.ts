import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MqttClient } from 'mqtt';
import { RaisedAlert } from '@gridhub/ingest';
import { DispatchTimers, IncidentIntakeService, stepTimerId } from '@gridhub/gridops';
import { startHub, RunningHub } from '../src/bootstrap';
import { DEMO_DISPATCHER, DEMO_SHIFT_LEAD, DEMO_SUPERVISOR_PASSWORD, DEMO_WORKER_PASSWORD } from '../src/seed/demo-city';
import { Api, connect, eventually } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';
import { acceptanceTimersOf, stepTimersOf, timersSettled } from './support/timers';

/**
 * The seven-step incident loop through the HTTP API, MQTT and BullMQ on the PostgreSQL server path with real
 * Redis: intake, verification, filing, dispatch, rejection, acceptance, GPS check-in, extension, handling with
 * photos, failed and passed re-inspection, closing and evaluation; the refusals (409 / 403); acceptance
 * timeouts, supervision warnings and a restart in the middle of a timer (short time limits set per category).
 */
describe('incident loop (PostgreSQL server path)', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let admin: Api;
  let dispatcher: Api;
  let lead: Api;
  /** The supervisor (监督员) whose communities include worker01's. */
  let supervisor: Api;
  const workers: Record<string, { api: Api; id: string; lon: number; lat: number; gridCode: string }> = {};
  const clients: MqttClient[] = [];

  const PNG = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  );

  async function loginWorkers(): Promise<void> {
    for (const username of ['worker01', 'worker02', 'worker03']) {
      const api = await Api.of(hub).login(username, DEMO_WORKER_PASSWORD);
      const { rows } = await hub.database.pool.query(
        `select w.lon, w.lat, (select grid_code from worker_grids g where g.worker_id = w.id order by grid_code limit 1 offset 2) as "gridCode"
           from workers w where w.id = $1`,
        [api.user!.workerId],
      );
      workers[username] = { api, id: api.user!.workerId!, ...rows[0] };
    }
  }

  async function login(): Promise<void> {
    admin = await Api.of(hub).login('admin', 'test-admin-password');
    dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    lead = await Api.of(hub).login(DEMO_SHIFT_LEAD.username, DEMO_SHIFT_LEAD.password);
    supervisor = await Api.of(hub).login('supervisor01', DEMO_SUPERVISOR_PASSWORD);
    await loginWorkers();
  }

  beforeAll(async () => {
    env = await testEnv('server', { LOG_LEVEL: 'error' });
    hub = await startHub(env.config);
    await login();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await hub?.close();
    await env?.cleanup();
  });

  const w = (name: string) => workers[name]!;
  const act = (api: Api, id: string, body: Record<string, unknown>) => api.request('POST', `/api/v1/incidents/${id}/actions`, body);
  const ok = async (api: Api, id: string, body: Record<string, unknown>) => {
    const res = await act(api, id, body);
    if (res.status !== 200) throw new Error(`${body['action']}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const history = async (id: string) => (await dispatcher.get(`/api/v1/incidents/${id}/history`)).body.items as any[];
  const actions = async (id: string) => (await history(id)).map((e) => e.action);
  const report = async (api: Api, body: Record<string, unknown>) => {
    const res = await api.request('POST', '/api/v1/incidents', body);
    if (res.status !== 201) throw new Error(`report: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  /** Short limits for the test, counted around the clock (natural time: the test may run on a weekend night). */
  const setLimits = async (code: string, limits: Record<string, unknown>) => {
    const res = await admin.request('PATCH', `/api/v1/incident-categories/${code}`, { ...limits, aroundTheClock: true });
    expect(res.status).toBe(200);
  };
  const tokenOf = async (username: string, password: string) => {
    const res = await fetch(`http://127.0.0.1:${hub.httpPort}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return ((await res.json()) as { accessToken: string }).accessToken;
  };
  const upload = async (token: string, id: string, data: Buffer, filename: string, type: string) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(data)], { type }), filename);
    const res = await fetch(`http://127.0.0.1:${hub.httpPort}/api/v1/incidents/${id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const tablet = async (name: string) => {
    const client = await connect(hub, name, DEMO_WORKER_PASSWORD, `tablet-${name}-${Date.now()}`);
    clients.push(client);
    const tasks: any[] = [];
    client.on('message', (_topic, payload) => tasks.push(JSON.parse(payload.toString())));
    await client.subscribeAsync(`gridhub/v1/workers/${w(name).id}/tasks`, { qos: 1 });
    return tasks;
  };

  it('lists the category taxonomy with names, priorities, departments and time limits', async () => {
    const res = await dispatcher.get('/api/v1/incident-categories');
    expect(res.status).toBe(200);
    const byCode = Object.fromEntries(res.body.items.map((c: any) => [c.code, c]));
    for (const code of ['air_pollution', 'water_pollution', 'flood_warning', 'illegal_parking', 'street_vending', 'garbage_overflow', 'road_damage', 'smoke_fire', 'gas_leak']) {
      expect(byCode[code]).toBeDefined();
    }
    expect(byCode['gas_leak']).toMatchObject({ nameZh: '燃气泄漏', nameEn: 'Gas leak', majorNameZh: '突发事件', defaultPriority: 'urgent', emergency: true, departmentCode: 'gas_company' });
    expect(byCode['road_damage']).toMatchObject({ kind: 'component', limits: { handleMinutes: { normal: 2880 } } });
    const bad = await admin.request('PATCH', '/api/v1/incident-categories/road_damage', { acceptMinutes: -1 });
    expect(bad.status).toBe(400);
    expect((await dispatcher.request('PATCH', '/api/v1/incident-categories/road_damage', { acceptMinutes: 5 })).status).toBe(403);
  });

  it('takes reports, filters the list and suggests duplicates nearby', async () => {
    const me = w('worker01');
    const first = await report(me.api, { category: 'garbage_exposed', title: '路口暴露垃圾', lon: me.lon, lat: me.lat });
    expect(first).toMatchObject({ status: 'reported', source: 'patrol', priority: 'normal', reportedBy: 'worker01', duplicates: [] });
    expect(first.gridCode).toMatch(/^\d{15}$/);
    expect(first.code).toMatch(/^GH\d{8}\d{6}$/);
    const second = await report(dispatcher, {
      category: 'garbage_exposed',
      lon: me.lon + 0.0003,
      lat: me.lat,
      source: 'hotline',
      reporterName: '张三',
      reporterPhone: '13812345678',
    });
    expect(second.duplicates.map((d: any) => d.id)).toEqual([first.id]);
    expect(second.duplicates[0].distanceM).toBeGreaterThan(20);
    expect(second.duplicates[0].distanceM).toBeLessThan(40);
    expect((await dispatcher.get(`/api/v1/incidents/${first.id}/duplicates`)).body.items.map((d: any) => d.id)).toEqual([second.id]);
    // Far away or another category: no duplicate.
    const other = await report(dispatcher, { category: 'street_vending', lon: me.lon, lat: me.lat, source: 'public' });
    expect(other.duplicates).toEqual([]);

    const street = first.gridCode.slice(0, 9);
    const list = await dispatcher.get(`/api/v1/incidents?category=garbage_exposed&gridCode=${street}&status=reported,verifying&limit=1`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(list.body.items).toHaveLength(1);
    const page2 = await dispatcher.get(`/api/v1/incidents?category=garbage_exposed&gridCode=${street}&limit=1&offset=1`);
    expect(page2.body.items[0].id).not.toBe(list.body.items[0].id);
    expect((await dispatcher.get(`/api/v1/incidents?gridCode=999999&category=garbage_exposed`)).body.total).toBe(0);
    // Contact data in full for the command centre only.
    expect((await dispatcher.get(`/api/v1/incidents/${second.id}`)).body.reporterPhone).toBe('13812345678');

    expect((await me.api.request('POST', '/api/v1/incidents', { category: 'garbage_exposed', lon: me.lon, lat: me.lat, source: 'hotline' })).status).toBe(403);
    const badLon = await dispatcher.request('POST', '/api/v1/incidents', { category: 'garbage_exposed', lon: 500, lat: me.lat });
    expect(badLon.status).toBe(400);
    expect(JSON.stringify(badLon.body.message)).toMatch(/lon/);
    const unknown = await dispatcher.request('POST', '/api/v1/incidents', { category: 'no_such_thing', lon: me.lon, lat: me.lat });
    expect(unknown.status).toBe(422);
    expect((await dispatcher.get('/api/v1/incidents?status=bogus')).status).toBe(400);
    // A worker sees only their own incidents.
    const mine = await me.api.get('/api/v1/incidents');
    expect(mine.body.items.map((i: any) => i.id)).toContain(first.id); // reported by them
    expect(mine.body.items.map((i: any) => i.id)).not.toContain(second.id);
    expect(mine.body.items.every((i: any) => [i.assigneeWorkerId, i.verifierWorkerId, i.reinspectorWorkerId].includes(me.id) || i.reportedBy === 'worker01')).toBe(true);
    expect((await w('worker03').api.get(`/api/v1/incidents/${second.id}`)).status).toBe(403);
  });

  it('runs the whole loop: verification, rejection, extension, photos, rework, closing and evaluation', async () => {
    const me = w('worker01');
    const tasks = await tablet('worker01');
    await setLimits('street_vending', {});
    const created = await report(dispatcher, { category: 'street_vending', description: '早市占道', lon: me.lon, lat: me.lat, source: 'hotline' });
    const id = created.id;

    // Refusals: the role (403) and the state (409, naming it).
    expect((await act(dispatcher, id, { action: 'file' })).status).toBe(403);
    const early = await act(lead, id, { action: 'close' });
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/reported/);
    expect((await act(dispatcher, id, { action: 'fly' })).status).toBe(400);

    // 核实: the grid's supervisor verifies on site (a hotline report is not filed before).
    expect((await act(lead, id, { action: 'file' })).status).toBe(409);
    const verifying = await ok(dispatcher, id, { action: 'request_verification' });
    expect(verifying).toMatchObject({ status: 'verifying', verifierWorkerId: supervisor.user!.workerId });
    expect((await act(me.api, id, { action: 'verify', valid: true })).status).toBe(403);
    await ok(supervisor, id, { action: 'verify', valid: true, note: '属实', lon: me.lon, lat: me.lat });

    // 立案 by the shift lead, then automatic dispatch to the grid's worker.
    const filed = await ok(lead, id, { action: 'file' });
    expect(filed).toMatchObject({ status: 'dispatched', assigneeWorkerId: me.id });
    const assigned = await eventually(async () => tasks.find((t) => t.incidentId === id && t.type === 'task.assigned' && t.step === 'handle'), 5000, 'the task');
    expect(assigned).toMatchObject({ code: created.code, status: 'dispatched', priority: 'normal' });

    // Rejected with a reason: back to the dispatcher, unassigned.
    expect((await act(me.api, id, { action: 'reject' })).status).toBe(400);
    const rejected = await ok(me.api, id, { action: 'reject', reason: '不属于本网格' });
    expect(rejected).toMatchObject({ status: 'filed', assigneeWorkerId: null });
    const suggestions = await dispatcher.get(`/api/v1/incidents/${id}/suggestions`);
    expect(suggestions.status).toBe(200);
    expect(suggestions.body.items[0]).toMatchObject({ workerId: me.id, distanceM: 0, openTasks: expect.any(Number) });
    expect(suggestions.body.items.length).toBeGreaterThan(3);
    expect((await me.api.get(`/api/v1/incidents/${id}/suggestions`)).status).toBe(403);
    await ok(dispatcher, id, { action: 'dispatch', workerId: me.id, note: '请接单' });

    // Another worker may not act on this task; the assignee accepts once.
    const foreign = await act(w('worker02').api, id, { action: 'accept' });
    expect(foreign.status).toBe(403);
    await ok(me.api, id, { action: 'accept' });
    const again = await act(me.api, id, { action: 'accept' });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/accepted/);

    // Arrival: a check-in far from the incident is refused.
    const far = await act(me.api, id, { action: 'check_in', lon: me.lon + 0.01, lat: me.lat });
    expect(far.status).toBe(422);
    expect(far.body.message).toMatch(/\d+ m from the incident/);
    await ok(me.api, id, { action: 'check_in', lon: me.lon + 0.0005, lat: me.lat });

    // Extension: asked by the assignee, approved by the shift lead; the deadline moves.
    const before = (await dispatcher.get(`/api/v1/incidents/${id}`)).body;
    await ok(me.api, id, { action: 'request_extension', hours: 2, reason: '需要城管配合' });
    expect((await act(me.api, id, { action: 'request_extension', hours: 1, reason: 'again' })).status).toBe(409);
    expect((await act(dispatcher, id, { action: 'approve_extension' })).status).toBe(403);
    const extended = await ok(lead, id, { action: 'approve_extension' });
    expect(Date.parse(extended.dueAt) - Date.parse(before.dueAt)).toBe(2 * 3600_000);
    expect(extended).toMatchObject({ extended: true, extensionCount: 1, extensionPending: null });

    // Handled with a photo; re-inspection by someone else.
    const token = await tokenOf('worker01', DEMO_WORKER_PASSWORD);
    const photo = await upload(token, id, PNG, 'scene.png', 'image/png');
    expect(photo.status).toBe(201);
    expect((await act(me.api, id, { action: 'handle' })).status).toBe(400);
    const handled = await ok(me.api, id, { action: 'handle', note: '已劝离摊贩', attachmentIds: [photo.body.id], lon: me.lon, lat: me.lat });
    expect(handled.status).toBe('reinspecting');
    expect(handled.reinspectorWorkerId).toBe(supervisor.user!.workerId);

    // Failed re-inspection (by the supervisor): rework by the same worker.
    expect((await act(lead, id, { action: 'reinspect_fail', reason: '摊位仍在' })).status).toBe(403);
    const reworked = await ok(supervisor, id, { action: 'reinspect_fail', reason: '摊位仍在' });
    expect(reworked).toMatchObject({ status: 'dispatched', assigneeWorkerId: me.id, reworkCount: 1 });
    await ok(me.api, id, { action: 'accept' });
    await ok(me.api, id, { action: 'check_in', lon: me.lon, lat: me.lat });
    await ok(me.api, id, { action: 'handle', note: '已清理' });
    expect((await act(lead, id, { action: 'close' })).status).toBe(409); // not re-inspected yet
    await ok(supervisor, id, { action: 'reinspect_pass', note: '核查通过' });
    const closed = await ok(lead, id, { action: 'close' });
    expect(closed.status).toBe('closed');
    expect(closed.closedAt).toEqual(expect.any(String));
    const evaluated = await ok(dispatcher, id, { action: 'evaluate', grade: 'satisfied' });
    expect(evaluated).toMatchObject({ status: 'evaluated', evaluationGrade: 'satisfied' });

    const trail = await history(id);
    expect(trail.map((e) => e.action)).toEqual([
      'report', 'request_verification', 'verify', 'file', 'dispatch', 'reject', 'dispatch', 'accept', 'check_in',
      'request_extension', 'approve_extension', 'handle', 'start_reinspection', 'reinspect_fail', 'accept', 'check_in',
      'handle', 'start_reinspection', 'reinspect_pass', 'close', 'evaluate',
    ]);
    const checkIn = trail.find((e) => e.action === 'check_in')!;
    expect(checkIn).toMatchObject({ actor: 'worker01', fromStatus: 'accepted', toStatus: 'in_progress', lat: me.lat });
    expect(trail.find((e) => e.action === 'handle')!.attachments).toEqual([photo.body.id]);
    expect(trail.find((e) => e.action === 'reject')!.note).toBe('不属于本网格');
    expect(trail.every((e) => typeof e.at === 'string' && e.actor)).toBe(true);
    const { rows } = await hub.database.pool.query(
      `select verified_at is not null as v, filed_at is not null as f, accepted_at is not null as a, handled_at is not null as h,
              closed_at is not null as c, rework_count, extension_count, extended from incidents where id = $1`,
      [id],
    );
    expect(rows[0]).toEqual({ v: true, f: true, a: true, h: true, c: true, rework_count: 1, extension_count: 1, extended: true });
  });

  it('lets only one of two simultaneous actions move the same state', async () => {
    const me = w('worker01');
    const created = await report(dispatcher, { category: 'garbage_overflow', lon: me.lon, lat: me.lat, source: 'superior' });
    expect(created.status).toBe('dispatched');
    const results = await Promise.all([act(me.api, created.id, { action: 'accept' }), act(me.api, created.id, { action: 'accept' })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await actions(created.id)).filter((a) => a === 'accept')).toHaveLength(1);
  });

  it('turns alerts into incidents: sensor filed and dispatched, video verified first, emergency at once, once per alert', async () => {
    const intake = hub.app.get(IncidentIntakeService);
    const me = w('worker02');
    const alert = (overrides: Partial<RaisedAlert>): RaisedAlert => ({
      alertId: `t-${Math.random().toString(36).slice(2)}`,
      ruleName: 'test rule',
      severity: 'orange',
      incidentCategory: 'air_pollution',
      deviceId: 'air-001',
      deviceName: '测试站',
      family: 'air',
      metric: 'pm25',
      value: 300,
      threshold: 150,
      source: 'sensor',
      emergency: false,
      needsVerification: false,
      summary: 'PM2.5 = 300',
      lon: me.lon,
      lat: me.lat,
      observedAt: new Date(),
      ...overrides,
    });
    const sensor = alert({});
    const sensorId = await intake.onAlertRaised(sensor);
    expect(await intake.onAlertRaised(sensor)).toBe(sensorId);
    expect((await dispatcher.get(`/api/v1/incidents/${sensorId}`)).body).toMatchObject({ status: 'dispatched', source: 'sensor', priority: 'high', assigneeWorkerId: me.id });
    expect(await actions(sensorId)).toEqual(['file', 'dispatch']);

    const video = await intake.onAlertRaised(alert({ source: 'video', family: 'video', incidentCategory: 'illegal_parking', needsVerification: true, threshold: null, severity: 'yellow' }));
    // A video detection is verified by the grid's supervisor, not by the grid worker.
    const videoIncident = (await dispatcher.get(`/api/v1/incidents/${video}`)).body;
    expect(videoIncident).toMatchObject({ status: 'verifying', source: 'video' });
    const { rows: duty } = await hub.database.pool.query('select duty from workers where id = $1', [videoIncident.verifierWorkerId]);
    expect(duty[0].duty).toBe('supervisor');

    const fire = await intake.onAlertRaised(alert({ source: 'emergency', family: 'emergency', incidentCategory: 'gas_leak', emergency: true, severity: 'yellow', threshold: null }));
    expect((await dispatcher.get(`/api/v1/incidents/${fire}`)).body).toMatchObject({ status: 'dispatched', priority: 'urgent', emergency: true, assigneeWorkerId: me.id });
  });

  it('reassigns a task nobody accepts to a backup, then alerts the shift lead — once', async () => {
    await setLimits('illegal_parking', { acceptMinutes: 0.02 }); // 1.2 s
    const me = w('worker03');
    const created = await report(dispatcher, { category: 'illegal_parking', lon: me.lon, lat: me.lat, source: 'superior' });
    expect(created).toMatchObject({ status: 'dispatched', assigneeWorkerId: me.id });
    const reassigned = await eventually(async () => {
      const i = (await dispatcher.get(`/api/v1/incidents/${created.id}`)).body;
      return i.assigneeWorkerId !== me.id ? i : undefined;
    }, 10_000, 'the reassignment');
    expect(reassigned).toMatchObject({ status: 'dispatched', reassignCount: 1 });
    await eventually(async () => ((await actions(created.id)).includes('escalate') ? true : undefined), 10_000, 'the escalation');
    await timersSettled(hub, acceptanceTimersOf(created.id), 'the acceptance timers');
    const trail = await actions(created.id);
    expect(trail.filter((a) => a === 'reassign')).toHaveLength(1);
    expect(trail.filter((a) => a === 'escalate')).toHaveLength(1);
    expect((await dispatcher.get(`/api/v1/incidents/${created.id}`)).body.escalatedAt).toEqual(expect.any(String));
  });

  it('warns at 50 % and 80 % of the handling time and marks the incident overdue, each once; a finished step cancels its timers', async () => {
    await setLimits('road_damage', { handleMinutes: { normal: 0.05 }, acceptMinutes: 60 }); // 3 s to handle
    const me = w('worker01');
    const late = await report(lead, { category: 'road_damage', lon: me.lon, lat: me.lat, source: 'superior' });
    const done = await report(lead, { category: 'road_damage', lon: me.lon, lat: me.lat, source: 'superior' });
    expect(late.status).toBe('dispatched');
    await ok(me.api, done.id, { action: 'accept' });
    await ok(me.api, done.id, { action: 'check_in', lon: me.lon, lat: me.lat });
    await ok(me.api, done.id, { action: 'handle', note: '已修复' });
    const timers = hub.app.get(DispatchTimers);
    const doneSeq = (await hub.database.pool.query('select step_seq from incidents where id = $1', [done.id])).rows[0].step_seq;
    expect(await timers.pending(stepTimerId(done.id, 'handle', doneSeq - 1, 100))).toBe(false);

    await eventually(async () => ((await dispatcher.get(`/api/v1/incidents/${late.id}`)).body.overdue ? true : undefined), 10_000, 'overdue');
    await timersSettled(hub, stepTimersOf(late.id, 'handle'), 'the handling timers');
    const trail = await history(late.id);
    expect(trail.filter((e) => e.action === 'supervise').map((e) => e.detail.percent)).toEqual([50, 80]);
    expect(trail.filter((e) => e.action === 'overdue')).toHaveLength(1);
    expect((await history(done.id)).some((e) => e.action === 'supervise' || e.action === 'overdue')).toBe(false);
    const overdueList = await dispatcher.get(`/api/v1/incidents?overdue=true&category=road_damage`);
    expect(overdueList.body.items.map((i: any) => i.id)).toEqual([late.id]);
  });

  it('refuses photos that are not images, keeps traversal-looking names harmless and shows photos only to those allowed', async () => {
    const me = w('worker01');
    const created = await report(me.api, { category: 'street_lamp', lon: me.lon, lat: me.lat });
    const token = await tokenOf('worker01', DEMO_WORKER_PASSWORD);
    const fake = await upload(token, created.id, Buffer.from('<?php system($_GET["c"]); ?>'), 'photo.jpg', 'image/jpeg');
    expect(fake.status).toBe(415);
    expect(fake.body.message).toMatch(/JPEG, PNG and WebP/);
    const big = await upload(token, created.id, Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]), 'big.png', 'image/png');
    expect(big.status).toBe(413);
    const sneaky = await upload(token, created.id, PNG, '../../../../tmp/evil.png', 'application/octet-stream');
    expect(sneaky.status).toBe(201);
    expect(sneaky.body).toMatchObject({ name: 'evil.png', contentType: 'image/png', sizeBytes: PNG.length });
    const stored = await readdir(join(env.config.dataDir, 'attachments'));
    expect(stored).toContain(`${sneaky.body.id}.png`);
    expect(stored.every((f) => /^[0-9a-f-]{36}\.(png|jpg|webp)$/.test(f))).toBe(true);
    expect(await readFile(join(env.config.dataDir, 'attachments', `${sneaky.body.id}.png`))).toEqual(PNG);

    const get = async (username: string, password: string) =>
      fetch(`http://127.0.0.1:${hub.httpPort}/api/v1/attachments/${sneaky.body.id}`, { headers: { authorization: `Bearer ${await tokenOf(username, password)}` } });
    const mine = await get('worker01', DEMO_WORKER_PASSWORD);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await mine.arrayBuffer())).toEqual(PNG);
    expect((await get(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password)).status).toBe(200);
    expect((await get('worker03', DEMO_WORKER_PASSWORD)).status).toBe(403);
    // A photo of one incident cannot be cited as evidence on another.
    const other = await report(dispatcher, { category: 'street_lamp', lon: me.lon + 0.002, lat: me.lat, source: 'public' });
    const sup = supervisor.user!.workerId;
    expect((await ok(dispatcher, other.id, { action: 'request_verification', workerId: sup })).verifierWorkerId).toBe(sup);
    const wrongIncident = await act(supervisor, other.id, { action: 'verify', valid: true, attachmentIds: [sneaky.body.id] });
    expect(wrongIncident.status).toBe(422);
    expect(wrongIncident.body.message).toMatch(/not photos of this incident/);
  });

  it('fires a timer once after a restart in the middle of it', async () => {
    await setLimits('hydrant', { handleMinutes: { high: 0.08 }, acceptMinutes: 60 }); // 4.8 s
    const me = w('worker02');
    const created = await report(lead, { category: 'hydrant', lon: me.lon, lat: me.lat, source: 'superior' });
    expect(created.status).toBe('dispatched');
    await hub.close();
    // Down for a second on purpose: the timers' clock runs on in Redis while no hub is there to fire them.
    await new Promise((r) => setTimeout(r, 1000));
    hub = await startHub(env.config);
    await login();
    await eventually(async () => ((await dispatcher.get(`/api/v1/incidents/${created.id}`)).body.overdue ? true : undefined), 15_000, 'overdue after the restart');
    await timersSettled(hub, stepTimersOf(created.id, 'handle'), 'the handling timers');
    const trail = await history(created.id);
    expect(trail.filter((e) => e.action === 'overdue')).toHaveLength(1);
    expect(trail.filter((e) => e.action === 'supervise').map((e) => e.detail.percent)).toEqual([50, 80]);
  });
});
