import { MqttClient } from 'mqtt';
import { Queue } from 'bullmq';
import { Clock } from '@gridhub/ingest';
import { DispatchTimers, IncidentService, stepTimerId } from '@gridhub/gridops';
import { startHub, RunningHub } from '../src/bootstrap';
import {
  DEMO_ANALYST,
  DEMO_DISPATCHER,
  DEMO_SHIFT_LEAD,
  DEMO_SUPERVISOR_PASSWORD,
  DEMO_SUPERVISORS,
  DEMO_WORKER_PASSWORD,
} from '../src/seed/demo-city';
import { Api, connect, eventually } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/**
 * Working-time limits (工作时) and the supervisor (监督员) through the HTTP API, MQTT and BullMQ on PostgreSQL and
 * Redis: deadlines and supervision timers across the 2026 National Day holiday and on a make-up Saturday (调休),
 * the clock stopped by a suspension (挂账) and restarted, an extension in working hours, verification and
 * re-inspection refused to everyone but a supervisor, emergencies without verification on natural time.
 *
 * The grid-operations clock is set to chosen instants (the Clock provider exists for that); every other part —
 * database, timers in Redis, MQTT tasks — is real.
 */
describe('working time and the supervisor (PostgreSQL server path)', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let dispatcher: Api;
  let lead: Api;
  let analyst: Api;
  let clock: Clock;
  let queue: Queue;
  const clients: MqttClient[] = [];
  let place: { lon: number; lat: number };
  const realNow = Clock.prototype.now;

  const cst = (local: string) => new Date(`${local}+08:00`);
  const at = (local: string) => {
    const fixed = cst(local);
    clock.now = () => new Date(fixed.getTime());
  };
  const act = (api: Api, id: string, body: Record<string, unknown>) => api.request('POST', `/api/v1/incidents/${id}/actions`, body);
  const ok = async (api: Api, id: string, body: Record<string, unknown>) => {
    const res = await act(api, id, body);
    if (res.status !== 200) throw new Error(`${body['action']}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const report = async (api: Api, body: Record<string, unknown>) => {
    const res = await api.request('POST', '/api/v1/incidents', body);
    if (res.status !== 201) throw new Error(`report: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const history = async (id: string) => (await dispatcher.get(`/api/v1/incidents/${id}/history`)).body.items as any[];
  /** The account of a worker record, logged in. */
  const fieldApi = async (workerId: string) => {
    const { rows } = await hub.database.pool.query<{ username: string; role: string }>('select username, role from accounts where worker_id = $1', [workerId]);
    const { username, role } = rows[0]!;
    return Api.of(hub).login(username, role === 'supervisor' ? DEMO_SUPERVISOR_PASSWORD : DEMO_WORKER_PASSWORD);
  };
  /** When a supervision timer is due, from its delay in Redis (added at the clock's now). */
  const timerAt = async (id: string, addedAt: Date) => {
    const job = await queue.getJob(id);
    return job ? new Date(addedAt.getTime() + (job.opts.delay ?? 0)) : null;
  };
  const iso = (local: string) => cst(local).toISOString();

  beforeAll(async () => {
    env = await testEnv('server', { LOG_LEVEL: 'error' });
    hub = await startHub(env.config);
    // The grid-operations module's own Clock instance (its services share it).
    clock = (hub.app.get(IncidentService) as unknown as { clock: Clock }).clock;
    queue = (hub.app.get(DispatchTimers) as unknown as { queue: Queue }).queue;
    dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    lead = await Api.of(hub).login(DEMO_SHIFT_LEAD.username, DEMO_SHIFT_LEAD.password);
    analyst = await Api.of(hub).login(DEMO_ANALYST.username, DEMO_ANALYST.password);
    const worker = await Api.of(hub).login('worker01', DEMO_WORKER_PASSWORD);
    const { rows } = await hub.database.pool.query('select lon, lat from workers where id = $1', [worker.user!.workerId]);
    place = rows[0];
  });

  afterEach(() => {
    if (clock) clock.now = realNow;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await hub?.close();
    await env?.cleanup();
  });

  it('serves the working calendar: hours, holidays and make-up workdays', async () => {
    const res = await dispatcher.get('/api/v1/working-calendar?from=2026-09-01&to=2026-10-31');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ workingHours: '08:30-12:00,14:00-18:00', utcOffsetMinutes: 480, workdays: ['2026-09-20', '2026-10-10'] });
    expect(res.body.holidays).toEqual(expect.arrayContaining(['2026-10-01', '2026-10-07', '2026-09-25']));
    expect(res.body.names['2026-10-01']).toBe('国庆节');
    expect((await dispatcher.get('/api/v1/working-calendar?from=2026-10-31&to=2026-09-01')).status).toBe(400);
    expect((await dispatcher.get('/api/v1/working-calendar?from=yesterday')).status).toBe(400);
    const categories = (await dispatcher.get('/api/v1/incident-categories')).body.items as any[];
    expect(categories.find((c) => c.code === 'garbage_exposed')).toMatchObject({ aroundTheClock: false, basis: { handle: 'working', accept: 'working' } });
    expect(categories.find((c) => c.code === 'gas_leak')).toMatchObject({ aroundTheClock: true });
  });

  it('carries a task dispatched before the National Day holiday over it, supervision points included', async () => {
    at('2026-09-30T17:30:00');
    const added = clock.now();
    // A task from above is filed and dispatched at once; exposed garbage: 240 working minutes to handle.
    const incident = await report(analyst, { category: 'garbage_exposed', title: '节前暴露垃圾', lon: place.lon, lat: place.lat, source: 'superior' });
    expect(incident).toMatchObject({ status: 'dispatched', stepBasis: 'working' });
    // 30 minutes on 30 Sep, the other 210 on Thursday 8 Oct after the week off.
    expect(incident.dueAt).toBe(iso('2026-10-08T12:00:00'));
    expect(incident.acceptDueAt).toBe(iso('2026-09-30T18:00:00'));
    expect(await timerAt(stepTimerId(incident.id, 'handle', incident.stepSeq, 50), added)).toEqual(cst('2026-10-08T10:00:00'));
    expect(await timerAt(stepTimerId(incident.id, 'handle', incident.stepSeq, 80), added)).toEqual(cst('2026-10-08T11:12:00'));
    expect(await timerAt(stepTimerId(incident.id, 'handle', incident.stepSeq, 100), added)).toEqual(cst('2026-10-08T12:00:00'));
    const dispatch = (await history(incident.id)).find((e) => e.action === 'dispatch');
    expect(dispatch.detail).toMatchObject({ basis: 'working', dueAt: iso('2026-10-08T12:00:00') });

    // The same report on natural time (a city that sets the limit so) is due 4 h later, in the holiday.
    expect((await Api.of(hub).login('admin', 'test-admin-password').then((a) => a.request('PATCH', '/api/v1/incident-categories/garbage_overflow', { basis: { handle: 'natural' } }))).status).toBe(200);
    const natural = await report(analyst, { category: 'garbage_overflow', lon: place.lon, lat: place.lat, source: 'superior' });
    expect(natural).toMatchObject({ stepBasis: 'natural', dueAt: iso('2026-09-30T21:30:00') });
  });

  it('counts a make-up Saturday (调休) as a workday', async () => {
    at('2026-10-09T17:00:00'); // Friday
    const incident = await report(analyst, { category: 'garbage_exposed', lon: place.lon, lat: place.lat, source: 'superior' });
    // One hour on Friday, then Saturday 10 Oct from 08:30 (worked instead of a holiday).
    expect(incident.dueAt).toBe(iso('2026-10-10T11:30:00'));
    at('2026-10-16T17:00:00'); // the next Friday: an ordinary weekend is skipped
    const later = await report(analyst, { category: 'garbage_exposed', lon: place.lon, lat: place.lat, source: 'superior' });
    expect(later.dueAt).toBe(iso('2026-10-19T11:30:00'));
  });

  it('stops the clock for a suspension (挂账) approved by the shift lead, restarts it on resume, extends in working hours', async () => {
    at('2026-10-13T09:00:00'); // Tuesday
    const incident = await report(analyst, { category: 'garbage_exposed', lon: place.lon, lat: place.lat, source: 'superior' });
    const id = incident.id;
    expect(incident.dueAt).toBe(iso('2026-10-13T15:00:00'));
    const worker = await fieldApi(incident.assigneeWorkerId);
    await ok(worker, id, { action: 'accept' });

    at('2026-10-13T10:00:00'); // 60 of 240 working minutes used
    expect((await act(worker, id, { action: 'request_suspension' })).status).toBe(400); // a reason is needed
    await ok(worker, id, { action: 'request_suspension', reason: '需待园林部门审批后清运' });
    expect((await act(dispatcher, id, { action: 'approve_suspension' })).status).toBe(403);
    const stopped = await ok(lead, id, { action: 'approve_suspension' });
    expect(stopped).toMatchObject({ suspendedAt: iso('2026-10-13T10:00:00'), suspensionPending: null, suspensionCount: 1 });
    expect(stopped.suspension).toMatchObject({ reason: '需待园林部门审批后清运', approvedBy: 'shiftlead', elapsedMinutes: 60, remainingMinutes: 180, basis: 'working' });
    // No supervision timers while stopped; no extension either.
    for (const percent of [50, 80, 100]) expect(await queue.getJob(stepTimerId(id, 'handle', incident.stepSeq, percent))).toBeUndefined();
    expect(await queue.getJob(stepTimerId(id, 'handle', stopped.stepSeq, 100))).toBeUndefined();
    expect((await act(worker, id, { action: 'request_extension', hours: 2, reason: 'x' })).status).toBe(409);
    expect((await act(lead, id, { action: 'approve_suspension' })).status).toBe(409);

    at('2026-10-14T09:00:00'); // Wednesday: stopped for 120 + 240 + 30 working minutes
    const resumed = await ok(dispatcher, id, { action: 'resume' });
    expect(resumed).toMatchObject({ suspendedAt: null, suspension: null, suspendedMinutes: 390, overdue: false });
    expect(resumed.dueAt).toBe(iso('2026-10-14T12:00:00')); // the 180 minutes left, from now
    expect(resumed.stepStartedAt).toBe(iso('2026-10-13T17:30:00')); // the 60 used, before now
    // 50 % of the 240 minutes falls at 10:00, as the clock would have put it without the stop.
    expect(await timerAt(stepTimerId(id, 'handle', resumed.stepSeq, 50), clock.now())).toEqual(cst('2026-10-14T10:00:00'));
    expect((await act(dispatcher, id, { action: 'resume' })).status).toBe(409);

    // 延期 of two hours: working hours, so past the lunch break to 16:00.
    await ok(worker, id, { action: 'request_extension', hours: 2, reason: '需要增派车辆' });
    const extended = await ok(lead, id, { action: 'approve_extension' });
    expect(extended.dueAt).toBe(iso('2026-10-14T16:00:00'));
    expect(await timerAt(stepTimerId(id, 'handle', extended.stepSeq, 100), clock.now())).toEqual(cst('2026-10-14T16:00:00'));

    // A refused request leaves the clock running.
    await ok(worker, id, { action: 'request_suspension', reason: '再等等' });
    const refused = await ok(lead, id, { action: 'refuse_suspension' });
    expect(refused).toMatchObject({ suspendedAt: null, suspensionPending: null, suspensionCount: 1 });

    const trail = await history(id);
    expect(trail.map((e) => e.action)).toEqual([
      'file', 'dispatch', 'accept', 'request_suspension', 'approve_suspension', 'resume', 'request_extension', 'approve_extension',
      'request_suspension', 'refuse_suspension',
    ]);
    expect(trail.find((e) => e.action === 'approve_suspension')).toMatchObject({
      actor: 'shiftlead',
      note: '需待园林部门审批后清运',
      detail: { clock: 'stopped', elapsedMinutes: 60, remainingMinutes: 180, basis: 'working' },
    });
    expect(trail.find((e) => e.action === 'resume')).toMatchObject({
      actor: 'dispatcher',
      detail: { clock: 'restarted', stoppedMinutes: 390, previousDueAt: iso('2026-10-13T15:00:00'), dueAt: iso('2026-10-14T12:00:00') },
    });
    expect(trail.find((e) => e.action === 'approve_extension').detail).toMatchObject({ basis: 'working', hours: 2, dueAt: iso('2026-10-14T16:00:00') });
  });

  it('has a supervisor verify a hotline report before filing and re-inspect after handling; refuses everyone else', async () => {
    const created = await report(dispatcher, { category: 'street_vending', description: '早市占道', lon: place.lon, lat: place.lat, source: 'hotline' });
    const id = created.id;
    // Filing before verification is refused.
    const early = await act(lead, id, { action: 'file' });
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/supervisor has verified/);

    // Asking a grid worker to verify is refused: verification is the supervision centre's.
    const gridWorker = await Api.of(hub).login('worker01', DEMO_WORKER_PASSWORD);
    expect((await act(dispatcher, id, { action: 'request_verification', workerId: gridWorker.user!.workerId })).status).toBe(422);
    // Supervisors get their tasks on their MQTT topic, like grid workers.
    const tasks: any[] = [];
    for (const username of DEMO_SUPERVISORS.map((s) => s.username)) {
      const api = await Api.of(hub).login(username, DEMO_SUPERVISOR_PASSWORD);
      const client = await connect(hub, username, DEMO_SUPERVISOR_PASSWORD, `tablet-${username}-${Date.now()}`);
      clients.push(client);
      client.on('message', (_topic, payload) => tasks.push({ ...JSON.parse(payload.toString()), to: username }));
      await client.subscribeAsync(`gridhub/v1/workers/${api.user!.workerId}/tasks`, { qos: 1 });
    }
    const verifying = await ok(dispatcher, id, { action: 'request_verification' });
    const supervisor = await fieldApi(verifying.verifierWorkerId);
    expect(supervisor.user!.role).toBe('supervisor');
    const task = await eventually(async () => tasks.find((t) => t.incidentId === id && t.step === 'verify'), 5000, 'the verification task');
    expect(task.to).toBe(supervisor.user!.username);

    for (const api of [gridWorker, lead, dispatcher]) {
      expect((await act(api, id, { action: 'verify', valid: true })).status).toBe(403);
    }
    await ok(supervisor, id, { action: 'verify', valid: true, note: '现场属实', lon: place.lon, lat: place.lat });

    const filed = await ok(lead, id, { action: 'file' });
    expect(filed.status).toBe('dispatched');
    const handler = await fieldApi(filed.assigneeWorkerId);
    expect(handler.user!.role).toBe('grid_worker');
    await ok(handler, id, { action: 'accept' });
    await ok(handler, id, { action: 'check_in', lon: place.lon, lat: place.lat });
    const handled = await ok(handler, id, { action: 'handle', note: '已劝离' });
    expect(handled.status).toBe('reinspecting');
    const reinspector = await fieldApi(handled.reinspectorWorkerId);
    expect(reinspector.user!.role).toBe('supervisor');

    for (const api of [handler, lead, dispatcher]) {
      expect((await act(api, id, { action: 'reinspect_pass' })).status).toBe(403);
      expect((await act(api, id, { action: 'reinspect_fail', reason: 'x' })).status).toBe(403);
    }
    await ok(reinspector, id, { action: 'reinspect_pass', note: '核查通过' });
    expect((await ok(lead, id, { action: 'close' })).status).toBe('closed');
    const trail = await history(id);
    expect(trail.find((e) => e.action === 'verify')).toMatchObject({ actor: supervisor.user!.username, detail: { role: 'supervisor', valid: true } });
    expect(trail.find((e) => e.action === 'reinspect_pass')).toMatchObject({ detail: { role: 'supervisor' } });
    // A supervisor is never dispatched to handle: dispatching to one is refused.
    const other = await report(analyst, { category: 'garbage_exposed', lon: place.lon, lat: place.lat, source: 'superior' });
    expect((await act(dispatcher, other.id, { action: 'dispatch', workerId: supervisor.user!.workerId })).status).toBe(422);
  });

  it('lets emergencies skip verification and run on natural time', async () => {
    at('2026-10-01T03:00:00'); // a holiday night
    const incident = await report(dispatcher, { category: 'gas_leak', lon: place.lon, lat: place.lat, source: 'public' });
    expect(incident).toMatchObject({ status: 'dispatched', emergency: true, priority: 'urgent', verifierWorkerId: null, stepBasis: 'natural' });
    expect(incident.verifiedAt).toBe(iso('2026-10-01T03:00:00'));
    expect(incident.dueAt).toBe(iso('2026-10-01T03:30:00')); // 30 natural minutes
    expect((await history(incident.id)).map((e) => e.action)).toEqual(['file', 'dispatch']);
  });
});
