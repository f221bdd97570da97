import { startHub, RunningHub } from '../src/bootstrap';
// The simulators are a command-line package that the hub does not depend on; the test reaches their sources
// directly (tsconfig.test.json maps only ingest, gridops and hub).
import { chemicalFire, flood, Fleet, HubApi, registerDevices, runScenario, ScenarioReport, SimClock, SimDevice } from '@gridhub/simulators';
import { Api, demoCredentials, eventually, mqttUrl } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/**
 * The simulators against a real hub (PostgreSQL server path, demo city seeded): a fleet burst lands without
 * dead letters, and short scenarios produce the alerts and incidents their stories are about.
 */
describe('simulators against a hub', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let dispatcher: Api;
  let secrets: Map<string, string>;
  let devices: SimDevice[];
  const log: string[] = [];

  beforeAll(async () => {
    env = await testEnv('server', { GRIDHUB_SEED_DEMO: 'true' });
    hub = await startHub(env.config);
    dispatcher = await Api.of(hub).login('dispatcher', 'Dispatch-2026');
    secrets = new Map((await demoCredentials(hub)).map((c) => [c.id, c.secret]));
    devices = await (await new HubApi(`http://127.0.0.1:${hub.httpPort}`).login('dispatcher', 'Dispatch-2026')).devices();
  });

  afterAll(async () => {
    await hub?.close();
    await env?.cleanup();
  });

  // First: a story replayed over the past needs stations without newer data (rules follow device time).
  it('flood: the storm lifts the river over its warning level and the hub raises water alerts and incidents', async () => {
    const report = await runScenario(flood, {
      httpUrl: `http://127.0.0.1:${hub.httpPort}`,
      mqttUrl: mqttUrl(hub),
      secrets,
      wallSeconds: 5,
      settleSeconds: 4,
      tablets: 0,
      log: (line) => log.push(line),
    });
    expect(report.fleet.failed).toBe(0);
    expect(report.observed.filter((line) => line.includes('over warning'))).toHaveLength(3);
    expect(report.alerts).not.toBeNull();
    // The level over the warning level files flood-warning incidents in the stations' (riverside) unit grids;
    // NH3-N worse than class V after the first flush files water-pollution incidents there too.
    const riverside = new Set(devices.filter((d) => d.family === 'water').map((d) => (d as SimDevice & { gridCode: string }).gridCode));
    const floodWarnings = report.incidents.filter((i) => i.category === 'flood_warning');
    expect(floodWarnings.length).toBeGreaterThanOrEqual(3);
    for (const i of floodWarnings) {
      expect(i.source).toBe('sensor');
      expect(riverside).toContain(i.gridCode);
      expect(i.status).toBe('dispatched'); // a sensor breach is its own verification
    }
    expect(report.incidents.some((i) => i.category === 'water_pollution')).toBe(true);
    const levelAlerts = report.alerts!.filter((a) => a.raw['metric'] === 'level_m' && Number(a.raw['threshold']) === 777.5);
    expect(new Set(levelAlerts.map((a) => a.deviceId))).toEqual(new Set(['water-001', 'water-002', 'water-003']));
    // The level fell back below the clear level by the end of the story: the warnings are cleared (and CAP says Cancel).
    for (const a of levelAlerts) expect(a.state).toBe('cleared');
    const cap = report.cap.filter((c) => c.status === 200 && c.identifier);
    expect(cap.length).toBeGreaterThan(0);
    const doc = await dispatcher.request('GET', `/api/v1/alerts/${levelAlerts[0]!.id}/cap`);
    expect(doc.status).toBe(200);
    expect(String(doc.body)).toContain('<identifier>');
  });

  let fire: ScenarioReport;
  /** Handled, and maybe re-inspected, closed and evaluated by the simulated shift lead since. */
  const AFTER_HANDLING = ['handled', 'reinspecting', 'closed', 'evaluated'];

  it('chemical-fire: smoke detections and a gas alarm become an emergency incident dispatched without verification', async () => {
    fire = await runScenario(chemicalFire, {
      httpUrl: `http://127.0.0.1:${hub.httpPort}`,
      mqttUrl: mqttUrl(hub),
      secrets,
      wallSeconds: 4,
      settleSeconds: 10,
      tablets: 7,
      log: (line) => log.push(line),
    });
    expect(fire.fleet.failed).toBe(0);
    expect(fire.fleet.events).toMatchObject({ smoke_fire: 4, smoke_alarm: 1, gas_leak: 1, restore: 2 });
    expect(fire.incidents.length).toBeGreaterThan(0);
    const emergencies = fire.incidents.filter((i) => i.priority === 'urgent');
    expect(emergencies.length).toBeGreaterThan(0);
    for (const incident of emergencies) {
      // Emergencies skip verification (docs/domain/governance.md): never left in reported/verifying.
      expect(['reported', 'verifying']).not.toContain(incident.status);
      const trail = await dispatcher.get(`/api/v1/incidents/${incident.id}`);
      expect(trail.status).toBe(200);
    }
    // Repeated detections of one situation are merged: fewer incidents than smoke detections.
    expect(fire.incidents.length).toBeLessThan(6);
    const dead = await dispatcher.get('/api/v1/dead-letters?limit=100');
    expect(dead.body.items).toEqual([]);
  });

  it('chemical-fire: the worker tablets work the emergency: accept, walk, check in, handle with a photo', async () => {
    const worked = fire.tablets.filter((t) => t.stats.tasks > 0);
    expect(worked.length).toBeGreaterThan(0);
    const handled = worked.reduce((n, t) => n + t.stats.handled, 0);
    expect(handled).toBeGreaterThan(0);
    expect(worked.reduce((n, t) => n + t.stats.locations, 0)).toBeGreaterThan(0);
    const done = await eventually(async () => {
      const list = await dispatcher.get('/api/v1/incidents?limit=100');
      const mine = (list.body.items as { id: string; status: string; priority: string }[]).filter((i) => i.priority === 'urgent');
      return mine.some((i) => AFTER_HANDLING.includes(i.status)) ? mine : undefined;
    }, 10_000, 'a handled emergency incident');
    const handledIncident = done.find((i) => AFTER_HANDLING.includes(i.status))!;
    const photos = await dispatcher.get(`/api/v1/incidents/${handledIncident.id}/attachments`);
    expect(photos.status).toBe(200);
    expect(photos.body.items.length).toBeGreaterThan(0);
    expect(photos.body.items[0].contentType).toBe('image/png');
  });

  it('publishes two hours of the whole demo fleet over QoS 1: every message acknowledged and stored, no dead letters', async () => {
    // Two more devices registered on the fly through the API (admin), run beside the seeded ones.
    const admin = await new HubApi(`http://127.0.0.1:${hub.httpPort}`).login('admin', 'test-admin-password');
    const extra = await registerDevices(admin, { air: 1, emergency: 1 }, 'e2e', [112.547, 37.851, 112.554, 37.855]);
    expect(extra.devices.map((d) => d.id)).toEqual(['e2e-air-001', 'e2e-emergency-001']);
    for (const c of extra.credentials) secrets.set(c.id, c.secret);
    const now = Date.now();
    const startedAt = now - 1000;
    const fleet = new Fleet({
      seed: 1,
      mqttUrl: mqttUrl(hub),
      devices: [...devices.filter((d) => secrets.has(d.id)), ...extra.devices],
      secrets,
      clock: new SimClock(new Date(now - 2 * 3_600_000), 1),
      intervals: { air: 600, water: 900, video: 1800, emergency: 1800 },
      videoRateScale: 4,
      emergencyRateScale: 0,
      environment: { smogPerDay: 0, stormsPerDay: 0 },
      summaryEveryS: 0,
      log: (line) => log.push(line),
    });
    await fleet.connect();
    const sent = await fleet.publishUntil(new Date(now));
    await fleet.stop();
    expect(fleet.city.devices()).toHaveLength(25);
    expect(fleet.stats.failed).toBe(0);
    expect(fleet.stats.acked).toBe(fleet.stats.sent);
    const airMessages = sent.filter((m) => m.deviceId === 'air-001' && m.kind === 'data');
    expect(airMessages.length).toBe(12);
    const metrics = Object.keys(airMessages[0]!.payload['readings'] as object).length;
    // Acknowledged means durable: the readings are there at once (those received during this burst).
    const received = async (deviceId: string) =>
      (await dispatcher.readings(deviceId)).filter((p) => new Date((p as { receivedAt?: string }).receivedAt ?? 0).getTime() >= startedAt);
    expect(await received('air-001')).toHaveLength(12 * metrics);
    expect((await received('e2e-air-001')).length).toBe(12 * Object.keys(sent.find((m) => m.deviceId === 'e2e-air-001')!.payload['readings'] as object).length);
    const water = sent.filter((m) => m.deviceId === 'water-002' && m.kind === 'data');
    expect(water.length).toBeGreaterThan(0);
    expect(await received('water-002')).toHaveLength(water.length * 13);
    expect(sent.some((m) => m.kind === 'event')).toBe(true);
    const dead = await dispatcher.get('/api/v1/dead-letters?limit=100');
    expect(dead.status).toBe(200);
    expect(dead.body.items).toEqual([]);
    // The fleet said goodbye: each device's retained status is offline now, after it was heard from.
    const cam = await eventually(async () => {
      const res = await dispatcher.get('/api/v1/devices/cam-001');
      return res.body.online === false ? res.body : undefined;
    }, 5000, 'cam-001 offline after the fleet stopped');
    expect(cam.lastSeenAt).not.toBeNull();
  });

  it('reconnects after the hub drops a device and resends what was not acknowledged; the will says offline meanwhile', async () => {
    const admin = await Api.of(hub).login('admin', 'test-admin-password');
    const now = Date.now();
    const fleet = new Fleet({
      seed: 3,
      mqttUrl: mqttUrl(hub),
      devices: devices.filter((d) => d.id === 'air-012'),
      secrets,
      clock: new SimClock(new Date(now - 30 * 60_000), 1),
      intervals: { air: 60 },
      environment: { smogPerDay: 0, stormsPerDay: 0 },
      summaryEveryS: 0,
      log: (line) => log.push(line),
    });
    await fleet.connect();
    await fleet.publishUntil(new Date(now - 20 * 60_000));
    const before = (await dispatcher.readings('air-012')).length;
    // Disabling ends the device's session at once (its will: offline); it keeps trying to come back.
    expect((await admin.request('POST', '/api/v1/devices/air-012/disable', {})).status).toBe(200);
    await eventually(async () => ((await dispatcher.get('/api/v1/devices/air-012')).body.online === false ? true : undefined), 5000, 'air-012 offline');
    const pending = fleet.publishUntil(new Date(now - 10 * 60_000)); // queued while the session is down
    // The fleet has tried to come back and holds unacknowledged messages: re-enable the device now.
    await eventually(async () => (fleet.stats.reconnects > 0 && fleet.stats.inFlight > 0 ? true : undefined), 10_000, 'messages held while refused');
    expect((await admin.request('POST', '/api/v1/devices/air-012/enable', {})).status).toBe(200);
    const sent = await pending;
    await fleet.stop();
    expect(sent.length).toBe(10);
    expect(fleet.stats.reconnects).toBeGreaterThan(0);
    expect(fleet.stats.failed).toBe(0);
    const metrics = Object.keys(sent[0]!.payload['readings'] as object).length;
    expect((await dispatcher.readings('air-012')).length).toBe(before + 10 * metrics);
  });

  afterAll(() => {
    if (process.env['GRIDHUB_TEST_VERBOSE']) process.stdout.write(log.join('\n') + '\n');
  });
});
