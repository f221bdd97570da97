import { startHub, RunningHub } from '../src/bootstrap';
import { DEMO_DISPATCHER } from '../src/seed/demo-city';
import { Api, connect, demoCredentials, eventually } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/**
 * Accounts confined to a district see and act only there: incidents, alerts and devices outside it are left out
 * of lists and refused one by one, naming the account's area.
 */
describe('grid scope of accounts', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let cityDispatcher: Api;
  let districtDispatcher: Api;
  let districts: string[];
  const incidents: Record<string, { id: string; gridCode: string }> = {};

  beforeAll(async () => {
    env = await testEnv('server');
    hub = await startHub(env.config);
    cityDispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    const admin = await Api.of(hub).login('admin', 'test-admin-password');
    districts = (await admin.get('/api/v1/grids?level=district')).body.features.map((f: any) => f.properties.code).sort();
    const created = await admin.request('POST', '/api/v1/accounts', {
      username: 'district-dispatcher',
      password: 'District-2026',
      role: 'dispatcher',
      displayName: '区调度员',
      gridScope: districts[0],
    });
    expect(created.status).toBe(201);
    districtDispatcher = await Api.of(hub).login('district-dispatcher', 'District-2026');
    const devices = (await cityDispatcher.get('/api/v1/devices?family=air')).body.items as { lon: number; lat: number; gridCode: string }[];
    for (const district of districts) {
      const at = devices.find((d) => d.gridCode.startsWith(district))!;
      const res = await cityDispatcher.request('POST', '/api/v1/incidents', { category: 'road_damage', lon: at.lon, lat: at.lat, source: 'public', description: `路面破损 ${district}` });
      expect(res.status).toBe(201);
      incidents[district] = { id: res.body.id, gridCode: res.body.gridCode };
    }
  });

  afterAll(async () => {
    await hub?.close();
    await env?.cleanup();
  });

  it('lists only what lies in the account’s district', async () => {
    const [mine, other] = districts as [string, string];
    const listed = (await districtDispatcher.get('/api/v1/incidents?limit=200')).body.items.map((i: any) => i.id);
    expect(listed).toContain(incidents[mine]!.id);
    expect(listed).not.toContain(incidents[other]!.id);
    const all = (await cityDispatcher.get('/api/v1/incidents?limit=200')).body.items.map((i: any) => i.id);
    expect(all).toEqual(expect.arrayContaining([incidents[mine]!.id, incidents[other]!.id]));

    const outsideStations = ((await cityDispatcher.get(`/api/v1/devices?family=air&gridCode=${other}`)).body.items as { id: string }[]).map((d) => d.id);
    const devices = (await districtDispatcher.get('/api/v1/devices')).body.items as { gridCode: string }[];
    expect(devices.length).toBeGreaterThan(0);
    expect(devices.every((d) => d.gridCode.startsWith(mine))).toBe(true);
    // A PM2.5 breach at a station in the other district raises an alert the city sees and the district does not.
    const station = (await demoCredentials(hub)).find((d) => d.family === 'air' && outsideStations.includes(d.id))!;
    const client = await connect(hub, station.id, station.secret);
    await client.publishAsync(`gridhub/v1/air/${station.id}/data`, JSON.stringify({ ts: new Date().toISOString(), readings: { pm25: 320 } }), { qos: 1 });
    await client.endAsync();
    const raised = await eventually(
      async () => ((await cityDispatcher.get(`/api/v1/alerts?deviceId=${station.id}&status=active`)).body.items as { id: string; gridCode: string }[])[0],
      10_000,
      'the alert',
    );
    expect(raised.gridCode.startsWith(other)).toBe(true);
    const alerts = (await districtDispatcher.get('/api/v1/alerts?limit=500')).body.items as { id: string; gridCode: string | null }[];
    expect(alerts.map((a) => a.id)).not.toContain(raised.id);
    expect(alerts.every((a) => a.gridCode?.startsWith(mine))).toBe(true);
    expect((await districtDispatcher.get(`/api/v1/alerts/${raised.id}`)).status).toBe(403);
    expect((await districtDispatcher.request('POST', `/api/v1/alerts/${raised.id}/acknowledge`)).status).toBe(403);
  });

  it('refuses reading or acting on what lies outside, naming the account’s area', async () => {
    const [mine, other] = districts as [string, string];
    const read = await districtDispatcher.get(`/api/v1/incidents/${incidents[other]!.id}`);
    expect(read.status).toBe(403);
    expect(read.body.message).toMatch(new RegExp(`outside your area: your account is limited to grid ${mine}`));
    const act = await districtDispatcher.request('POST', `/api/v1/incidents/${incidents[other]!.id}/actions`, { action: 'request_verification' });
    expect(act.status).toBe(403);
    expect((await districtDispatcher.get(`/api/v1/incidents/${incidents[other]!.id}/history`)).status).toBe(403);
    expect((await districtDispatcher.get(`/api/v1/incidents/${incidents[mine]!.id}`)).status).toBe(200);
    const outside = (await cityDispatcher.get(`/api/v1/devices?gridCode=${other}`)).body.items[0];
    expect((await districtDispatcher.get(`/api/v1/devices/${outside.id}`)).status).toBe(403);
    const inside = (await cityDispatcher.get(`/api/v1/devices?gridCode=${mine}`)).body.items[0];
    expect((await districtDispatcher.get(`/api/v1/devices/${inside.id}`)).status).toBe(200);
  });
});
