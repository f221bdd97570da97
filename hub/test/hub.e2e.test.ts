import { MqttClient } from 'mqtt';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { INCIDENT_TIMERS_QUEUE, stepTimerId } from '@gridhub/gridops';
import { startHub, RunningHub } from '../src/bootstrap';
import { DEMO_DISPATCHER, DEMO_WORKER_PASSWORD } from '../src/seed/demo-city';
import { Api, closed, connect, demoCredentials, DemoDeviceCredentials, eventually } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/**
 * The walking skeleton end to end, on the embedded TimescaleDB: a device publishes a breaching air reading
 * over MQTT; the incident appears in the API, located in its unit grid, and the grid's on-duty worker gets
 * the task on the tablet topic. Then the hub restarts and everything is still there.
 */
describe('hub end to end (embedded database)', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let devices: DemoDeviceCredentials[];
  let dispatcher: Api;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    env = await testEnv('embedded');
    hub = await startHub(env.config);
    devices = await demoCredentials(hub);
    dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await hub?.close();
    await env?.cleanup();
  });

  const device = (id: string) => devices.find((d) => d.id === id)!;
  const track = (client: MqttClient) => {
    clients.push(client);
    return client;
  };

  it('seeds the demo city on first start', async () => {
    const grids = await dispatcher.get('/api/v1/grids?level=grid');
    expect(grids.status).toBe(200);
    expect(grids.body.features.length).toBe(48);
    expect(grids.body.features[0].properties.code).toMatch(/^\d{15}$/);
    const districts = await dispatcher.get('/api/v1/grids?level=district');
    expect(districts.body.features.map((f: any) => f.properties.name).sort()).toEqual(['小店区', '迎泽区']);
    const list = await dispatcher.get('/api/v1/devices');
    expect(list.body.total).toBe(devices.length);
    expect(list.body.items.filter((d: any) => d.family === 'air')).toHaveLength(12);
    expect(list.body.items.every((d: any) => /^\d{15}$/.test(d.gridCode))).toBe(true);
    const workers = await dispatcher.get('/api/v1/workers');
    expect(workers.body.items.filter((w: any) => w.onDuty).length).toBeGreaterThanOrEqual(6);
  });

  it('turns a breaching air reading into an incident dispatched to the grid worker’s tablet', async () => {
    const station = device('air-001');
    const stationInfo = (await dispatcher.get(`/api/v1/devices/${station.id}`)).body;
    const worker = await Api.of(hub).login('worker01', DEMO_WORKER_PASSWORD);
    const workers = (await dispatcher.get('/api/v1/workers')).body.items;
    expect(workers.find((w: any) => w.id === worker.user!.workerId).gridCodes).toContain(stationInfo.gridCode);

    const tablet = track(await connect(hub, 'worker01', DEMO_WORKER_PASSWORD, 'tablet-worker01'));
    const tasks: any[] = [];
    tablet.on('message', (_topic, payload) => tasks.push(JSON.parse(payload.toString())));
    await tablet.subscribeAsync(`gridhub/v1/workers/${worker.user!.workerId}/tasks`, { qos: 1 });

    const sensor = track(await connect(hub, station.id, station.secret));
    const ts = new Date().toISOString();
    await sensor.publishAsync(`gridhub/v1/air/${station.id}/data`, JSON.stringify({ ts, readings: { pm25: 320, pm10: 410 } }), { qos: 1 });

    // Acknowledged means stored.
    const readings = await dispatcher.readings(station.id);
    expect(readings.map((r) => [r.metric, r.value]).sort()).toEqual([['pm10', 410], ['pm25', 320]]);

    const incident = await eventually(async () => {
      const open = await dispatcher.get('/api/v1/incidents?status=open');
      return open.body.items.find((i: any) => i.status === 'dispatched' && i.lon === stationInfo.lon);
    }, 10_000, 'the incident');
    expect(incident).toMatchObject({
      category: 'air_pollution',
      priority: 'high',
      source: 'sensor',
      gridCode: stationInfo.gridCode,
      assigneeWorkerId: worker.user!.workerId,
    });
    const task = await eventually(async () => tasks.find((t) => t.incidentId === incident.id), 10_000, 'the task on the tablet');
    expect(task).toMatchObject({ type: 'task.assigned', code: incident.code, gridCode: stationInfo.gridCode, priority: 'high' });

    const detail = await dispatcher.get(`/api/v1/incidents/${incident.id}`);
    expect(detail.body.events.map((e: any) => e.action)).toEqual(['file', 'dispatch']);

    // A second breach of the same situation refreshes the active alert: no second incident.
    await sensor.publishAsync(`gridhub/v1/air/${station.id}/data`, JSON.stringify({ ts: new Date(Date.now() + 1000).toISOString(), readings: { pm25: 330 } }), { qos: 1 });
    await new Promise((r) => setTimeout(r, 500));
    const after = await dispatcher.get('/api/v1/incidents?status=open');
    expect(after.body.items.filter((i: any) => i.lon === stationInfo.lon)).toHaveLength(1);
  });

  it('marks an incident overdue once when its BullMQ handling timer fires', async () => {
    const [listed] = (await dispatcher.get('/api/v1/incidents?status=dispatched')).body.items;
    const incident = (await dispatcher.get(`/api/v1/incidents/${listed.id}`)).body;
    expect(incident.overdue).toBe(false);
    // The dispatch scheduled the handling deadline hours ahead as a delayed job: make the real job fire now.
    const queue = hub.app.get<Queue>(getQueueToken(INCIDENT_TIMERS_QUEUE));
    const job = await queue.getJob(stepTimerId(incident.id, 'handle', incident.stepSeq, 100));
    expect(job).toBeDefined();
    expect(await job!.getState()).toBe('delayed');
    await job!.promote();
    const state = await eventually(async () => {
      const s = await job!.getState();
      return s === 'completed' || s === 'failed' ? s : undefined;
    }, 10_000, 'the handling-deadline job to finish');
    expect(state).toBe('completed');
    expect((await queue.getJob(job!.id!))!.returnvalue).toEqual({ changed: true });
    // The same timer added again (a retried schedule) is one job: it does not fire a second time.
    await queue.add(job!.name, job!.data, { jobId: job!.id });
    expect(await queue.getJob(job!.id!).then((j) => j!.getState())).toBe('completed');
    const detail = (await dispatcher.get(`/api/v1/incidents/${incident.id}`)).body;
    expect(detail.overdue).toBe(true);
    expect(detail.status).toBe('dispatched');
    expect(detail.events.filter((e: any) => e.action === 'overdue')).toHaveLength(1);
  });

  it('clears the alert when readings return below the threshold; a later breach is a new situation', async () => {
    const station = device('air-001');
    const sensor = track(await connect(hub, station.id, station.secret));
    const topic = `gridhub/v1/air/${station.id}/data`;
    const lon = (await dispatcher.get(`/api/v1/devices/${station.id}`)).body.lon;
    const incidentsHere = async () => (await dispatcher.get('/api/v1/incidents')).body.items.filter((i: any) => i.lon === lon);
    expect(await incidentsHere()).toHaveLength(1);
    await sensor.publishAsync(topic, JSON.stringify({ ts: new Date(Date.now() + 2000).toISOString(), readings: { pm25: 40 } }), { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    await sensor.publishAsync(topic, JSON.stringify({ ts: new Date(Date.now() + 3000).toISOString(), readings: { pm25: 280 } }), { qos: 1 });
    await eventually(async () => ((await incidentsHere()).length === 2 ? true : undefined), 10_000, 'a second incident');
  });

  it('sends a malformed message to dead letters while the rest of the batch lands', async () => {
    const station = device('air-002');
    const sensor = track(await connect(hub, station.id, station.secret));
    const topic = `gridhub/v1/air/${station.id}/data`;
    const ts = new Date().toISOString();
    await Promise.all([
      sensor.publishAsync(topic, JSON.stringify({ ts, readings: { pm25: 12 } }), { qos: 1 }),
      sensor.publishAsync(topic, JSON.stringify({ ts, readings: { pm25: 'high' } }), { qos: 1 }),
      sensor.publishAsync(topic, '{"ts": oops', { qos: 1 }),
      sensor.publishAsync(topic, JSON.stringify({ ts: new Date(Date.now() + 1).toISOString(), readings: { no2: 33 } }), { qos: 1 }),
    ]);
    const dead = await dispatcher.get(`/api/v1/dead-letters?deviceId=${station.id}`);
    expect(dead.body.items.map((d: any) => d.reason).sort()).toEqual([expect.stringMatching(/^not JSON/), 'readings.pm25: must be number']);
    expect(dead.body.items.find((d: any) => d.payload === '{"ts": oops')).toBeDefined();
    const readings = await dispatcher.readings(station.id);
    expect(readings.map((r) => r.metric).sort()).toEqual(['no2', 'pm25']);
  });

  it('refuses wrong credentials, other devices’ topics and other workers’ tasks', async () => {
    const station = device('air-003');
    await expect(connect(hub, station.id, 'not-the-secret')).rejects.toThrow(/Bad username or password|Not authorized/);
    await expect(connect(hub, 'air-999', 'whatever')).rejects.toThrow(/Bad username or password|Not authorized/);

    const sensor = track(await connect(hub, station.id, station.secret));
    const sessionEnded = closed(sensor);
    sensor.publish(`gridhub/v1/air/air-004/data`, JSON.stringify({ ts: new Date().toISOString(), readings: { pm25: 999 } }), { qos: 1 });
    await sessionEnded;
    expect(await dispatcher.readings('air-004')).toEqual([]);

    const worker02 = await Api.of(hub).login('worker02', DEMO_WORKER_PASSWORD);
    const worker01 = await Api.of(hub).login('worker01', DEMO_WORKER_PASSWORD);
    const tablet = track(await connect(hub, 'worker02', DEMO_WORKER_PASSWORD));
    const granted = await tablet
      .subscribeAsync(`gridhub/v1/workers/${worker01.user!.workerId}/tasks`, { qos: 1 })
      .catch((error: { packet?: { granted: number[] } }) => error.packet?.granted);
    expect(granted).toEqual([128]);
    const own = await tablet.subscribeAsync(`gridhub/v1/workers/${worker02.user!.workerId}/tasks`, { qos: 1 });
    expect(own.map((g) => g.qos)).toEqual([1]);
  });

  it('answers bad HTTP requests with a 4xx that says what is wrong', async () => {
    const anonymous = Api.of(hub);
    expect((await anonymous.get('/api/v1/incidents')).status).toBe(401);
    const wrong = await anonymous.request('POST', '/api/v1/auth/login', { username: 'dispatcher', password: 'nope' });
    expect(wrong).toMatchObject({ status: 401, body: { message: 'wrong username or password' } });
    const missing = await anonymous.request('POST', '/api/v1/auth/login', { username: 'dispatcher' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body.message)).toMatch(/password/);
    const badFamily = await dispatcher.get('/api/v1/devices?family=noise');
    expect(badFamily.status).toBe(400);
    expect(JSON.stringify(badFamily.body.message)).toMatch(/family must be one of/);
    expect((await dispatcher.get('/api/v1/incidents/not-a-uuid')).status).toBe(400);
    expect((await dispatcher.get('/api/v1/devices/nope')).status).toBe(404);
  });

  it('reports health, readiness, metrics and its OpenAPI document', async () => {
    const api = Api.of(hub);
    expect((await api.get('/health/live')).status).toBe(200);
    const ready = await api.get('/health/ready');
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: { status: 'up' }, redis: { status: 'up' }, broker: { status: 'up' } } } });
    const metrics = await api.get('/metrics');
    expect(metrics.body).toMatch(/gridhub_ingest_messages_total\{family="air",kind="data",outcome="stored"\} \d+/);
    expect(metrics.body).toMatch(/gridhub_mqtt_refusals_total\{action="connect"\} \d+/);
    const docs = await api.get('/api/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/v1/incidents', '/api/v1/devices', '/api/v1/auth/login']));
  });

  it('keeps devices, readings and incidents across a restart, without seeding twice', async () => {
    const before = {
      devices: (await dispatcher.get('/api/v1/devices')).body.total,
      incidents: (await dispatcher.get('/api/v1/incidents')).body.items.map((i: any) => i.code),
      readings: (await dispatcher.readings('air-001')).length,
    };
    expect(before.readings).toBeGreaterThan(0);
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await hub.close();

    hub = await startHub(env.config);
    dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    expect((await dispatcher.get('/api/v1/devices')).body.total).toBe(before.devices);
    expect((await dispatcher.get('/api/v1/incidents')).body.items.map((i: any) => i.code)).toEqual(before.incidents);
    expect((await dispatcher.readings('air-001')).length).toBe(before.readings);
    expect((await dispatcher.get('/api/v1/grids')).body.features.length).toBe(48);

    // The same device secret still works after the restart.
    const station = device('air-005');
    const sensor = track(await connect(hub, station.id, station.secret));
    await sensor.publishAsync(`gridhub/v1/air/${station.id}/data`, JSON.stringify({ ts: new Date().toISOString(), readings: { o3: 80 } }), { qos: 1 });
    expect(await dispatcher.readings(station.id)).toHaveLength(1);
  });
});
