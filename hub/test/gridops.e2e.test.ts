import area from '@turf/area';
import { XMLParser } from 'fast-xml-parser';
import { Pool } from 'pg';
import { WorkerLocationService } from '@gridhub/gridops';
import { startHub, RunningHub } from '../src/bootstrap';
import { DEMO_DISPATCHER, DEMO_WORKER_PASSWORD } from '../src/seed/demo-city';
import { Api } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/**
 * Grid hierarchy (import, validation, topology report, locate, export round trip, 属地兜底), workers (location,
 * trail, status, shifts), departments, indicators over a hand-built month, and Open311 GeoReport v2 in JSON and
 * XML — on the PostgreSQL server path.
 */

// A new district east of the demo city: 杏花岭区 (140107) in 太原市 (140100), one street, one community.
const W = 112.6;
const N = 37.9;
const CLON = 0.00114;
const CLAT = 0.0009;
const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
function rect(col: number, row: number, cols = 1, rows = 1, growEast = 0): number[][][] {
  const w = r7(W + col * CLON);
  const e = r7(W + (col + cols + growEast) * CLON);
  const n = r7(N - row * CLAT);
  const s = r7(N - (row + rows) * CLAT);
  return [[[w, n], [e, n], [e, s], [w, s], [w, n]]];
}
const feature = (props: Record<string, unknown>, coordinates: unknown, type = 'Polygon') => ({
  type: 'Feature',
  properties: props,
  geometry: { type, coordinates },
});
const CITY = '140100';
const DISTRICT = '140107';
const STREET = '140107001';
const COMMUNITY = '140107001001';
const GA = '140107001001001';
const GB = '140107001001002';
const GC = '140107001001003';
const hierarchy = () => [
  feature({ code: CITY, name: '太原市', level: 'city' }, rect(-1, -1, 6, 6)),
  feature({ code: DISTRICT, name: '杏花岭区', parentCode: CITY, responsible: { name: '杏花岭区城管局', phone: '0351-1234567' } }, rect(0, 0, 4, 4)),
  feature({ code: STREET, name: '巨轮街道', level: 'street' }, rect(0, 0, 2, 2)),
  feature({ code: COMMUNITY, name: '三墙路社区', level: 'community', responsible: { name: '三墙路社区居委会' } }, rect(0, 0, 2, 2)),
];

describe('grid operations (PostgreSQL server path)', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let admin: Api;
  let dispatcher: Api;
  let base: string;
  const xml = new XMLParser({ parseTagValue: false });

  beforeAll(async () => {
    env = await testEnv('server', process.env['GRIDHUB_TEST_LOG'] ? { LOG_LEVEL: process.env['GRIDHUB_TEST_LOG'] } : {});
    hub = await startHub(env.config);
    base = `http://127.0.0.1:${hub.httpPort}`;
    admin = await Api.of(hub).login('admin', 'test-admin-password');
    dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
  });

  afterAll(async () => {
    await hub?.close();
    await env?.cleanup();
  });

  const importGrids = (features: unknown[], mode?: string) =>
    admin.request('POST', `/api/v1/grids/import${mode ? `?mode=${mode}` : ''}`, { type: 'FeatureCollection', features });

  describe('grid hierarchy', () => {
    it('refuses broken GeoJSON with a reason per feature and stores nothing (atomic)', async () => {
      const res = await importGrids([
        ...hierarchy(),
        // a bow tie: the boundary crosses itself
        feature({ code: GA, name: 'bow tie' }, [[[W, N], [W + CLON, N - CLAT], [W + CLON, N], [W, N - CLAT], [W, N]]]),
        // not closed
        feature({ code: GB, name: 'open ring' }, [rect(1, 0)[0]!.slice(0, 4)]),
        feature({ code: '14010A001', name: 'bad code' }, rect(2, 2)),
        feature({ code: '140199001001001', name: 'orphan' }, rect(3, 3)),
        feature({ code: '140107002', name: 'says community', level: 'community' }, rect(2, 0, 2, 2)),
        feature({ code: GC, name: 'a line' }, [[W, N], [W + CLON, N]], 'LineString'),
      ]);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ mode: 'atomic', stored: false, received: 10, created: 0 });
      const reasonOf = (code: string) => res.body.problems.find((p: any) => p.code === code)?.reasons.map((r: any) => r.reason);
      expect(reasonOf(GA)).toEqual(['self_intersection']);
      expect(reasonOf(GB)).toEqual(['unclosed_ring']);
      expect(reasonOf('14010A001')).toEqual(['code_format']);
      expect(reasonOf('140199001001001')).toEqual(['unknown_parent']);
      expect(reasonOf('140107002')).toEqual(['level_mismatch']);
      expect(reasonOf(GC)).toEqual(['geometry_type']);
      expect(res.body.problems.every((p: any) => p.reasons.every((r: any) => typeof r.message === 'string' && r.message.length > 10))).toBe(true);
      expect(res.body.problems.find((p: any) => p.code === GA).index).toBe(4);
      // Atomic: not even the valid city and district were stored.
      const districts = await admin.get('/api/v1/grids?level=district');
      expect(districts.body.features.map((f: any) => f.properties.code)).not.toContain(DISTRICT);
    });

    it('refuses a body that is not a FeatureCollection, and a non-admin', async () => {
      const bad = await admin.request('POST', '/api/v1/grids/import', { type: 'Feature' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/FeatureCollection/);
      const forbidden = await dispatcher.request('POST', '/api/v1/grids/import', { type: 'FeatureCollection', features: hierarchy() });
      expect(forbidden.status).toBe(403);
      const mode = await admin.request('POST', '/api/v1/grids/import?mode=sometimes', { type: 'FeatureCollection', features: hierarchy() });
      expect(mode.status).toBe(400);
    });

    it('stores the valid features with mode=partial and reports overlaps and gaps between siblings in m²', async () => {
      const res = await importGrids(
        [
          ...hierarchy(),
          feature({ code: GA, name: '三墙路第1网格' }, rect(0, 0)),
          // B reaches 20 % of a cell into… nothing it should (east is the street's edge): grow B west instead
          feature({ code: GB, name: '三墙路第2网格' }, [[[r7(W + 0.8 * CLON), N], [r7(W + 2 * CLON), N], [r7(W + 2 * CLON), r7(N - CLAT)], [r7(W + 0.8 * CLON), r7(N - CLAT)], [r7(W + 0.8 * CLON), N]]]),
          feature({ code: GC, name: '三墙路第3网格' }, rect(0, 1)),
          feature({ code: '140107001001009', name: 'open ring' }, [rect(1, 1)[0]!.slice(0, 4)]),
        ],
        'partial',
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ mode: 'partial', stored: true, received: 8, accepted: 7, refused: 1, created: 7 });
      expect(res.body.problems.map((p: any) => p.code)).toEqual(['140107001001009']);
      const overlapM2 = area({ type: 'Polygon', coordinates: [[[W + 0.8 * CLON, N], [W + CLON, N], [W + CLON, N - CLAT], [W + 0.8 * CLON, N - CLAT], [W + 0.8 * CLON, N]]] });
      const cellM2 = area({ type: 'Polygon', coordinates: rect(1, 1) });
      const overlap = res.body.topology.overlaps.find((o: any) => o.parentCode === COMMUNITY);
      expect(overlap.codes).toEqual([GA, GB]);
      expect(overlap.areaM2).toBeGreaterThan(overlapM2 * 0.99);
      expect(overlap.areaM2).toBeLessThan(overlapM2 * 1.01);
      const gap = res.body.topology.gaps.find((g: any) => g.parentCode === COMMUNITY);
      expect(gap.kind).toBe('uncovered');
      expect(gap.areaM2).toBeGreaterThan(cellM2 * 0.99);
      expect(gap.areaM2).toBeLessThan(cellM2 * 1.01);
      // The street covers half the district: a gap there too; A and C tile cleanly with each other.
      expect(res.body.topology.gaps.find((g: any) => g.parentCode === DISTRICT)?.areaM2).toBeGreaterThan(cellM2 * 11);
      expect(res.body.topology.overlaps.filter((o: any) => o.codes.includes(GC))).toEqual([]);
    });

    it('locates a point to the chain from the city to the unit grid, and answers 404 outside', async () => {
      const res = await dispatcher.get(`/api/v1/grids/locate?lon=${W + 0.5 * CLON}&lat=${N - 1.5 * CLAT}`);
      expect(res.status).toBe(200);
      expect(res.body.gridCode).toBe(GC);
      expect(res.body.chain.map((c: any) => [c.code, c.name, c.level])).toEqual([
        [CITY, '太原市', 'city'],
        [DISTRICT, '杏花岭区', 'district'],
        [STREET, '巨轮街道', 'street'],
        [COMMUNITY, '三墙路社区', 'community'],
        [GC, '三墙路第3网格', 'grid'],
      ]);
      // 属地兜底: the unit grid has no responsible party, its community does.
      expect(res.body.responsible).toMatchObject({ code: GC, fromCode: COMMUNITY, inherited: true, responsible: { name: '三墙路社区居委会' } });
      // The demo city is found too (a district without a city row).
      const demo = await dispatcher.get('/api/v1/grids/locate?lon=112.5466&lat=37.8555');
      expect(demo.body.chain.map((c: any) => c.level)).toEqual(['district', 'street', 'community', 'grid']);
      const outside = await dispatcher.get('/api/v1/grids/locate?lon=116.4&lat=39.9');
      expect(outside.status).toBe(404);
      expect(outside.body.message).toMatch(/outside the city/);
      const bad = await dispatcher.get('/api/v1/grids/locate?lon=abc&lat=37.9');
      expect(bad.status).toBe(400);
      expect(String(bad.body.message)).toMatch(/lon/);
      const street = await dispatcher.get(`/api/v1/grids/${STREET}/responsible`);
      expect(street.body).toMatchObject({ fromCode: DISTRICT, inherited: true, responsible: { name: '杏花岭区城管局' } });
    });

    it('exports GeoJSON by level and parent that imports back unchanged', async () => {
      const exported = await dispatcher.get(`/api/v1/grids?level=grid&parent=${DISTRICT}`);
      expect(exported.status).toBe(200);
      expect(exported.body.type).toBe('FeatureCollection');
      expect(exported.body.features.map((f: any) => f.properties.code)).toEqual([GA, GB, GC]);
      const all = await dispatcher.get(`/api/v1/grids?level=district&parent=${CITY}`);
      expect(all.body.features.map((f: any) => f.properties.code)).toEqual([DISTRICT]);
      const again = await importGrids(exported.body.features);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ stored: true, accepted: 3, created: 0, updated: 3, problems: [] });
      const after = await dispatcher.get(`/api/v1/grids?level=grid&parent=${DISTRICT}`);
      expect(after.body).toEqual(exported.body);
      const community = await dispatcher.get(`/api/v1/grids?level=community&parent=${STREET}`);
      expect(community.body.features[0].properties.responsible).toEqual({ name: '三墙路社区居委会', phone: null, departmentCode: null });
    });
  });

  describe('workers and departments', () => {
    it('records a tablet’s location over HTTP, keeps the trail and shows it to dispatchers only', async () => {
      const worker = await Api.of(hub).login('worker01', DEMO_WORKER_PASSWORD);
      const id = worker.user!.workerId!;
      const t0 = Date.now() - 60_000;
      for (const [i, [lon, lat]] of [[112.5467, 37.8551], [112.5469, 37.8552], [112.5471, 37.8553]].entries()) {
        const res = await worker.request('POST', '/api/v1/workers/me/location', { lon, lat, ts: new Date(t0 + i * 10_000).toISOString(), accuracyM: 5 });
        expect(res.status).toBe(202);
      }
      const late = await worker.request('POST', '/api/v1/workers/me/location', { lon: 112.5, lat: 37.8, ts: new Date(t0 - 3_600_000).toISOString() });
      expect(late.status).toBe(202); // an old fix joins the trail but does not move the worker
      const bad = await worker.request('POST', '/api/v1/workers/me/location', { lon: 200, lat: 37.8 });
      expect(bad.status).toBe(400);
      const trail = await dispatcher.get(`/api/v1/workers/${id}/trail?limit=3`);
      expect(trail.status).toBe(200);
      expect(trail.body.positions.map((p: any) => p.lon)).toEqual([112.5471, 112.5469, 112.5467]);
      const listed = (await dispatcher.get('/api/v1/workers')).body.items.find((w: any) => w.id === id);
      expect(listed).toMatchObject({ lon: 112.5471, lat: 37.8553, username: 'worker01', status: 'available', onDutyNow: true });
      expect(listed.primaryGridCodes).toHaveLength(6);
      const other = (await dispatcher.get('/api/v1/workers')).body.items.find((w: any) => w.id !== id);
      expect((await worker.get(`/api/v1/workers/${other.id}/trail`)).status).toBe(403);
      expect((await worker.get(`/api/v1/workers/${id}/trail`)).status).toBe(200);
    });

    it('parses tablet location messages for the MQTT path and refuses bad ones', async () => {
      const locations = hub.app.get(WorkerLocationService);
      const worker = await Api.of(hub).login('worker03', DEMO_WORKER_PASSWORD);
      const id = worker.user!.workerId!;
      const ts = new Date(Date.now() - 5_000).toISOString().replace('Z', '+00:00');
      expect(await locations.recordMessage(id, Buffer.from(JSON.stringify({ ts, lon: 112.55, lat: 37.853, accuracy_m: 8 })))).toBeNull();
      expect(await locations.recordMessage(id, Buffer.from('not json'))).toMatch(/JSON/);
      expect(await locations.recordMessage(id, Buffer.from(JSON.stringify({ ts, lon: '112.55', lat: 37.85 })))).toMatch(/numbers/);
      expect(await locations.recordMessage(id, Buffer.from(JSON.stringify({ ts: '2026-11-22 10:00', lon: 112.55, lat: 37.85 })))).toMatch(/offset/);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect(await locations.recordMessage(id, Buffer.from(JSON.stringify({ ts: future, lon: 112.55, lat: 37.85 })))).toMatch(/future/);
      const trail = await dispatcher.get(`/api/v1/workers/${id}/trail`);
      expect(trail.body.positions).toEqual([{ at: new Date(ts).toISOString(), lon: 112.55, lat: 37.853, accuracyM: 8 }]);
    });

    it('filters workers by grid, status and on-duty state (shifts in China time)', async () => {
      const worker = await Api.of(hub).login('worker02', DEMO_WORKER_PASSWORD);
      const id = worker.user!.workerId!;
      expect((await worker.request('PUT', '/api/v1/workers/me/status', { status: 'busy' })).body.status).toBe('busy');
      const busy = await dispatcher.get('/api/v1/workers?status=busy');
      expect(busy.body.items.map((w: any) => w.id)).toEqual([id]);
      const me = (await worker.get('/api/v1/workers/me')).body;
      const inGrid = await dispatcher.get(`/api/v1/workers?grid=${me.primaryGridCodes[0]}`);
      expect(inGrid.body.items.map((w: any) => w.id)).toContain(id);
      expect(inGrid.body.items.every((w: any) => w.gridCodes.includes(me.primaryGridCodes[0]))).toBe(true);

      const cstWeekday = ((new Date(Date.now() + 8 * 3600_000).getUTCDay() + 6) % 7) + 1;
      const other = (d: number) => ((cstWeekday - 1 + d) % 7) + 1;
      const off = await admin.request('PUT', `/api/v1/workers/${id}/shifts`, { shifts: [2, 3, 4].map((d) => ({ weekday: other(d), starts: '08:00', ends: '17:00' })) });
      expect(off.status).toBe(200);
      expect(off.body.onDutyNow).toBe(false);
      expect((await dispatcher.get('/api/v1/workers?onDuty=false')).body.items.map((w: any) => w.id)).toContain(id);
      const on = await admin.request('PUT', `/api/v1/workers/${id}/shifts`, {
        shifts: [
          { weekday: cstWeekday, starts: '00:00', ends: '23:59' },
          { weekday: cstWeekday, starts: '23:59', ends: '00:00' },
        ],
      });
      expect(on.body.onDutyNow).toBe(true);
      expect(on.body.shifts).toHaveLength(2);
      const bad = await admin.request('PUT', `/api/v1/workers/${id}/shifts`, { shifts: [{ weekday: 8, starts: '25:00', ends: '17:00' }] });
      expect(bad.status).toBe(400);
      expect((await worker.request('PUT', `/api/v1/workers/${id}/shifts`, { shifts: [] })).status).toBe(403);
    });

    it('lists the specialist departments with the categories they handle', async () => {
      const res = await dispatcher.get('/api/v1/departments');
      expect(res.status).toBe(200);
      const sanitation = res.body.items.find((d: any) => d.code === 'sanitation');
      expect(sanitation).toMatchObject({ nameZh: '环境卫生服务中心' });
      expect(sanitation.categories).toEqual(expect.arrayContaining(['garbage_exposed', 'garbage_overflow']));
      const byCategory = await dispatcher.get('/api/v1/departments?category=gas_leak');
      expect(byCategory.body.items.map((d: any) => d.code)).toEqual(['gas_company']);
    });
  });

  describe('indicators over a hand-built month', () => {
    // October 2026 in China time. Times below are minutes after 2026-10-10T10:00+08:00 unless given.
    const FROM = '2026-10-01T00:00:00+08:00';
    const TO = '2026-11-01T00:00:00+08:00';
    const T = Date.parse('2026-10-10T10:00:00+08:00');
    const at = (minutes: number | null) => (minutes === null ? null : new Date(T + minutes * 60_000));

    interface Row {
      n: number;
      grid: string;
      status: string;
      source?: string;
      created?: number;
      verified?: number;
      verifyDue?: number;
      filed?: number;
      dispatched?: number;
      dispatchDue?: number;
      accepted?: number;
      handled?: number;
      due?: number;
      reinspected?: number;
      reinspectDue?: number;
      closed?: number;
      rework?: number;
      extended?: boolean;
      overdue?: boolean;
    }
    // Verify within 60, dispatch within 30 of filing, handle within 240 of dispatch, re-inspect within 120.
    const rows: Row[] = [
      // 1 closed on time: every step in time
      { n: 1, grid: GA, status: 'closed', source: 'public', verified: 30, verifyDue: 60, filed: 40, dispatched: 50, dispatchDue: 70, accepted: 60, handled: 110, due: 290, reinspected: 150, reinspectDue: 230, closed: 160 },
      // 2 closed, but handled after the deadline; verified late; re-inspected late
      { n: 2, grid: GA, status: 'closed', source: 'public', verified: 90, verifyDue: 60, filed: 95, dispatched: 100, dispatchDue: 125, accepted: 120, handled: 400, due: 340, reinspected: 600, reinspectDue: 520, closed: 610 },
      // 3 closed on time after one rework and an approved extension (a 12345 report)
      { n: 3, grid: GA, status: 'evaluated', source: 'hotline', verified: 10, verifyDue: 60, filed: 15, dispatched: 20, dispatchDue: 45, accepted: 50, handled: 140, due: 600, reinspected: 200, reinspectDue: 260, closed: 210, rework: 1, extended: true },
      // 4 dispatched, deadline passed inside October, still open and overdue
      { n: 4, grid: GA, status: 'accepted', source: 'patrol', created: 14400, filed: 14400, dispatched: 14410, dispatchDue: 14430, accepted: 14420, due: 14650, overdue: true },
      // 5 dispatched at the very end of October, due in November: not yet due to close
      { n: 5, grid: GB, status: 'dispatched', source: 'patrol', created: 30000, filed: 30000, dispatched: 30010, dispatchDue: 30030, due: 37000 },
      // 6 voided after an on-time verification
      { n: 6, grid: GB, status: 'voided', source: 'public', verified: 20, verifyDue: 60 },
      // 7 reported, nothing else yet
      { n: 7, grid: GB, status: 'reported', source: 'public' },
      // 8 dispatched late, then closed on time
      { n: 8, grid: GB, status: 'closed', source: 'patrol', filed: 0, dispatched: 60, dispatchDue: 30, accepted: 100, handled: 150, due: 300, reinspected: 200, reinspectDue: 270, closed: 205 },
      // 9 reported in September: outside the period
      { n: 9, grid: GA, status: 'closed', source: 'public', created: -20000, filed: -20000, dispatched: -19990, accepted: -19980, handled: -19900, due: -19700, reinspected: -19850, closed: -19840 },
      // 10 in the demo city (another district): outside the area
      { n: 10, grid: '140106001001001', status: 'closed', source: 'public', filed: 0, dispatched: 10, accepted: 20, handled: 30, due: 300, reinspected: 40, closed: 50 },
    ];

    beforeAll(async () => {
      const pool = hub.app.get(Pool);
      for (const r of rows) {
        const created = r.created ?? 0;
        const { rows: inserted } = await pool.query<{ id: string }>(
          `insert into incidents (code, category, title, priority, status, source, lon, lat, grid_code, created_at, updated_at,
                                  verified_at, verify_due_at, filed_at, dispatched_at, dispatch_due_at, accepted_at, handled_at, due_at,
                                  reinspected_at, reinspect_due_at, closed_at, rework_count, extended, overdue)
           values ($1, 'garbage_exposed', '暴露垃圾', 'normal', $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
           returning id`,
          [
            `IND2026100${String(r.n).padStart(2, '0')}`, r.status, r.source ?? 'public', W + 0.5 * CLON, N - 0.5 * CLAT, r.grid, at(created),
            at(r.verified ?? null), at(r.verifyDue ?? null), at(r.filed ?? null), at(r.dispatched ?? null), at(r.dispatchDue ?? null),
            at(r.accepted ?? null), at(r.handled ?? null), at(r.due ?? null), at(r.reinspected ?? null), at(r.reinspectDue ?? null),
            at(r.closed ?? null), r.rework ?? 0, r.extended ?? false, r.overdue ?? false,
          ],
        );
        // The trail the loop would have written.
        const steps: [string, string | null, string | null, number | undefined][] = [
          ['report', null, 'reported', created],
          ['file', 'reported', 'filed', r.filed],
          ['dispatch', 'filed', 'dispatched', r.dispatched],
          ['accept', 'dispatched', 'accepted', r.accepted],
          ['handle', 'accepted', 'handled', r.handled],
          ['close', 'reinspecting', 'closed', r.closed],
        ];
        for (const [action, from, to, when] of steps) {
          if (when === undefined) continue;
          await pool.query(
            `insert into incident_events (incident_id, action, from_status, to_status, actor, at) values ($1, $2, $3, $4, 'test', $5)`,
            [inserted[0]!.id, action, from, to, at(when)],
          );
        }
      }
    });

    const query = (q: string) => dispatcher.get(`/api/v1/indicators?${q}&from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`);

    it('computes each rate of the district as worked out by hand', async () => {
      const res = await query(`scope=district&code=${DISTRICT}`);
      expect(res.status).toBe(200);
      expect(res.body.rows).toHaveLength(1);
      const [row] = res.body.rows;
      expect(row).toMatchObject({ scope: 'district', code: DISTRICT, name: '杏花岭区' });
      expect(row.counts).toEqual({
        reported: 8, voided: 1, filed: 6, verified: 4, verifiedOnTime: 3, dispatched: 6, dispatchedOnTime: 5,
        dueToClose: 5, closed: 4, closedOnTime: 3, reworked: 1, extended: 1, reinspected: 4, reinspectedOnTime: 3,
        overdue: 1, publicFound: 3,
        meanResponseMinutes: 22, // accepted − dispatched of 1, 2, 3, 4, 8: (10 + 20 + 30 + 10 + 40) / 5
        meanHandlingMinutes: 142.5, // (60 + 300 + 120 + 90) / 4
      });
      expect(row.rates).toEqual({
        closureRate: 80, // 4 / 5
        onTimeClosureRate: 60, // 3 / 5
        reworkRate: 16.67, // 1 / 6
        extensionRate: 16.67, // 1 / 6
        onTimeDispatchRate: 83.33, // 5 / 6
        accurateDispatchRate: 83.33, // (6 − 1) / 6
        onTimeVerificationRate: 75, // 3 / 4
        onTimeReinspectionRate: 75, // 3 / 4
        validReportRate: 85.71, // 6 / 7
        missedReportRate: 50, // 3 / 6
      });
      expect(row).toMatchObject({ score: 60, grade: 'C' });
    });

    it('groups by unit grid under an area, sums to a total, and exports CSV', async () => {
      const res = await query(`scope=grid&code=${STREET}`);
      expect(res.body.rows.map((r: any) => [r.code, r.counts.reported, r.counts.closed, r.rates.closureRate])).toEqual([
        [GA, 4, 3, 75], // closed 1, 2, 3 of due 1, 2, 3, 4
        [GB, 4, 1, 100], // closed 8 of due 8
      ]);
      expect(res.body.total.rates.closureRate).toBe(80);
      expect(res.body.total.counts.meanHandlingMinutes).toBe(142.5);
      const csv = await fetch(`${base}/api/v1/indicators?scope=grid&code=${STREET}&from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&format=csv`, {
        headers: { authorization: `Bearer ${(dispatcher as any).token}` },
      });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
      const lines = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toContain('结案率 closure rate %');
      expect(lines).toHaveLength(4);
      expect(lines[1]!.startsWith(`${GA},三墙路第1网格,4,`)).toBe(true);
      expect(lines[3]).toMatch(/^合计 total,/);
    });

    it('groups by department and worker, refuses bad scopes and periods', async () => {
      const dept = await query('scope=department');
      expect(dept.body.rows).toEqual([]); // the hand-built incidents carry no department
      expect((await query('scope=county')).status).toBe(400);
      expect((await query(`scope=district&code=${GA}`)).status).toBe(400);
      const reversed = await dispatcher.get(`/api/v1/indicators?scope=district&from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`);
      expect(reversed.status).toBe(400);
      const worker = await Api.of(hub).login('worker01', DEMO_WORKER_PASSWORD);
      expect((await worker.get('/api/v1/indicators?scope=district')).status).toBe(403);
    });
  });

  describe('Open311 GeoReport v2', () => {
    const REQUEST_FIELDS = [
      'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible',
      'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode',
      'lat', 'long', 'media_url',
    ];
    const PHONE = '13812345678';
    const EMAIL = 'zhang.san@example.com';
    let requestId = '';
    let token = '';
    const open311 = (path: string, init?: RequestInit) => fetch(`${base}/open311/v2/${path}`, init);

    it('lists the public services in JSON and XML, with a service definition', async () => {
      const json = await open311('services.json');
      expect(json.status).toBe(200);
      const services = await json.json();
      expect(Object.keys(services[0]).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
      const codes = services.map((s: any) => s.service_code);
      expect(codes).toContain('garbage_exposed');
      expect(codes).not.toContain('air_pollution'); // sensors only
      const x = await open311('services.xml');
      expect(x.headers.get('content-type')).toMatch(/xml/);
      const parsed = xml.parse(await x.text());
      const list = [].concat(parsed.services.service);
      expect(list.map((s: any) => s.service_code)).toEqual(codes);
      expect(Object.keys(list[0]).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
      const def = xml.parse(await (await open311('services/garbage_exposed.xml')).text());
      expect(def.service_definition.service_code).toBe('garbage_exposed');
      expect(def.service_definition.attributes.attribute).toMatchObject({ variable: 'true', code: 'danger', datatype: 'singlevaluelist', required: 'false' });
      const missing = await open311('services/air_pollution.json');
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual([{ code: 404, description: expect.stringMatching(/air_pollution/) }]);
    });

    it('takes a form-encoded request, answers its id and token, and publishes it without the contact data', async () => {
      const form = new URLSearchParams({
        api_key: 'fixmystreet-test', service_code: 'garbage_exposed', lat: '37.8555', long: '112.5466', address_string: '迎泽大街 1 号',
        description: '路边垃圾堆积 Rubbish piled by the road', first_name: '三', last_name: '张', phone: PHONE, email: EMAIL,
        'attribute[danger]': 'no', media_url: 'https://example.com/photo.jpg',
      });
      const res = await open311('requests.json', { method: 'POST', body: form });
      expect(res.status).toBe(201);
      const [created] = await res.json();
      expect(created.service_request_id).toMatch(/^GH\d{14}$/);
      expect(created.token).toMatch(/^[0-9a-f-]{36}$/);
      requestId = created.service_request_id;
      token = created.token;

      const byToken = await (await open311(`tokens/${token}.json`)).json();
      expect(byToken).toEqual([{ service_request_id: requestId, token }]);

      const oneRaw = await (await open311(`requests/${requestId}.json`)).text();
      const [one] = JSON.parse(oneRaw);
      expect(Object.keys(one)).toEqual(REQUEST_FIELDS);
      expect(one).toMatchObject({
        service_request_id: requestId, status: 'open', service_code: 'garbage_exposed', service_name: '暴露垃圾 / Exposed garbage',
        description: '路边垃圾堆积 Rubbish piled by the road', address: '迎泽大街 1 号', lat: 37.8555, long: 112.5466,
        media_url: 'https://example.com/photo.jpg',
      });
      expect(one.requested_datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      expect(one.agency_responsible).toBeTruthy();
      for (const secret of [PHONE, '5678', EMAIL, 'zhang', '张三']) expect(oneRaw).not.toContain(secret);

      const xmlRaw = await (await open311(`requests/${requestId}.xml`)).text();
      for (const secret of [PHONE, EMAIL, '张三']) expect(xmlRaw).not.toContain(secret);
      const request = xml.parse(xmlRaw).service_requests.request;
      expect(Object.keys(request)).toEqual(REQUEST_FIELDS);
      expect(request).toMatchObject({ service_request_id: requestId, status: 'open', lat: '37.8555', long: '112.5466' });

      // Stored for the command centre: the dispatcher sees the contact in full.
      const incidents = (await dispatcher.get('/api/v1/incidents?limit=100')).body.items;
      const incident = incidents.find((i: any) => i.code === requestId);
      expect(incident).toMatchObject({ source: 'public', category: 'garbage_exposed', reporterPhone: PHONE, reporterEmail: EMAIL, reporterName: '张三' });
    });

    it('takes a JSON request and answers in XML; lists requests with filters', async () => {
      const res = await open311('requests.xml', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service_code: 'street_lamp', lat: 37.8546, long: 112.5480, description: '路灯不亮', phone: '13900001111' }),
      });
      expect(res.status).toBe(201);
      const created = xml.parse(await res.text()).service_requests.request;
      expect(created.service_request_id).toMatch(/^GH/);
      expect(created.token).toMatch(/^[0-9a-f-]{36}$/);

      const all = await (await open311('requests.json')).json();
      expect(all.map((r: any) => r.service_request_id)).toEqual(expect.arrayContaining([requestId, created.service_request_id]));
      expect(all.every((r: any) => !JSON.stringify(r).includes('13900001111'))).toBe(true);
      const lamps = await (await open311('requests.json?service_code=street_lamp&status=open')).json();
      expect(lamps.map((r: any) => r.service_request_id)).toEqual([created.service_request_id]);
      const closed = await (await open311('requests.json?status=closed')).json();
      expect(closed.map((r: any) => r.service_request_id)).not.toContain(requestId);
      const two = xml.parse(await (await open311(`requests.xml?service_request_id=${requestId},${created.service_request_id}`)).text());
      expect([].concat(two.service_requests.request)).toHaveLength(2);
      const old = await (await open311('requests.json?start_date=2020-01-01T00:00:00%2B08:00&end_date=2020-02-01T00:00:00%2B08:00')).json();
      expect(old).toEqual([]);
    });

    it('answers errors in the GeoReport format, in JSON and XML', async () => {
      const noService = await open311('requests.json', { method: 'POST', body: new URLSearchParams({ lat: '37.85', long: '112.54' }) });
      expect(noService.status).toBe(400);
      expect(await noService.json()).toEqual([{ code: 400, description: expect.stringMatching(/service_code/) }]);
      const outside = await open311('requests.xml', { method: 'POST', body: new URLSearchParams({ service_code: 'garbage_exposed', lat: '39.9', long: '116.4' }) });
      expect(outside.status).toBe(400);
      const errors = xml.parse(await outside.text()).errors.error;
      expect(errors).toMatchObject({ code: '400', description: expect.stringMatching(/outside/) });
      const addressOnly = await open311('requests.json', { method: 'POST', body: new URLSearchParams({ service_code: 'garbage_exposed', address_string: '迎泽大街' }) });
      expect((await addressOnly.json())[0].description).toMatch(/lat and long/);
      const badPhone = await open311('requests.json', { method: 'POST', body: new URLSearchParams({ service_code: 'garbage_exposed', lat: '37.8555', long: '112.5466', phone: 'call me' }) });
      expect(badPhone.status).toBe(400);
      const badAttribute = await open311('requests.json', {
        method: 'POST',
        body: new URLSearchParams({ service_code: 'garbage_exposed', lat: '37.8555', long: '112.5466', 'attribute[danger]': 'maybe' }),
      });
      expect((await badAttribute.json())[0].description).toMatch(/attribute\[danger\]/);
      expect((await open311('requests/GH0000.json')).status).toBe(404);
      expect((await open311('tokens/00000000-0000-0000-0000-000000000000.xml')).status).toBe(404);
      expect((await open311('requests.json?status=maybe')).status).toBe(400);
      expect((await open311('services.html')).status).toBe(404);
    });
  });
});
