import { Pool } from 'pg';
import { waterClassFromLatest } from '@gridhub/contracts';
import { startHub, RunningHub } from '../src/bootstrap';
import { cellPoint, DEMO_SHIFT_LEAD } from '../src/seed/demo-city';
import { Api, eventually, liveClient } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/**
 * The OpenAPI document's operations: every route the hub serves, with its method; `public` when it answers without
 * a token (login, CAP documents, the warning feed, Open311…).
 */
async function operations(hub: RunningHub, admin: Api): Promise<{ method: string; path: string; public: boolean }[]> {
  const doc = (await admin.get('/api/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
  const anonymous = Api.of(hub);
  const out: { method: string; path: string; public: boolean }[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const concrete = path.replace(/\{[^}]+\}/g, '1');
      const res = await anonymous.request(method.toUpperCase(), concrete, method === 'get' || method === 'delete' ? undefined : {});
      out.push({ method: method.toUpperCase(), path, public: res.status !== 401 });
    }
  }
  return out;
}

/** A kiosk token: issued and revoked by an administrator, exchanged by a wall screen, accepted only by the overview. */
describe('kiosk tokens for the overview wall screen', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let admin: Api;
  let lead: Api;
  let kiosk: { id: string; token: string; url: string };
  let kioskApi: Api;

  beforeAll(async () => {
    env = await testEnv('server');
    hub = await startHub(env.config);
    admin = await Api.of(hub).login('admin', 'test-admin-password');
    lead = await Api.of(hub).login(DEMO_SHIFT_LEAD.username, DEMO_SHIFT_LEAD.password);
  });

  afterAll(async () => {
    await hub?.close();
    await env?.cleanup();
  });

  const exchange = async (token: string) => {
    const api = Api.of(hub);
    const res = await api.request('POST', '/api/v1/kiosk/session', { token });
    if (res.status === 200) (api as unknown as { token: string }).token = res.body.accessToken;
    return { api, res };
  };

  it('only an administrator issues a token; it is shown once and stored hashed', async () => {
    expect((await lead.request('POST', '/api/v1/kiosk-tokens', { name: 'wall' })).status).toBe(403);
    expect((await admin.request('POST', '/api/v1/kiosk-tokens', { name: '' })).status).toBe(400);
    expect((await admin.request('POST', '/api/v1/kiosk-tokens', { name: 'wall', gridScope: '999999' })).status).toBe(400);
    const res = await admin.request('POST', '/api/v1/kiosk-tokens', { name: '指挥大厅主屏' });
    expect(res.status).toBe(201);
    kiosk = res.body;
    expect(kiosk.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(kiosk.url).toBe(`/overview?kiosk=${kiosk.token}`);
    const listed = (await admin.get('/api/v1/kiosk-tokens')).body.items as Record<string, unknown>[];
    expect(listed.map((k) => k['id'])).toContain(kiosk.id);
    expect(JSON.stringify(listed)).not.toContain(kiosk.token);
    const { rows } = await hub.app.get(Pool).query<{ n: number }>(`select count(*)::int as n from kiosk_tokens where token_hash = sha256(convert_to($1, 'UTF8'))`, [kiosk.token]);
    expect(rows[0]!.n).toBe(1);
  });

  it('a screen exchanges the token for an access token that opens the overview data', async () => {
    expect((await exchange('not-the-right-token-at-all')).res.status).toBe(401);
    const { api, res } = await exchange(kiosk.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', kiosk: { id: kiosk.id, name: '指挥大厅主屏', gridScope: null } });
    kioskApi = api;
    const overview = await kioskApi.get('/api/v1/overview');
    expect(overview.status).toBe(200);
    expect(overview.body.counters).toEqual(expect.objectContaining({ reportedToday: expect.any(Number), open: expect.any(Number) }));
    const areas = await kioskApi.get('/api/v1/overview/areas');
    expect(areas.status).toBe(200);
    expect(areas.body.features.length).toBeGreaterThan(0);
  });

  it('refuses the kiosk token on every other route the hub serves', async () => {
    const ops = await operations(hub, admin);
    expect(ops.length).toBeGreaterThan(50);
    const allowed: string[] = [];
    const refused: string[] = [];
    for (const op of ops.filter((o) => !o.public)) {
      const path = op.path.replace(/\{[^}]+\}/g, '1');
      const res = await kioskApi.request(op.method, path, op.method === 'GET' || op.method === 'DELETE' ? undefined : {});
      (res.status === 403 ? refused : allowed).push(`${op.method} ${op.path} ${res.status}`);
    }
    // The overview's data and its map's background.
    expect(allowed.sort()).toEqual(['GET /api/v1/basemap 200', 'GET /api/v1/overview 200', 'GET /api/v1/overview/areas 200']);
    expect(refused.length).toBe(ops.filter((o) => !o.public).length - 3);
    // Each refusal is audited with the route it tried.
    const audit = (await admin.get('/api/v1/audit?action=kiosk.refused&limit=1000')).body.items as { actor: string; detail: { path?: string } }[];
    expect(audit.filter((a) => a.actor === 'kiosk:指挥大厅主屏').map((a) => a.detail.path)).toContain('/api/v1/incidents');
  });

  it('the live socket gives a kiosk only overview.changed, never the events themselves', async () => {
    const socket = await liveClient(hub, kioskApi.accessToken);
    try {
      const site = cellPoint(1, 1);
      const created = await lead.request('POST', '/api/v1/incidents', { category: 'road_damage', lon: site.lon, lat: site.lat, source: 'superior' });
      expect(created.status).toBe(201);
      await eventually(async () => (socket.received.some((r) => r.event === 'overview.changed') ? true : undefined), 10_000, 'overview.changed');
      await new Promise((r) => setTimeout(r, 500));
      const events = new Set(socket.received.map((r) => r.event).filter((e) => e !== 'ready'));
      expect([...events]).toEqual(['overview.changed']);
      expect(socket.received.find((r) => r.event === 'overview.changed')!.payload).toEqual({ event: expect.stringMatching(/^incident\./), at: expect.any(String) });
    } finally {
      socket.disconnect();
    }
  });

  it('a revoked token stops at once: its access token, its socket and new exchanges', async () => {
    const socket = await liveClient(hub, kioskApi.accessToken);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    expect((await lead.request('DELETE', `/api/v1/kiosk-tokens/${kiosk.id}`)).status).toBe(403);
    const revoked = await admin.request('DELETE', `/api/v1/kiosk-tokens/${kiosk.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect(await closed).toBe('io server disconnect');
    expect((await kioskApi.get('/api/v1/overview')).status).toBe(401);
    expect((await exchange(kiosk.token)).res.status).toBe(401);
    await expect(liveClient(hub, kioskApi.accessToken)).rejects.toThrow(/access token/);
    const actions = ((await admin.get('/api/v1/audit?limit=1000')).body.items as { action: string; target: string | null }[])
      .filter((a) => a.action.startsWith('kiosk.'))
      .map((a) => a.action);
    expect(new Set(actions)).toEqual(new Set(['kiosk.issue', 'kiosk.session', 'kiosk.refused', 'kiosk.revoke']));
  });

  it('a token confined to a district sees only that district, live and in its figures', async () => {
    const grids = (await admin.get('/api/v1/grids?level=grid')).body.features as { properties: { code: string }; geometry: { coordinates: number[][][] } }[];
    const districts = [...new Set(grids.map((g) => g.properties.code.slice(0, 6)))].sort();
    expect(districts.length).toBeGreaterThanOrEqual(2);
    const [mine, other] = districts as [string, string];
    /** A point inside a unit grid of the district: the mean of its ring's corners. */
    const pointIn = (district: string) => {
      const ring = grids.find((g) => g.properties.code.startsWith(district))!.geometry.coordinates[0]!.slice(0, -1);
      return { lon: ring.reduce((a, p) => a + p[0]!, 0) / ring.length, lat: ring.reduce((a, p) => a + p[1]!, 0) / ring.length };
    };
    const issued = await admin.request('POST', '/api/v1/kiosk-tokens', { name: 'district wall', gridScope: mine });
    const { api } = await exchange(issued.body.token);
    const areas = (await api.get('/api/v1/overview/areas')).body.features as { properties: { code: string } }[];
    expect(areas.length).toBeGreaterThan(0);
    for (const a of areas) expect(a.properties.code.startsWith(mine) && a.properties.code !== mine).toBe(true);
    const before = (await api.get('/api/v1/overview')).body;
    expect(before.scope).toBe(mine);
    const socket = await liveClient(hub, api.accessToken);
    try {
      const elsewhere = await lead.request('POST', '/api/v1/incidents', { category: 'road_damage', ...pointIn(other), source: 'superior' });
      expect(elsewhere.body.gridCode.startsWith(other)).toBe(true);
      await new Promise((r) => setTimeout(r, 800));
      expect(socket.received.filter((r) => r.event === 'overview.changed')).toEqual([]);
      expect((await api.get('/api/v1/overview')).body.counters.reportedToday).toBe(before.counters.reportedToday);
      const here = await lead.request('POST', '/api/v1/incidents', { category: 'road_damage', ...pointIn(mine), source: 'superior' });
      expect(here.body.gridCode.startsWith(mine)).toBe(true);
      await eventually(async () => (socket.received.some((r) => r.event === 'overview.changed') ? true : undefined), 10_000, 'overview.changed in scope');
      const after = (await api.get('/api/v1/overview')).body;
      expect(after.counters.reportedToday).toBe(before.counters.reportedToday + 1);
      expect(after.ticker.every((i: { gridCode: string }) => i.gridCode.startsWith(mine))).toBe(true);
    } finally {
      socket.disconnect();
    }
  });

  it('the overview classes water as the map and the rules do: an item 2 hours older than the station’s newest is left out', async () => {
    const pool = hub.app.get(Pool);
    const { rows } = await pool.query<{ id: string; attributes: Record<string, unknown> }>(
      `select id, attributes from devices where family = 'water' and enabled and coalesce(attributes->>'kind', 'river') in ('river', 'lake', 'reservoir') order by id limit 1`,
    );
    const station = rows[0]!;
    const now = Date.now();
    // Fresh NH3-N of class II; a DO of class V five hours before it (within the overview's 24 h, outside the 2 h window).
    await pool.query(`delete from latest_readings where device_id = $1`, [station.id]);
    await pool.query(
      `insert into latest_readings (device_id, metric, time, value, received_at) values ($1, 'nh3n_mgl', $2, 0.4, $2), ($1, 'do_mgl', $3, 2.5, $3)`,
      [station.id, new Date(now - 60_000), new Date(now - 5 * 3600_000)],
    );
    const overview = (await admin.get('/api/v1/overview')).body as { water: { stations: { deviceId: string; klass: number; limitingItems: string[] }[] } };
    const shown = overview.water.stations.find((s) => s.deviceId === station.id);
    expect(shown).toMatchObject({ klass: 2, limitingItems: ['nh3n_mgl'] });
    // What the map colours it by: the same contracts function over GET /api/v1/latest.
    const latest = (await admin.get('/api/v1/latest?family=water')).body as { features: { id: string; properties: { readings: Record<string, { value: number; time: string }> } }[] };
    const onMap = latest.features.find((f) => f.id === station.id)!;
    expect(waterClassFromLatest(onMap.properties.readings, station.attributes)?.klass).toBe(shown!.klass);
  });

  it('a token with an end date stops working at its end', async () => {
    const res = await admin.request('POST', '/api/v1/kiosk-tokens', { name: 'short', expiresAt: new Date(Date.now() + 3_000).toISOString() });
    expect(res.status).toBe(201);
    const { api, res: session } = await exchange(res.body.token);
    expect(session.status).toBe(200);
    expect(session.body.expiresIn).toBeLessThanOrEqual(3);
    expect((await api.get('/api/v1/overview')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3_500));
    expect((await exchange(res.body.token)).res.status).toBe(401);
    expect((await api.get('/api/v1/overview')).status).toBe(401);
  });
});
