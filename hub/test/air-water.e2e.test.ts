import { MqttClient } from 'mqtt';
import { MaintenanceService } from '@gridhub/ingest';
import { startHub, RunningHub } from '../src/bootstrap';
import { Api, connect, eventually } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/**
 * AQI (HJ 633, both editions) and water classes (GB 3838-2002) through the public interfaces: stations publish
 * real readings over MQTT, the roll-up job runs, and the API's answers are checked against values worked by hand.
 */
describe('air quality and water quality (PostgreSQL server path)', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let admin: Api;
  let dispatcher: Api;
  const clients: MqttClient[] = [];

  // China calendar day 2025-11-20 (00:00 UTC+8 = 2025-11-19T16:00Z), under HJ 633-2012; hour k starts at DAY + k h.
  const DAY = Date.parse('2025-11-20T00:00:00+08:00');
  const H = 3_600_000;
  const at = (k: number, minute: number) => new Date(DAY + k * H + minute * 60_000).toISOString();
  const iso = (ms: number) => new Date(ms).toISOString();
  const q = (s: string) => encodeURIComponent(s);
  const hourly = (deviceOrGrid: string, from: number, to: number, extra = '') =>
    dispatcher.get(`/api/v1/air/aqi?${deviceOrGrid}&kind=hourly&from=${q(iso(from))}&to=${q(iso(to))}${extra}`);

  const register = async (body: Record<string, unknown>) => {
    const res = await admin.request('POST', '/api/v1/devices', body);
    expect(res.status).toBe(201);
    return res.body as { device: { id: string; gridCode: string }; secret: string };
  };
  const station = async (body: Record<string, unknown>) => {
    const { device, secret } = await register(body);
    const client = await connect(hub, device.id, secret);
    clients.push(client);
    return { id: device.id, gridCode: device.gridCode, client };
  };
  const publish = (s: { id: string; client: MqttClient }, family: string, ts: string, readings: Record<string, number>) =>
    s.client.publishAsync(`gridhub/v1/${family}/${s.id}/data`, JSON.stringify({ ts, readings }), { qos: 1 });

  /**
   * Runs the roll-up job (roll-ups, then AQI) until nothing is left dirty. The hub's scheduled run of the same
   * job may hold some pairs at that moment; empty tables seen from here mean its transactions committed too.
   */
  const settle = () =>
    eventually(async () => {
      await hub.app.get(MaintenanceService).rollup();
      const { rows } = await hub.database.pool.query('select (select count(*) from rollup_dirty) + (select count(*) from aqi_dirty) as n');
      return Number(rows[0].n) === 0 ? true : undefined;
    }, 15_000, 'roll-ups and AQI up to date');

  beforeAll(async () => {
    env = await testEnv('server');
    hub = await startHub(env.config);
    admin = await Api.of(hub).login('admin', 'test-admin-password');
    dispatcher = await Api.of(hub).login('dispatcher', 'Dispatch-2026');
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await hub?.close();
    await env?.cleanup();
  });

  describe('AQI', () => {
    let a: { id: string; gridCode: string; client: MqttClient };
    let b: typeof a;
    let c: typeof a;

    beforeAll(async () => {
      // A and B in community 140106001001 (district 140106), C in district 140105 — cells of the demo city.
      a = await station({ id: 'aq-a', family: 'air', name: 'AQ A', lon: 112.54657, lat: 37.85555 });
      b = await station({ id: 'aq-b', family: 'air', name: 'AQ B', lon: 112.54771, lat: 37.85465 });
      c = await station({ id: 'aq-c', family: 'air', name: 'AQ C', lon: 112.54657, lat: 37.85285 });
      expect([a.gridCode, b.gridCode, c.gridCode]).toEqual(['140106001001001', '140106001001004', '140105001001001']);
      const sends: Promise<unknown>[] = [];
      for (let k = 0; k < 24; k++) {
        // A: two samples an hour whose mean is PM2.5 40 + k; O3 100 except 300 at hour 14.
        for (const [minute, d] of [[10, -2], [40, 2]] as const) {
          sends.push(publish(a, 'air', at(k, minute), { pm25: 40 + k + d, pm10: 80, no2: 40, co: 0.8, so2: 10, o3: k === 14 ? 300 : 100 }));
        }
        // B: PM2.5 80; SO2 100 except 900 at hour 20 (the 1-hour > 800 case). C: clean air.
        sends.push(publish(b, 'air', at(k, 20), { pm25: 80, so2: k === 20 ? 900 : 100 }));
        sends.push(publish(c, 'air', at(k, 20), { pm25: 20 }));
      }
      await Promise.all(sends);
      await settle();
    });

    it('serves a station’s hourly AQI with IAQI per pollutant, level, category, colour and primary pollutant', async () => {
      const res = await hourly('deviceId=aq-a', DAY, DAY + 24 * H);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        kind: 'hourly', station: { id: 'aq-a', gridCode: '140106001001001' },
        editions: [{ edition: 'HJ 633-2012', from: iso(DAY), to: iso(DAY + 24 * H) }],
      });
      expect(res.body.reports).toHaveLength(24);
      const h20 = res.body.reports[20];
      // PM2.5 60 → 50 + 50 × 25/40 = 81.25 → 82; PM10 80 → 65; NO2 40 (1-hour) → 20; CO 0.8 (1-hour) → 8; SO2 10 → 3.3 → 4;
      // O3 100 → 31.25 → 32; O3 8-hour over hours 13…20 = (7 × 100 + 300) / 8 = 125 → 50 + 50 × 25/60 = 70.8 → 71.
      expect(h20).toEqual({
        kind: 'hourly', edition: 'HJ 633-2012', time: iso(DAY + 20 * H), end: iso(DAY + 21 * H),
        aqi: 82, level: 2, levelZh: '二级', categoryZh: '良', categoryEn: 'good',
        colour: { name: 'yellow', rgb: [255, 255, 0], hex: '#ffff00' },
        primaryPollutants: ['pm25'], exceedingPollutants: [],
        iaqi: { so2: 4, no2: 20, pm10: 65, co: 8, o3: 32, o3_8h: 71, pm25: 82 },
        concentrations: { so2: 10, no2: 40, pm10: 80, co: 0.8, o3: 100, o3_8h: 125, pm25: 60 },
      });
      // hour 14: O3 300 → 150 (轻度污染), O3 first
      expect(res.body.reports[14]).toMatchObject({ aqi: 150, level: 3, categoryZh: '轻度污染', primaryPollutants: ['o3'], exceedingPollutants: ['o3'] });
      // hour 0: only 1 hour of O3, no 8-hour mean yet (needs 6)
      expect(res.body.reports[0].iaqi.o3_8h).toBeUndefined();
      expect(res.body.reports[5].iaqi.o3_8h).toBe(50); // hours 0…5: six hours of 100
    });

    it('indexes an SO2 1-hour value above 800 by its 24-hour mean', async () => {
      const res = await hourly('deviceId=aq-b', DAY + 20 * H, DAY + 21 * H);
      // SO2 24-hour mean over hours 0…20 (21 ≥ 20 hours): (20 × 100 + 900) / 21 = 138.1 → 138 → 50 + 50 × 88/100 = 94
      // PM2.5 80 → 100 + 50 × 5/40 = 106.25 → 107
      expect(res.body.reports).toEqual([
        expect.objectContaining({ aqi: 107, level: 3, primaryPollutants: ['pm25'], iaqi: { so2: 94, pm25: 107 }, concentrations: { so2: 900, so2_24h: 138, pm25: 80 } }),
      ]);
    });

    it('serves daily AQI from 24-hour means and the O3 daily maxima', async () => {
      const res = await dispatcher.get(`/api/v1/air/aqi?deviceId=aq-a&kind=daily&from=${q(iso(DAY))}&to=${q(iso(DAY + 24 * H))}`);
      expect(res.status).toBe(200);
      // PM2.5 mean 51.5 → 52 (half to even) → 50 + 50 × 17/40 = 71.25 → 72; NO2 40 (24-hour) → 50; CO 0.8 → 20;
      // O3 max 1-hour 300 → 150; max 8-hour 125 → 71
      expect(res.body.reports).toEqual([
        expect.objectContaining({
          kind: 'daily', time: iso(DAY), end: iso(DAY + 24 * H), hours: 24, aqi: 150, level: 3, primaryPollutants: ['o3'],
          iaqi: { so2: 10, no2: 50, pm10: 65, co: 20, o3: 150, o3_8h: 71, pm25: 72 },
        }),
      ]);
      const bDay = await dispatcher.get(`/api/v1/air/aqi?deviceId=aq-b&kind=daily&from=${q(iso(DAY))}&to=${q(iso(DAY + 24 * H))}`);
      // SO2 24-hour mean (23 × 100 + 900) / 24 = 133.3 → 133 → 91.5 → 92, on the 24-hour column (no special case)
      expect(bDay.body.reports[0]).toMatchObject({ aqi: 107, iaqi: { so2: 92, pm25: 107 } });
    });

    it('computes an area’s AQI from the mean concentrations of its stations, with ties', async () => {
      const res = await hourly('gridCode=140106', DAY + 20 * H, DAY + 21 * H);
      expect(res.status).toBe(200);
      expect(res.body.area).toMatchObject({ code: '140106', name: '迎泽区', level: 'district' });
      expect(res.body.area.stations.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(['aq-a', 'aq-b']));
      // PM2.5 (60 + 80) / 2 = 70 → 93.75 → 94; SO2 (10 + 900) / 2 = 455 (1-hour column) → 93.6 → 94: a tie
      expect(res.body.reports).toEqual([
        expect.objectContaining({ aqi: 94, stations: 2, primaryPollutants: ['so2', 'pm25'], concentrations: expect.objectContaining({ pm25: 70, so2: 455 }) }),
      ]);
      const perStation = await hourly('gridCode=140106001001', DAY + 20 * H, DAY + 22 * H, '&per=station');
      expect(perStation.body.series).toEqual(
        expect.arrayContaining([
          { deviceId: 'aq-a', reports: [expect.objectContaining({ aqi: 82 }), expect.objectContaining({ aqi: 83 })] },
          { deviceId: 'aq-b', reports: [expect.objectContaining({ aqi: 107 }), expect.objectContaining({ aqi: 107 })] },
        ]),
      );
    });

    it('ranks stations and districts best first', async () => {
      const stations = await dispatcher.get(`/api/v1/air/ranking?kind=hourly&level=station&at=${q(iso(DAY + 20 * H + 30 * 60_000))}`);
      expect(stations.status).toBe(200);
      expect(stations.body).toMatchObject({ kind: 'hourly', level: 'station', edition: 'HJ 633-2012', time: iso(DAY + 20 * H) });
      // C: PM2.5 20 → 28.6 → 29
      expect(stations.body.items.map((i: any) => [i.rank, i.deviceId, i.aqi])).toEqual([[1, 'aq-c', 29], [2, 'aq-a', 82], [3, 'aq-b', 107]]);
      const districts = await dispatcher.get(`/api/v1/air/ranking?kind=hourly&level=district&at=${q(iso(DAY + 20 * H))}`);
      expect(districts.body.items.map((i: any) => [i.rank, i.gridCode, i.name, i.aqi, i.stations])).toEqual([
        [1, '140105', '小店区', 29, 1],
        [2, '140106', '迎泽区', 94, 2],
      ]);
      const daily = await dispatcher.get(`/api/v1/air/ranking?kind=daily&level=district&at=${q(iso(DAY + 5 * H))}`);
      // 140106: PM2.5 (52 + 80) / 2 = 66 → 88.75 → 89; O3 only A: 300 → 150
      expect(daily.body.items.map((i: any) => [i.gridCode, i.aqi, i.primaryPollutants])).toEqual([['140105', 29, []], ['140106', 150, ['o3']]]);
    });

    it('recomputes neighbouring hours when late data changes an hour', async () => {
      // a late O3 sample in hour 13: its mean becomes (100 + 100 + 500) / 3 = 233.3, so the 8-hour mean ending at
      // hour 20 becomes (6 × 100 + 300 + 233.3) / 8 = 141.7 → 142 → 50 + 50 × 42/60 = 85, above PM2.5's 82
      await publish(a, 'air', at(13, 50), { o3: 500 });
      await settle();
      const res = await hourly('deviceId=aq-a', DAY + 20 * H, DAY + 21 * H);
      expect(res.body.reports[0]).toMatchObject({ aqi: 85, primaryPollutants: ['o3_8h'], concentrations: expect.objectContaining({ o3_8h: 142 }) });
    });

    it('refuses bad requests with reasons, and grid workers', async () => {
      const bad = async (query: string, status: number, message: RegExp) => {
        const res = await dispatcher.get(`/api/v1/air/aqi?${query}`);
        expect(res.status).toBe(status);
        expect(JSON.stringify(res.body.message)).toMatch(message);
      };
      await bad('kind=hourly', 400, /either a deviceId or a gridCode/);
      await bad('deviceId=aq-a&gridCode=140106', 400, /either a deviceId or a gridCode/);
      await bad('deviceId=aq-a&kind=weekly', 400, /kind must be hourly or daily/);
      await bad('deviceId=aq-a&from=yesterday', 400, /from must be an ISO 8601 time/);
      await bad(`deviceId=aq-a&from=${q(iso(DAY))}&to=${q(iso(DAY - H))}`, 400, /from must be before to/);
      await bad(`deviceId=aq-a&from=${q(iso(DAY - 40 * 24 * H))}&to=${q(iso(DAY))}`, 400, /at most 32 days/);
      await bad('gridCode=14x', 400, /gridCode must be/);
      await bad('gridCode=999999', 404, /grid 999999 not found/);
      await bad('deviceId=nope', 404, /device nope not found/);
      await bad('deviceId=water-001', 400, /not an air station/);
      const ranking = await dispatcher.get('/api/v1/air/ranking?level=country');
      expect(ranking.status).toBe(400);
      expect(JSON.stringify(ranking.body.message)).toMatch(/level must be one of station, district/);
      const worker = await Api.of(hub).login('worker01', 'Worker-2026');
      expect((await worker.get('/api/v1/air/aqi?deviceId=aq-a')).status).toBe(403);
      expect((await worker.get('/api/v1/water/quality?deviceId=water-001')).status).toBe(403);
      expect((await admin.get('/api/v1/air/ranking')).status).toBe(200);
    });
  });

  describe('HJ 633 editions across 2026-03-01 00:00 +08:00', () => {
    const CHANGE = Date.parse('2026-03-01T00:00:00+08:00');
    const hourAt = (k: number) => iso(CHANGE + k * H);
    let e: { id: string; gridCode: string; client: MqttClient };

    beforeAll(async () => {
      e = await station({ id: 'aq-e', family: 'air', name: 'AQ E', lon: 112.54700, lat: 37.85540 });
      const sends: Promise<unknown>[] = [];
      // Hours 20:00 … 23:00 on 28 February and 00:00 … 03:00 on 1 March: PM2.5 60 and PM10 120 (the new IAQI-100
      // limits), SO2 900 (1-hour, no 24-hour mean possible) at 22:00 and at 01:00; then PM2.5 70 to the end of 1 March.
      for (let k = -4; k < 24; k++) {
        const so2: Record<string, number> = k === -2 || k === 1 ? { so2: 900 } : {};
        sends.push(publish(e, 'air', new Date(CHANGE + k * H + 15 * 60_000).toISOString(), { pm25: k < 4 ? 60 : 70, pm10: 120, ...so2 }));
      }
      await Promise.all(sends);
      await settle();
    });

    it('indexes each hour by the edition in force for it, and splits the range at the change', async () => {
      const res = await hourly('deviceId=aq-e', CHANGE - 4 * H, CHANGE + 4 * H);
      expect(res.status).toBe(200);
      expect(res.body.editions).toEqual([
        { edition: 'HJ 633-2012', from: hourAt(-4), to: hourAt(0) },
        { edition: 'HJ 633-2026', from: hourAt(0), to: hourAt(4) },
      ]);
      const byTime = new Map<string, any>(res.body.reports.map((r: any) => [r.time, r]));
      // 23:00 on 28 February (HJ 633-2012): PM2.5 60 → 81.25 → 82, PM10 120 → 50 + 50 × 70/100 = 85
      expect(byTime.get(hourAt(-1))).toMatchObject({ edition: 'HJ 633-2012', aqi: 85, level: 2, primaryPollutants: ['pm10'], exceedingPollutants: [], iaqi: { pm25: 82, pm10: 85 } });
      // 00:00 on 1 March (HJ 633—2026): both at their new IAQI-100 limits, a tie; no 超标污染物 any more
      const first2026 = byTime.get(hourAt(0));
      expect(first2026).toMatchObject({ edition: 'HJ 633-2026', aqi: 100, level: 2, primaryPollutants: ['pm10', 'pm25'], iaqi: { pm25: 100, pm10: 100 } });
      expect(first2026).not.toHaveProperty('exceedingPollutants');
      // SO2 900 with no 24-hour mean: not indexed under 2012 (PM10 decides), IAQI 200 under 2026
      expect(byTime.get(hourAt(-2))).toMatchObject({ edition: 'HJ 633-2012', aqi: 85, iaqi: { pm25: 82, pm10: 85 } });
      expect(byTime.get(hourAt(-2)).iaqi.so2).toBeUndefined();
      expect(byTime.get(hourAt(1))).toMatchObject({ edition: 'HJ 633-2026', aqi: 200, level: 4, primaryPollutants: ['so2'], iaqi: { so2: 200 } });
      expect(res.body.reports).toHaveLength(8);
    });

    it('judges 1 March against GB 3095—2026’s transition limit (PM2.5 60), where 2012’s (75) would have passed it', async () => {
      const res = await dispatcher.get(`/api/v1/air/compliance?deviceId=aq-e&from=${q(hourAt(-24))}&to=${q(hourAt(24))}`);
      expect(res.status).toBe(200);
      // 28 February has 4 hours (< 20): no daily values. 1 March: PM2.5 (4 × 60 + 20 × 70) / 24 = 68.3 → 68 > 60,
      // (68 − 60) / 60 = 0.13; PM10 120 ≤ 150; SO2 was measured in one hour of the day only: no 24-hour mean.
      expect(res.body.stations).toEqual([
        expect.objectContaining({
          deviceId: 'aq-e', judgedDays: 1, compliantDays: 0, complianceRate: 0,
          days: [expect.objectContaining({
            day: hourAt(0), stage: 'GB 3095-2026 transition', compliant: false, exceeding: ['pm25'],
            items: { pm10: { value: 120, limit: 150, exceeds: false, multiple: 0 }, pm25: { value: 68, limit: 60, exceeds: true, multiple: 0.13 } },
          })],
        }),
      ]);
      // The daily AQI of 1 March under HJ 633—2026: PM2.5 68 → 100 + 50 × 8/55 = 107.3 → 108; PM10 120 → 100
      const daily = await dispatcher.get(`/api/v1/air/aqi?deviceId=aq-e&kind=daily&from=${q(hourAt(0))}&to=${q(hourAt(24))}`);
      expect(daily.body.reports).toEqual([expect.objectContaining({ edition: 'HJ 633-2026', aqi: 108, level: 3, primaryPollutants: ['pm25'], hours: 24 })]);
      const area = await dispatcher.get(`/api/v1/air/compliance?gridCode=${e.gridCode.slice(0, 6)}&from=${q(hourAt(0))}&to=${q(hourAt(24))}`);
      expect(area.status).toBe(200);
      expect(area.body.stations.find((x: any) => x.deviceId === 'aq-e')).toMatchObject({ judgedDays: 1, compliantDays: 0 });
      expect((await dispatcher.get('/api/v1/air/compliance')).status).toBe(400);
    });

    it('ranks an hour under its own edition', async () => {
      const before = await dispatcher.get(`/api/v1/air/ranking?kind=hourly&level=station&at=${q(iso(CHANGE - 1))}`);
      const after = await dispatcher.get(`/api/v1/air/ranking?kind=hourly&level=station&at=${q(iso(CHANGE))}`);
      expect(before.body).toMatchObject({ edition: 'HJ 633-2012', time: hourAt(-1) });
      expect(after.body).toMatchObject({ edition: 'HJ 633-2026', time: hourAt(0) });
      expect(before.body.items.find((i: any) => i.deviceId === 'aq-e')).toMatchObject({ aqi: 85 });
      expect(after.body.items.find((i: any) => i.deviceId === 'aq-e')).toMatchObject({ aqi: 100 });
    });

    it('recomputes reports stored under the old edition and says how many changed (admins only)', async () => {
      // A report of 1 March as a release before HJ 633—2026 stored it.
      await hub.database.pool.query(
        `update aqi_hourly set aqi = 85, level = 2, primary_pollutants = '{pm10}', iaqi = '{"pm25": 82, "pm10": 85}' where device_id = 'aq-e' and hour = $1`,
        [hourAt(0)],
      );
      expect((await hourly('deviceId=aq-e', CHANGE, CHANGE + H)).body.reports[0].aqi).toBe(85);
      expect((await dispatcher.request('POST', '/api/v1/air/aqi/recompute', {})).status).toBe(403);
      const res = await admin.request('POST', '/api/v1/air/aqi/recompute', {});
      expect(res.status).toBe(200);
      // Every station hour from 1 March with data: aq-e's 24; only the one altered above differs.
      expect(res.body).toMatchObject({ since: hourAt(0), marked: 24, hours: 24, hourlyChanged: 1, dailyChanged: 0 });
      expect((await hourly('deviceId=aq-e', CHANGE, CHANGE + H)).body.reports[0]).toMatchObject({ aqi: 100, edition: 'HJ 633-2026' });
      const bad = await admin.request('POST', '/api/v1/air/aqi/recompute', { since: 'last spring' });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.message)).toMatch(/since must be an ISO 8601 time/);
    });
  });

  describe('water', () => {
    let river: { id: string; gridCode: string; client: MqttClient };
    let lake: typeof river;
    const T1 = Date.parse('2026-11-21T10:05:00+08:00');
    const T2 = Date.parse('2026-11-21T10:35:00+08:00');
    const T3 = Date.parse('2026-11-21T11:10:00+08:00');
    const range = `from=${q('2026-11-21T00:00:00+08:00')}&to=${q('2026-11-22T00:00:00+08:00')}`;

    beforeAll(async () => {
      river = await station({
        id: 'wq-river', family: 'water', name: 'WQ river', lon: 112.5462, lat: 37.851,
        attributes: { kind: 'river', target_class: 'III', warning_level_m: 777.5, guaranteed_level_m: 778.8 },
      });
      lake = await station({ id: 'wq-lake', family: 'water', name: 'WQ reservoir', lon: 112.5463, lat: 37.8511, attributes: { kind: 'reservoir', target_class: 'II' } });
      await publish(river, 'water', iso(T1), { ph: 7.5, do_mgl: 6.5, codmn_mgl: 3, nh3n_mgl: 0.8, tp_mgl: 0.15, level_m: 777.0, rain_mm: 1.5 });
      await publish(river, 'water', iso(T2), { ph: 7, do_mgl: 4, nh3n_mgl: 1.6, tp_mgl: 0.1, tn_mgl: 3, level_m: 777.9, rain_mm: 2.5 });
      await publish(river, 'water', iso(T3), { level_m: 779.0, rain_mm: 4, flow_m3s: 120 });
      await publish(lake, 'water', iso(T1), { tp_mgl: 0.1, tn_mgl: 0.4, do_mgl: 8 });
      await settle();
    });

    it('classes each sample by its worst item and compares it with the station’s target class', async () => {
      const res = await dispatcher.get(`/api/v1/water/quality?deviceId=wq-river&kind=sample&${range}`);
      expect(res.status).toBe(200);
      expect(res.body.station).toMatchObject({ id: 'wq-river', waterbody: 'river', targetClass: { klass: 3, labelZh: 'Ⅲ类' } });
      expect(res.body.samples).toHaveLength(2); // the level-only message is no water-quality sample
      // DO 6.5 → II, CODMn 3 → II, NH3-N 0.8 → III, TP 0.15 (river) → III
      expect(res.body.samples[0]).toMatchObject({
        time: iso(T1), klass: 3, labelZh: 'Ⅲ类', labelEn: 'Class III', limitingItems: ['nh3n_mgl', 'tp_mgl'], missesTarget: false, exceedances: [],
        items: { ph: 1, do_mgl: 2, codmn_mgl: 2, nh3n_mgl: 3, tp_mgl: 3 },
      });
      // DO 4 → IV (≥ 3), NH3-N 1.6 → V, TP 0.1 → II; TN is not assessed in a river
      expect(res.body.samples[1]).toMatchObject({
        time: iso(T2), klass: 5, labelZh: 'Ⅴ类', limitingItems: ['nh3n_mgl'], missesTarget: true, notAssessed: ['tn_mgl'],
        items: { ph: 1, do_mgl: 4, nh3n_mgl: 5, tp_mgl: 2 },
        exceedances: [
          { item: 'do_mgl', value: 4, klass: 4, limit: 5, times: null },
          { item: 'nh3n_mgl', value: 1.6, klass: 5, limit: 1, times: 0.6 },
        ],
      });
      expect(res.body.summary).toEqual({ evaluated: 2, worst: { klass: 5, classRoman: 'V', labelZh: 'Ⅴ类', labelEn: 'Class V' }, missingTarget: 1 });
    });

    it('uses the lake and reservoir limits for TP and assesses TN there', async () => {
      const res = await dispatcher.get(`/api/v1/water/quality?deviceId=wq-lake&${range}`);
      // TP 0.1 → IV for a lake (II for a river); TN 0.4 → II; DO 8 → I
      expect(res.body.samples).toEqual([
        expect.objectContaining({ klass: 4, limitingItems: ['tp_mgl'], items: { do_mgl: 1, tp_mgl: 4, tn_mgl: 2 }, missesTarget: true }),
      ]);
    });

    it('classes each day from its daily means', async () => {
      const res = await dispatcher.get(`/api/v1/water/quality?deviceId=wq-river&kind=daily&${range}`);
      expect(res.status).toBe(200);
      // means: DO 5.25 → III, NH3-N 1.2 → IV, TP 0.125 → III, CODMn 3 → II, pH 7.25 → I
      expect(res.body.days).toEqual([
        expect.objectContaining({
          time: '2026-11-20T16:00:00.000Z', end: '2026-11-21T16:00:00.000Z', klass: 4, limitingItems: ['nh3n_mgl'], missesTarget: true,
          items: { ph: 1, do_mgl: 3, codmn_mgl: 2, nh3n_mgl: 4, tp_mgl: 3 },
        }),
      ]);
    });

    it('gives the water level against the warning and guaranteed levels, and interval and hourly rainfall', async () => {
      const res = await dispatcher.get(`/api/v1/water/level?deviceId=wq-river&${range}`);
      expect(res.status).toBe(200);
      expect(res.body.level).toMatchObject({ warningLevelM: 777.5, guaranteedLevelM: 778.8, aboveWarningReadings: 2, aboveGuaranteedReadings: 1 });
      expect(res.body.level.points).toEqual([
        { time: iso(T1), levelM: 777, state: 'normal', aboveWarningM: -0.5, aboveGuaranteedM: -1.8 },
        { time: iso(T2), levelM: 777.9, state: 'above_warning', aboveWarningM: 0.4, aboveGuaranteedM: -0.9 },
        { time: iso(T3), levelM: 779, state: 'above_guaranteed', aboveWarningM: 1.5, aboveGuaranteedM: 0.2 },
      ]);
      expect(res.body.level.peak).toMatchObject({ time: iso(T3), levelM: 779 });
      expect(res.body.rainfall).toMatchObject({
        totalMm: 8,
        interval: [{ time: iso(T1), mm: 1.5 }, { time: iso(T2), mm: 2.5 }, { time: iso(T3), mm: 4 }],
        hourly: [
          { hour: '2026-11-21T02:00:00.000Z', end: '2026-11-21T03:00:00.000Z', mm: 4, samples: 2 },
          { hour: '2026-11-21T03:00:00.000Z', end: '2026-11-21T04:00:00.000Z', mm: 4, samples: 1 },
        ],
      });
    });

    it('refuses bad requests with reasons', async () => {
      const missing = await dispatcher.get('/api/v1/water/quality');
      expect(missing.status).toBe(400);
      expect(JSON.stringify(missing.body.message)).toMatch(/deviceId must be a device id/);
      expect((await dispatcher.get(`/api/v1/water/quality?deviceId=wq-river&kind=hourly`)).status).toBe(400);
      const air = await dispatcher.get('/api/v1/water/quality?deviceId=aq-a');
      expect(air).toMatchObject({ status: 400, body: { message: expect.stringMatching(/not a water station/) } });
      expect((await dispatcher.get('/api/v1/water/level?deviceId=nope')).status).toBe(404);
      const long = await dispatcher.get(`/api/v1/water/level?deviceId=wq-river&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z`);
      expect(long).toMatchObject({ status: 400, body: { message: expect.stringMatching(/at most 31 days/) } });
    });
  });
});
