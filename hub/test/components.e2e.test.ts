import { randomUUID } from 'node:crypto';
import { startHub, RunningHub } from '../src/bootstrap';
import { DEMO_ANALYST, DEMO_DISPATCHER } from '../src/seed/demo-city';
import { Api } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/**
 * Components (部件) on the PostgreSQL server path: the seeded registry and its filters, GeoJSON import with its
 * refusals, an incident naming its component routed to the component's owner department (先属主后属地) and the
 * same component as the first duplicate signal, before the 50 m radius.
 */
describe('components (PostgreSQL server path)', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let admin: Api;
  let dispatcher: Api;
  let analyst: Api;
  /** A unit grid of the demo city and a point inside it. */
  let grid: { code: string; lon: number; lat: number };

  beforeAll(async () => {
    env = await testEnv('server', { LOG_LEVEL: 'error' });
    hub = await startHub(env.config);
    admin = await Api.of(hub).login('admin', 'test-admin-password');
    dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    analyst = await Api.of(hub).login(DEMO_ANALYST.username, DEMO_ANALYST.password);
    const seeded = (await dispatcher.get('/api/v1/components?class=0103&limit=1')).body.features[0];
    grid = { code: seeded.properties.gridCode, lon: seeded.geometry.coordinates[0], lat: seeded.geometry.coordinates[1] };
  });

  afterAll(async () => {
    await hub?.close();
    await env?.cleanup();
  });

  const point = (id: string, lon: number, lat: number, properties: Record<string, unknown> = {}) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [lon, lat] },
    properties: { id, ...properties },
  });
  const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
  const district = () => grid.code.slice(0, 6);

  it('seeds components in every unit grid of the demo city, each located in its grid', async () => {
    const all = await dispatcher.get('/api/v1/components?limit=20000');
    expect(all.status).toBe(200);
    const grids = (await dispatcher.get('/api/v1/grids?level=grid')).body.features as any[];
    const features = all.body.features as any[];
    expect(all.body.total).toBe(features.length);
    expect(new Set(features.map((f) => f.properties.gridCode)).size).toBe(grids.length);
    const lamps = features.filter((f) => f.properties.classCode === '0201');
    expect(lamps.length).toBe(grids.length);
    expect(lamps[0].properties).toMatchObject({ majorCode: '02', classNameZh: '路灯', departmentCode: 'municipal_facilities' });
    for (const f of features.slice(0, 20)) {
      const located = await dispatcher.get(`/api/v1/grids/locate?lon=${f.geometry.coordinates[0]}&lat=${f.geometry.coordinates[1]}`);
      expect(located.body.gridCode).toBe(f.properties.gridCode);
      expect(f.properties.id.slice(0, 6)).toBe(f.properties.gridCode.slice(0, 6));
      expect(f.properties.id.slice(6, 10)).toBe(f.properties.classCode);
    }
    expect(features.some((f) => f.properties.state === 'damaged')).toBe(true);
  });

  it('filters by bbox, class, major class, state, owner and grid', async () => {
    const d = 0.0004;
    const bbox = [grid.lon - d, grid.lat - d, grid.lon + d, grid.lat + d].join(',');
    const near = (await dispatcher.get(`/api/v1/components?bbox=${bbox}`)).body.features as any[];
    expect(near.length).toBeGreaterThan(0);
    for (const f of near) {
      expect(Math.abs(f.geometry.coordinates[0] - grid.lon)).toBeLessThanOrEqual(d);
      expect(Math.abs(f.geometry.coordinates[1] - grid.lat)).toBeLessThanOrEqual(d);
    }
    const covers = (await dispatcher.get('/api/v1/components?major=01')).body.features as any[];
    expect(covers.every((f) => f.properties.majorCode === '01')).toBe(true);
    const hydrants = (await dispatcher.get('/api/v1/components?class=0116&departmentCode=fire_rescue')).body;
    expect(hydrants.total).toBeGreaterThan(0);
    expect(hydrants.features.every((f: any) => f.properties.classCode === '0116')).toBe(true);
    const damaged = (await dispatcher.get('/api/v1/components?state=damaged,missing')).body.features as any[];
    expect(damaged.length).toBeGreaterThan(0);
    expect(damaged.every((f) => ['damaged', 'missing'].includes(f.properties.state))).toBe(true);
    const inGrid = (await dispatcher.get(`/api/v1/components?gridCode=${grid.code}`)).body.features as any[];
    expect(inGrid.every((f) => f.properties.gridCode === grid.code)).toBe(true);
    expect((await dispatcher.get('/api/v1/components?bbox=1,2,3')).status).toBe(400);
    expect((await dispatcher.get('/api/v1/components?state=broken')).status).toBe(400);
  });

  it('refuses bad features with every reason; atomic stores nothing, partial the valid ones, validate none', async () => {
    const good = `${district()}0302900001`;
    const body = collection(
      point(good, grid.lon, grid.lat, { name: '测试垃圾箱' }),
      point('12345', grid.lon, grid.lat),
      point(`${district()}9999000001`, grid.lon, grid.lat),
      point(`${district()}0302900002`, grid.lon, grid.lat, { classCode: '0201', departmentCode: 'no_such_department', state: 'broken' }),
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [[grid.lon, grid.lat], [grid.lon + 0.001, grid.lat]] }, properties: { id: `${district()}0302900003` } },
      point(`${district()}0302900004`, 500, grid.lat),
      point(`${district()}0302900005`, 100.0, 30.0),
      point(good, grid.lon, grid.lat),
      { type: 'Polygon' },
    );
    const atomic = await admin.request('POST', '/api/v1/components/import', body);
    expect(atomic.status).toBe(422);
    expect(atomic.body).toMatchObject({ mode: 'atomic', features: 9, accepted: 1, created: 0 });
    const reasons = Object.fromEntries((atomic.body.problems as any[]).map((p) => [p.index, p.reasons.map((r: any) => r.reason).sort()]));
    expect(reasons).toEqual({
      1: ['id_format'],
      2: ['unknown_class'],
      3: ['bad_state', 'class_mismatch', 'unknown_department'],
      4: ['geometry_type'],
      5: ['bad_coordinates'],
      6: ['outside_grids'],
      7: ['duplicate_id'],
      8: ['not_a_feature'],
    });
    expect((await dispatcher.get(`/api/v1/components/${good}`)).status).toBe(404);

    const validate = await admin.request('POST', '/api/v1/components/import?mode=validate', body);
    expect(validate.status).toBe(200);
    expect((await dispatcher.get(`/api/v1/components/${good}`)).status).toBe(404);

    const partial = await admin.request('POST', '/api/v1/components/import?mode=partial', body);
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ accepted: 1, created: 1, updated: 0 });
    const stored = await dispatcher.get(`/api/v1/components/${good}`);
    expect(stored.body.properties).toMatchObject({ classCode: '0302', name: '测试垃圾箱', departmentCode: 'sanitation', gridCode: grid.code, state: 'normal' });

    expect((await admin.request('POST', '/api/v1/components/import', { type: 'Feature' })).status).toBe(400);
    expect((await dispatcher.request('POST', '/api/v1/components/import', collection(point(good, grid.lon, grid.lat)))).status).toBe(403);
    const changed = await dispatcher.request('PATCH', `/api/v1/components/${good}`, { state: 'damaged' });
    expect(changed.status).toBe(200);
    expect(changed.body.properties.state).toBe('damaged');
  });

  it('routes an incident naming a component to the owner department, the same category without one to the locality', async () => {
    // An on-duty gas-company worker (专业部门); the demo city has none of its own.
    const gasWorker = randomUUID();
    await hub.database.pool.query(
      `insert into workers (id, name, on_duty, status, department_code, lon, lat) values ($1, '燃气抢修 刘强', true, 'available', 'gas_company', $2, $3)`,
      [gasWorker, grid.lon, grid.lat],
    );
    const cover = `${district()}0111900001`;
    const imported = await admin.request('POST', '/api/v1/components/import', collection(point(cover, grid.lon + 0.0001, grid.lat, { name: '燃气井盖 测试' })));
    expect(imported.status).toBe(200);

    const named = await analyst.request('POST', '/api/v1/incidents', { componentId: cover, description: '井盖松动', source: 'superior' });
    expect(named.status).toBe(201);
    expect(named.body).toMatchObject({ componentId: cover, category: 'manhole_cover', departmentCode: 'gas_company', status: 'dispatched', assigneeWorkerId: gasWorker });
    expect(named.body.lon).toBeCloseTo(grid.lon + 0.0001, 6);
    expect(named.body.gridCode).toBe(grid.code);
    expect(named.body.intakeDueAt).toBeNull();
    const suggestions = (await dispatcher.get(`/api/v1/incidents/${named.body.id}/suggestions`)).body.items as any[];
    expect(suggestions[0]).toMatchObject({ workerId: gasWorker, departmentCode: 'gas_company' });

    // The same category without a component: municipal facilities (nobody on duty) then the grid's own worker.
    const unnamed = await analyst.request('POST', '/api/v1/incidents', { category: 'manhole_cover', lon: grid.lon + 0.002, lat: grid.lat + 0.002, source: 'superior' });
    expect(unnamed.status).toBe(201);
    expect(unnamed.body.componentId).toBeNull();
    expect(unnamed.body.departmentCode).toBe('municipal_facilities');
    expect(unnamed.body.assigneeWorkerId).not.toBe(gasWorker);

    expect((await analyst.request('POST', '/api/v1/incidents', { componentId: `${district()}0111999999`, source: 'superior' })).status).toBe(422);
    expect((await analyst.request('POST', '/api/v1/incidents', { componentId: 'cover-1', source: 'superior' })).status).toBe(400);
    expect((await analyst.request('POST', '/api/v1/incidents', { source: 'superior', lon: grid.lon, lat: grid.lat })).status).toBe(400);
  });

  it('names an open incident on the same component as the first duplicate, wherever it was reported, before the radius', async () => {
    const lamp = `${district()}0201900001`;
    await admin.request('POST', '/api/v1/components/import', collection(point(lamp, grid.lon, grid.lat + 0.0002, { name: '路灯 测试' })));
    const first = await dispatcher.request('POST', '/api/v1/incidents', { componentId: lamp, source: 'hotline', description: '路灯不亮' });
    expect(first.status).toBe(201);
    expect(first.body.duplicates.filter((d: any) => d.sameComponent)).toEqual([]);
    // A report left to the command centre has an intake deadline (受理时限, for 按时受理率); a task from above has none.
    expect(Date.parse(first.body.intakeDueAt)).toBeGreaterThan(Date.parse(first.body.createdAt));
    // A nearby incident of the same category without a component (the radius signal).
    const nearby = await dispatcher.request('POST', '/api/v1/incidents', { category: 'street_lamp', source: 'public', lon: grid.lon + 0.0002, lat: grid.lat + 0.0002 });
    expect(nearby.status).toBe(201);

    // The same lamp reported again from 300 m away and under another category: still the first duplicate.
    const again = await dispatcher.request('POST', '/api/v1/incidents', { componentId: lamp, category: 'other', source: 'public', lon: grid.lon + 0.0035, lat: grid.lat + 0.0002 });
    expect(again.status).toBe(201);
    expect(again.body.duplicates[0]).toMatchObject({ id: first.body.id, componentId: lamp, sameComponent: true });
    expect(again.body.duplicates[0].distanceM).toBeGreaterThan(250);
    expect(again.body.duplicates.some((d: any) => d.id === nearby.body.id)).toBe(false);

    // At the lamp itself with the lamp named: the component's incident first, then the one within the radius.
    const third = await dispatcher.request('POST', '/api/v1/incidents', { componentId: lamp, source: 'public' });
    const ids = (third.body.duplicates as any[]).map((d) => d.id);
    expect(third.body.duplicates[0]).toMatchObject({ sameComponent: true });
    expect(ids.indexOf(nearby.body.id)).toBeGreaterThan(ids.indexOf(first.body.id));
    expect((third.body.duplicates as any[]).find((d) => d.id === nearby.body.id).sameComponent).toBe(false);
    // GET …/duplicates answers the same.
    const listed = (await dispatcher.get(`/api/v1/incidents/${again.body.id}/duplicates`)).body.items as any[];
    expect(listed[0]).toMatchObject({ sameComponent: true });

    // Outside the window (24 h) the component's old incident is no longer a duplicate.
    await hub.database.pool.query(`update incidents set created_at = now() - interval '30 hours' where component_id = $1`, [lamp]);
    const later = await dispatcher.request('POST', '/api/v1/incidents', { componentId: lamp, category: 'other', source: 'public', lon: grid.lon + 0.0035, lat: grid.lat + 0.0002 });
    expect(later.body.duplicates.filter((d: any) => d.sameComponent)).toEqual([]);
  });
});
