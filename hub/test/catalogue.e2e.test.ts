import { startHub, RunningHub } from '../src/bootstrap';
import { DEMO_ANALYST } from '../src/seed/demo-city';
import { Api } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/**
 * The shared resource catalogue: a department sees its own resources and the shared ones; another department's
 * conditional resource only through a request its owner approved, until the approval expires. Every look-up is audited.
 */
describe('resource catalogue and per-department access', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let admin: Api;
  let police: Api; // owner of the cameras
  let water: Api; // another department
  let noDepartment: Api;

  const account = async (username: string, departmentCode: string | null) => {
    const res = await admin.request('POST', '/api/v1/accounts', {
      username,
      password: 'Catalogue-2026',
      role: 'bureau_analyst',
      displayName: username,
      ...(departmentCode ? { departmentCode } : {}),
    });
    if (res.status !== 201) throw new Error(`account ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return Api.of(hub).login(username, 'Catalogue-2026');
  };

  beforeAll(async () => {
    env = await testEnv('server');
    hub = await startHub(env.config);
    admin = await Api.of(hub).login('admin', 'test-admin-password');
    police = await account('police-analyst', 'public_security');
    water = await account('water-analyst', 'water_bureau');
    noDepartment = await account('plain-analyst', null);
  });

  afterAll(async () => {
    await hub?.close();
    await env?.cleanup();
  });

  it('lists every registered device with its owner, class, grid and online state; links only where the viewer has access', async () => {
    expect((await admin.request('POST', '/api/v1/accounts', { username: 'x-bad', password: 'Catalogue-2026', role: 'dispatcher', displayName: 'x', departmentCode: 'nope' })).status).toBe(400);
    const all = (await admin.get('/api/v1/catalogue')).body;
    const devices = (await admin.get('/api/v1/devices?limit=500')).body;
    expect(all.total).toBe(devices.total);
    const cam = all.items.find((i: any) => i.deviceId === 'cam-001');
    expect(cam).toMatchObject({ family: 'video', ownerDepartment: 'public_security', ownerNameZh: '公安分局', accessClass: 'conditional', access: 'admin' });
    expect(cam.streams.gb28181Channel).toMatch(/^\d{20}$/);
    expect(cam.gridCode).toMatch(/^\d{15}$/);
    const air = all.items.find((i: any) => i.deviceId === 'air-001');
    expect(air).toMatchObject({ ownerDepartment: 'environment_bureau', accessClass: 'shared' });

    const seenByWater = (await water.get('/api/v1/catalogue?family=video')).body.items as any[];
    expect(seenByWater.length).toBeGreaterThan(0);
    for (const item of seenByWater) expect(item).toMatchObject({ access: null, streams: null });
    const ownByPolice = (await police.get('/api/v1/catalogue?family=video')).body.items as any[];
    for (const item of ownByPolice) expect(item.access).toBe('own');
    const sharedForWater = (await water.get('/api/v1/catalogue?family=air&accessible=true')).body.items as any[];
    expect(sharedForWater.length).toBeGreaterThan(0);
    for (const item of sharedForWater) expect(item.access).toBe('shared');
    expect((await water.get('/api/v1/catalogue?family=smoke')).status).toBe(400);
  });

  it('refuses another department’s camera without an approved request, grants it with one, refuses it after the expiry', async () => {
    expect((await water.get('/api/v1/catalogue/cam-001')).status).toBe(403);
    expect((await police.get('/api/v1/catalogue/cam-001')).status).toBe(200);
    // Asking: a reason is needed; an account without a department cannot ask; shared resources need no request.
    expect((await water.request('POST', '/api/v1/catalogue/access-requests', { deviceId: 'cam-001' })).status).toBe(400);
    expect((await noDepartment.request('POST', '/api/v1/catalogue/access-requests', { deviceId: 'cam-001', reason: '防汛' })).status).toBe(400);
    expect((await water.request('POST', '/api/v1/catalogue/access-requests', { deviceId: 'air-001', reason: '防汛' })).status).toBe(400);
    const asked = await water.request('POST', '/api/v1/catalogue/access-requests', { deviceId: 'cam-001', reason: '防汛值守需要查看汾河沿岸视频' });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ status: 'pending', departmentCode: 'water_bureau', ownerDepartment: 'public_security', active: false });
    expect((await water.request('POST', '/api/v1/catalogue/access-requests', { deviceId: 'cam-001', reason: 'again' })).status).toBe(409);
    expect((await water.get('/api/v1/catalogue/cam-001')).status).toBe(403); // pending is not approved

    // Only the owner (or an administrator) decides; an approval needs an end in the future.
    const id = asked.body.id as string;
    const until = new Date(Date.now() + 4_000).toISOString();
    expect((await water.request('POST', `/api/v1/catalogue/access-requests/${id}/decision`, { decision: 'approve', expiresAt: until })).status).toBe(403);
    expect((await police.request('POST', `/api/v1/catalogue/access-requests/${id}/decision`, { decision: 'approve' })).status).toBe(400);
    expect((await police.request('POST', `/api/v1/catalogue/access-requests/${id}/decision`, { decision: 'approve', expiresAt: new Date(Date.now() - 1000).toISOString() })).status).toBe(400);
    const approved = await police.request('POST', `/api/v1/catalogue/access-requests/${id}/decision`, { decision: 'approve', expiresAt: until });
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({ status: 'approved', active: true, decidedBy: 'police-analyst' });

    const granted = await water.get('/api/v1/catalogue/cam-001');
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ access: 'granted', grantExpiresAt: until });
    expect(granted.body.streams.gb28181Channel).toMatch(/^\d{20}$/);
    expect((await water.get('/api/v1/catalogue/cam-002')).status).toBe(403); // the request was for one camera
    const listed = (await water.get('/api/v1/catalogue?family=video&accessible=true')).body.items as any[];
    expect(listed.map((i) => i.deviceId)).toEqual(['cam-001']);

    await new Promise((r) => setTimeout(r, Date.parse(until) - Date.now() + 300));
    expect((await water.get('/api/v1/catalogue/cam-001')).status).toBe(403);
    expect(((await water.get('/api/v1/catalogue?family=video&accessible=true')).body.items as any[])).toEqual([]);
    const mine = (await water.get('/api/v1/catalogue/access-requests')).body.items as any[];
    expect(mine.find((r) => r.id === id)).toMatchObject({ status: 'approved', active: false });
  });

  it('a revoked approval ends access before its expiry; restricted resources stay with their owner', async () => {
    const asked = await water.request('POST', '/api/v1/catalogue/access-requests', { deviceId: 'cam-002', reason: '巡查' });
    const id = asked.body.id as string;
    await admin.request('POST', `/api/v1/catalogue/access-requests/${id}/decision`, { decision: 'approve', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await water.get('/api/v1/catalogue/cam-002')).status).toBe(200);
    expect((await police.request('POST', `/api/v1/catalogue/access-requests/${id}/decision`, { decision: 'revoke' })).status).toBe(201);
    expect((await water.get('/api/v1/catalogue/cam-002')).status).toBe(403);

    expect((await police.request('PUT', '/api/v1/catalogue/cam-003', { accessClass: 'restricted' })).status).toBe(403);
    const changed = await admin.request('PUT', '/api/v1/catalogue/cam-003', { accessClass: 'restricted', hlsUrl: '/media/cam-003/index.m3u8', rtspUrl: 'rtsp://media.local/cam-003' });
    expect(changed.status).toBe(200);
    expect(changed.body.streams).toMatchObject({ hls: '/media/cam-003/index.m3u8', rtsp: 'rtsp://media.local/cam-003' });
    expect((await admin.request('PUT', '/api/v1/catalogue/cam-003', { rtspUrl: 'http://not-rtsp' })).status).toBe(400);
    expect(((await water.get('/api/v1/catalogue?family=video')).body.items as any[]).map((i) => i.deviceId)).not.toContain('cam-003');
    expect((await water.get('/api/v1/catalogue/cam-003')).status).toBe(404);
    expect((await water.request('POST', '/api/v1/catalogue/access-requests', { deviceId: 'cam-003', reason: 'x' })).status).toBe(403);
    const own = await police.get('/api/v1/catalogue/cam-003');
    expect(own.body).toMatchObject({ access: 'own', streams: { hls: '/media/cam-003/index.m3u8' } });
  });

  it('exports CSV with the Chinese headers, and audits every read, access and refusal', async () => {
    const res = await fetch(`http://127.0.0.1:${hub.httpPort}/api/v1/catalogue?format=csv&family=video`, { headers: { authorization: `Bearer ${water.accessToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toMatch(/^资源编号 id,名称 name,/);
    expect(lines.length).toBe(1 + 3); // cam-001, cam-002, cam-004 (cam-003 is restricted now)
    expect(lines.slice(1).every((l) => l.endsWith(',,,'))).toBe(true); // no stream links without access

    const audit = (await admin.get('/api/v1/audit?limit=1000')).body.items as { action: string; actor: string; target: string | null; detail: any }[];
    const water_ = audit.filter((a) => a.actor === 'account:water-analyst');
    expect(water_.filter((a) => a.action === 'catalogue.refused' && a.target === 'cam-001').length).toBeGreaterThanOrEqual(3);
    expect(water_.some((a) => a.action === 'catalogue.access' && a.target === 'cam-001' && a.detail.access === 'granted')).toBe(true);
    expect(water_.some((a) => a.action === 'catalogue.read' && a.detail.format === 'csv')).toBe(true);
    expect(audit.some((a) => a.action === 'catalogue.decide' && a.detail.decision === 'revoke')).toBe(true);
    expect(audit.some((a) => a.action === 'catalogue.change' && a.target === 'cam-003')).toBe(true);
  });

  it('the demo analyst works for the environment bureau: its stations are its own', async () => {
    const analyst = await Api.of(hub).login(DEMO_ANALYST.username, DEMO_ANALYST.password);
    const items = (await analyst.get('/api/v1/catalogue?family=air')).body.items as any[];
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) expect(i.access).toBe('own');
  });
});
