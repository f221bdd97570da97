import { XMLParser } from 'fast-xml-parser';
import { MqttClient } from 'mqtt';
import { Pool } from 'pg';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { AlertRepository, INGEST_MAINTENANCE_QUEUE, MAINTENANCE_JOBS, RuleEvaluationService, SecretHasher } from '@gridhub/ingest';
import { startHub, RunningHub } from '../src/bootstrap';
import { AccountRepository } from '../src/auth/account.repository';
import { DEMO_DISPATCHER } from '../src/seed/demo-city';
import { Api, connect, eventually, liveClient } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/**
 * Rules, event rules, the alert lifecycle and CAP warnings through the public interfaces (MQTT in, HTTP and the
 * live socket out), on the PostgreSQL server path.
 */
describe('rules and alerts (PostgreSQL server path)', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let admin: Api;
  let analyst: Api;
  let dispatcher: Api;
  const clients: MqttClient[] = [];
  const sockets: { disconnect(): unknown }[] = [];
  const secrets = new Map<string, string>();
  const xml = new XMLParser({ ignoreAttributes: false });

  // Inside unit grid 140106001001001 of the demo city; the second point is ≈ 10 m north of the first.
  const HERE = { lon: 112.5465, lat: 37.8555 };
  const NEARBY = { lon: 112.5465, lat: 37.85559 };

  beforeAll(async () => {
    env = await testEnv('server', process.env['E2E_LOG'] ? { LOG_LEVEL: process.env['E2E_LOG'] } : {});
    hub = await startHub(env.config);
    admin = await Api.of(hub).login('admin', 'test-admin-password');
    dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    await hub.app.get(AccountRepository).insert({
      username: 'env-analyst',
      passwordHash: await hub.app.get(SecretHasher).hashPassword('Analyst-2026'),
      role: 'bureau_analyst',
      displayName: '环保分析员',
      gridScope: null,
      workerId: null,
    });
    analyst = await Api.of(hub).login('env-analyst', 'Analyst-2026');
    const devices: [string, string, { lon: number; lat: number }, Record<string, unknown>][] = [
      ['air-e1', 'air', HERE, {}],
      ['air-e2', 'air', HERE, {}],
      ['air-slow', 'air', HERE, {}],
      ...Array.from({ length: 12 }, (_, i) => [`air-c${i}`, 'air', HERE, {}] as [string, string, { lon: number; lat: number }, Record<string, unknown>]),
      ['cam-e1', 'video', HERE, { bearing_deg: 90 }],
      ['cam-e2', 'video', NEARBY, { bearing_deg: 270 }],
      ['smoke-e1', 'emergency', HERE, { sensor: 'smoke' }],
    ];
    for (const [id, family, at, attributes] of devices) {
      const res = await admin.request('POST', '/api/v1/devices', { id, family, name: `e2e ${id}`, ...at, attributes });
      expect(res.status).toBe(201);
      secrets.set(id, res.body.secret);
    }
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await hub?.close();
    await env?.cleanup();
  });

  const device = async (id: string, clientId?: string) => {
    const client = await connect(hub, id, secrets.get(id)!, clientId);
    clients.push(client);
    return client;
  };
  const publish = (client: MqttClient, topic: string, payload: unknown) => client.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  const alertsOf = async (deviceId: string, ruleId?: number) => {
    const res = await analyst.get(`/api/v1/alerts?deviceId=${deviceId}&limit=1000`);
    expect(res.status).toBe(200);
    return (res.body.items as any[]).filter((a) => ruleId === undefined || a.ruleId === ruleId);
  };
  const createRule = async (body: Record<string, unknown>) => {
    const res = await analyst.request('POST', '/api/v1/rules', body);
    expect(res).toMatchObject({ status: 201 });
    return res.body as { id: number };
  };

  describe('rules API', () => {
    const valid = { name: 'SO2 高值', family: 'air', metric: 'so2', kind: 'above', threshold: 500, severity: 'red' };

    it('lists the seeded default rule set to monitoring roles and refuses others', async () => {
      const list = await dispatcher.get('/api/v1/rules');
      expect(list.status).toBe(200);
      const kinds = new Set((list.body.items as any[]).map((r) => r.kind));
      expect([...kinds].sort()).toEqual(['above', 'aqi_level', 'below', 'no_data', 'rate_of_change', 'water_class']);
      expect((list.body.items as any[]).find((r) => r.metric === 'pm25')).toMatchObject({ threshold: 150, clearThreshold: 115, severity: 'orange', incidentCategory: 'air_pollution' });
      expect((await Api.of(hub).get('/api/v1/rules')).status).toBe(401);
      expect((await dispatcher.request('POST', '/api/v1/rules', valid)).status).toBe(403);
    });

    it.each([
      ['a missing kind', { ...valid, kind: undefined }, 'kind'],
      ['a threshold that is not a number', { ...valid, threshold: 'high' }, 'threshold'],
      ['a metric the family lacks', { ...valid, metric: 'level_m' }, 'metric'],
      ['an above rule without metric', { ...valid, metric: undefined }, 'metric'],
      ['a clear level above the raise level', { ...valid, clearThreshold: 600 }, 'clearThreshold'],
      ['an AQI rule on water', { ...valid, family: 'water', metric: undefined, kind: 'aqi_level', threshold: 4 }, 'family'],
      ['an AQI level out of range', { ...valid, metric: undefined, kind: 'aqi_level', threshold: 9 }, 'threshold'],
      ['a rate rule without its unit', { ...valid, kind: 'rate_of_change', threshold: 5 }, 'ratePer'],
      ['an unknown severity', { ...valid, severity: 'purple' }, 'severity'],
      ['incident actions without a category', { ...valid, actions: 'both' }, 'incidentCategory'],
      ['a schedule time that is no time', { ...valid, schedule: { from: '25:00' } }, 'schedule.from'],
      ['a weekday 8', { ...valid, schedule: { days: [8] } }, 'schedule.days'],
      ['an unknown device in scope', { ...valid, scope: { deviceId: 'air-nope' } }, 'scope.deviceId'],
      ['a device of another family in scope', { ...valid, scope: { deviceId: 'cam-e1' } }, 'scope.deviceId'],
      ['an unknown grid in scope', { ...valid, scope: { gridCode: '999999' } }, 'scope.gridCode'],
      ['an unknown field', { ...valid, colour: 'red' }, 'colour'],
    ])('answers %s with a 400 naming the field', async (_what, body, field) => {
      const res = await analyst.request('POST', '/api/v1/rules', body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    });

    it('creates, reads, replaces and deletes a rule', async () => {
      const created = await createRule({ ...valid, durationS: 300, scope: { gridCode: '140106' }, schedule: { days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' } });
      expect(created).toMatchObject({ kind: 'above', durationS: 300, scope: { gridCode: '140106', deviceId: null }, actions: 'notify', notifyBureau: 'environment', enabled: true });
      expect((await dispatcher.get(`/api/v1/rules/${created.id}`)).body.name).toBe('SO2 高值');
      const replaced = await analyst.request('PUT', `/api/v1/rules/${created.id}`, { ...valid, threshold: 650, clearThreshold: 400 });
      expect(replaced).toMatchObject({ status: 200, body: { threshold: 650, clearThreshold: 400, durationS: 0, schedule: null } });
      expect((await analyst.request('PUT', `/api/v1/rules/${created.id}`, { ...valid, clearThreshold: 900 })).status).toBe(400);
      expect((await analyst.request('DELETE', `/api/v1/rules/${created.id}`)).status).toBe(403);
      expect((await admin.request('DELETE', `/api/v1/rules/${created.id}`)).status).toBe(204);
      expect((await dispatcher.get(`/api/v1/rules/${created.id}`)).status).toBe(404);
      expect((await admin.request('DELETE', `/api/v1/rules/${created.id}`)).status).toBe(404);
      expect((await analyst.request('PUT', '/api/v1/rules/999999', valid)).status).toBe(404);
    });
  });

  describe('alert lifecycle', () => {
    let ruleId: number;
    let firstAlertId: string;

    it('raises one alert for a breach over MQTT, pushes it live, and updates it on repeats', async () => {
      ruleId = (await createRule({ name: 'SO2 超标 (e2e)', nameEn: 'SO2 high (e2e)', family: 'air', metric: 'so2', kind: 'above', threshold: 500, clearThreshold: 300, severity: 'red', scope: { deviceId: 'air-e1' } })).id;
      const socket = await liveClient(hub, analyst.accessToken);
      sockets.push(socket);
      const station = await device('air-e1');
      const topic = 'gridhub/v1/air/air-e1/data';
      await publish(station, topic, { ts: minutesAgo(10), readings: { so2: 420 } });
      await publish(station, topic, { ts: minutesAgo(9), readings: { so2: 600 } });
      const [alert] = await eventually(async () => {
        const found = await alertsOf('air-e1', ruleId);
        return found.length > 0 ? found : undefined;
      }, 10_000, 'the alert');
      expect(alert).toMatchObject({ status: 'raised', severity: 'red', kind: 'rule', source: 'sensor', value: 600, count: 1, gridCode: '140106001001001', bureau: 'environment' });
      firstAlertId = alert.id;
      const pushed = await eventually(async () => socket.received.find((r) => r.event === 'alert.raised' && r.payload.id === alert.id), 5_000, 'the live push');
      expect(pushed.payload).toMatchObject({ ruleId, deviceId: 'air-e1', status: 'raised' });

      await publish(station, topic, { ts: minutesAgo(8), readings: { so2: 650 } });
      await publish(station, topic, { ts: minutesAgo(7), readings: { so2: 400 } }); // between the levels: still active
      const repeated = await eventually(async () => {
        const [a] = await alertsOf('air-e1', ruleId);
        return a?.count === 2 ? a : undefined;
      }, 10_000, 'the repeat');
      expect(repeated).toMatchObject({ id: firstAlertId, status: 'raised', value: 650 });
      expect(await alertsOf('air-e1', ruleId)).toHaveLength(1);
      await eventually(async () => socket.received.find((r) => r.event === 'alert.updated' && r.payload.id === firstAlertId), 5_000, 'the update push');
    });

    it('is acknowledged once by a person, then clears through the clear level; a new breach is a new alert', async () => {
      const ack = await analyst.request('POST', `/api/v1/alerts/${firstAlertId}/acknowledge`);
      expect(ack).toMatchObject({ status: 200, body: { status: 'acknowledged', acknowledgedBy: 'user:env-analyst' } });
      expect((await analyst.request('POST', `/api/v1/alerts/${firstAlertId}/acknowledge`)).status).toBe(409);
      expect((await analyst.request('POST', '/api/v1/alerts/99999999/acknowledge')).status).toBe(404);

      const station = await device('air-e1', 'air-e1-second-session');
      const topic = 'gridhub/v1/air/air-e1/data';
      await publish(station, topic, { ts: minutesAgo(6), readings: { so2: 280 } });
      const cleared = await eventually(async () => {
        const [a] = (await alertsOf('air-e1', ruleId)).filter((x) => x.id === firstAlertId);
        return a?.status === 'cleared' ? a : undefined;
      }, 10_000, 'the clear');
      expect(cleared).toMatchObject({ clearedBy: 'system', value: 280 });

      const detail = await dispatcher.get(`/api/v1/alerts/${firstAlertId}`);
      expect(detail.status).toBe(200);
      expect(detail.body.history.map((h: any) => [h.action, h.fromStatus, h.toStatus, h.actor])).toEqual([
        ['raise', null, 'raised', 'device:air-e1'],
        ['acknowledge', 'raised', 'acknowledged', 'user:env-analyst'],
        ['clear', 'acknowledged', 'cleared', 'system'],
      ]);
      expect(detail.body.history[2].value).toBe(280);

      await publish(station, topic, { ts: minutesAgo(5), readings: { so2: 700 } });
      const next = await eventually(async () => {
        const active = (await alertsOf('air-e1', ruleId)).filter((a) => a.status !== 'cleared');
        return active.length > 0 ? active : undefined;
      }, 10_000, 'a new alert');
      expect(next).toHaveLength(1);
      expect(next[0].id).not.toBe(firstAlertId);
      // A person clears it by hand.
      const manual = await dispatcher.request('POST', `/api/v1/alerts/${next[0].id}/clear`);
      expect(manual).toMatchObject({ status: 200, body: { status: 'cleared', clearedBy: 'user:dispatcher' } });
      expect((await dispatcher.request('POST', `/api/v1/alerts/${next[0].id}/clear`)).status).toBe(409);
    });

    it('filters and pages the alert list and answers bad filters with a 400', async () => {
      const red = await analyst.get('/api/v1/alerts?severity=red&family=air&bureau=environment&gridCode=140106001&limit=1');
      expect(red.status).toBe(200);
      expect(red.body.items).toHaveLength(1);
      expect(red.body.total).toBeGreaterThanOrEqual(2);
      expect((await analyst.get('/api/v1/alerts?status=cleared&deviceId=air-e1')).body.items.every((a: any) => a.status === 'cleared')).toBe(true);
      const bad = await analyst.get('/api/v1/alerts?severity=purple');
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.message)).toMatch(/severity must be one of/);
      expect((await analyst.get('/api/v1/alerts?limit=0')).status).toBe(400);
      expect((await Api.of(hub).get('/api/v1/alerts')).status).toBe(401);
    });

    it('serves each warning as a CAP 1.2 document: Alert, Update after acknowledgement, Cancel after clearing', async () => {
      const anonymous = Api.of(hub);
      const station = await device('air-e2');
      const capRule = (await createRule({ name: 'PM10 超标 (e2e)', nameEn: 'PM10 high (e2e)', family: 'air', metric: 'pm10', kind: 'above', threshold: 400, severity: 'orange', scope: { deviceId: 'air-e2' } })).id;
      await publish(station, 'gridhub/v1/air/air-e2/data', { ts: minutesAgo(3), readings: { pm10: 500 } });
      const [alert] = await eventually(async () => {
        const found = await alertsOf('air-e2', capRule);
        return found.length > 0 ? found : undefined;
      }, 10_000, 'the alert');

      const fetchCap = async (id: string) => {
        const res = await fetch(`http://127.0.0.1:${hub.httpPort}/api/v1/alerts/${id}/cap`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/cap\+xml/);
        return xml.parse(await res.text()).alert;
      };
      const doc = await fetchCap(alert.id);
      expect(doc['@_xmlns']).toBe('urn:oasis:names:tc:emergency:cap:1.2');
      for (const field of ['identifier', 'sender', 'sent', 'status', 'msgType', 'scope']) expect(doc[field]).toBeDefined();
      expect(doc).toMatchObject({ status: 'Actual', msgType: 'Alert', scope: 'Public' });
      expect(doc.sent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      expect(doc.info.map((i: any) => i.language)).toEqual(['zh-CN', 'en-US']);
      for (const info of doc.info) {
        for (const field of ['category', 'event', 'urgency', 'severity', 'certainty', 'headline', 'description', 'instruction', 'senderName']) {
          expect(String(info[field] ?? '').length).toBeGreaterThan(0);
        }
        expect(info).toMatchObject({ category: 'Env', severity: 'Severe', urgency: 'Immediate', certainty: 'Observed' });
        const ring = String(info.area.polygon).split(' ');
        expect(ring.length).toBeGreaterThanOrEqual(4);
        expect(ring[0]).toBe(ring[ring.length - 1]);
        const [lat, lon] = ring[0]!.split(',').map(Number);
        expect(lat).toBeCloseTo(37.856, 3);
        expect(lon).toBeCloseTo(112.546, 3);
        expect(String(info.area.areaDesc)).toContain('140106001001001');
      }

      await analyst.request('POST', `/api/v1/alerts/${alert.id}/acknowledge`);
      const update = await fetchCap(alert.id);
      expect(update.msgType).toBe('Update');
      expect(update.references).toBe(`${doc.sender},${doc.identifier},${doc.sent}`);
      expect(update.identifier).not.toBe(doc.identifier);

      // The Atom feed of active warnings (public) links this warning's CAP document.
      const feedRes = await fetch(`http://127.0.0.1:${hub.httpPort}/api/v1/alerts/feed`);
      expect(feedRes.status).toBe(200);
      expect(feedRes.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
      const feed = xml.parse(await feedRes.text()).feed;
      expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
      const entries = [feed.entry ?? []].flat();
      const entry = entries.find((e: any) => String(e.link['@_href']).endsWith(`/api/v1/alerts/${alert.id}/cap`));
      expect(entry).toBeDefined();
      expect(entry.link['@_type']).toBe('application/cap+xml');

      await dispatcher.request('POST', `/api/v1/alerts/${alert.id}/clear`);
      const cancel = await fetchCap(alert.id);
      expect(cancel.msgType).toBe('Cancel');
      expect(cancel.references).toBe(`${doc.sender},${doc.identifier},${doc.sent}`);
      const after = [xml.parse(await (await fetch(`http://127.0.0.1:${hub.httpPort}/api/v1/alerts/feed`)).text()).feed.entry ?? []].flat();
      expect(after.some((e: any) => String(e.link['@_href']).endsWith(`/api/v1/alerts/${alert.id}/cap`))).toBe(false);
      expect((await anonymous.get('/api/v1/alerts/99999999/cap')).status).toBe(404);
    });

    it('offers each warning as a GB/T 35965.1 document beside CAP, with the standard’s identifier kept per message', async () => {
      const station = await device('air-e1');
      const rule = (await createRule({ name: 'NO2 超标 (e2e)', family: 'air', metric: 'no2', kind: 'above', threshold: 300, severity: 'yellow', scope: { deviceId: 'air-e1' } })).id;
      await publish(station, 'gridhub/v1/air/air-e1/data', { ts: minutesAgo(2), readings: { no2: 420 } });
      const [alert] = await eventually(async () => {
        const found = await alertsOf('air-e1', rule);
        return found.length > 0 ? found : undefined;
      }, 10_000, 'the alert');
      const fetchDoc = async (id: string) => {
        const res = await fetch(`http://127.0.0.1:${hub.httpPort}/api/v1/alerts/${id}/gbt35965`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
        return xml.parse(await res.text()).alert;
      };
      const doc = await fetchDoc(alert.id);
      // ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N: the hub's unit code (default: Taiyuan 140100), Beijing time of entry, sequence.
      expect(doc.identifier).toMatch(/^14010000000000_\d{14}_\d$/);
      expect(String(doc.identifier)).toHaveLength(31);
      const raised = new Date(alert.raisedAt);
      const beijing = new Date(Math.floor(raised.getTime() / 1000) * 1000 + 8 * 3600_000).toISOString();
      expect(String(doc.identifier).slice(15, 29)).toBe(beijing.slice(0, 19).replace(/[-T:]/g, ''));
      expect(String(doc.senderCode)).toBe('14010000000000');
      expect(doc).toMatchObject({ status: 'Actual', msgType: 'Alert', scope: 'Public' });
      expect(doc.sendTime).toBe(`${beijing.slice(0, 19)}+08:00`);
      expect(doc.info).toMatchObject({ language: 'zh-CN', severity: 'Yellow', eventType: 'rule' });
      for (const field of ['headline', 'description', 'instruction', 'senderName', 'effective']) expect(String(doc.info[field] ?? '').length).toBeGreaterThan(0);
      expect(doc.info.area.geocode.map((g: any) => [g.valueName, String(g.value)])).toEqual([['AreaCode', '140106'], ['GridCode', '140106001001001']]);
      // The identifier is given once and kept.
      expect((await fetchDoc(alert.id)).identifier).toBe(doc.identifier);

      await analyst.request('POST', `/api/v1/alerts/${alert.id}/acknowledge`);
      const update = await fetchDoc(alert.id);
      expect(update.msgType).toBe('Update');
      expect(update.references).toBe(doc.identifier);
      expect(update.identifier).not.toBe(doc.identifier);
      expect(update.identifier).toMatch(/^14010000000000_\d{14}_\d$/);
      expect((await fetch(`http://127.0.0.1:${hub.httpPort}/api/v1/alerts/99999999/gbt35965`)).status).toBe(404);
    });

    it('numbers the messages of one second 0, 1, … and keeps each number', async () => {
      const repository = hub.app.get(AlertRepository);
      const rule = await createRule({ name: 'SO2 序号 (e2e)', family: 'air', metric: 'so2', kind: 'above', threshold: 900, severity: 'blue' });
      const ids: string[] = [];
      for (const deviceId of ['air-c9', 'air-c10', 'air-c11']) ids.push((await repository.raise(rule.id, deviceId, 950, new Date())).id);
      const second = new Date('2026-07-21T06:05:09.000Z');
      expect(await repository.warningSequence(ids[0]!, 'Alert', new Date(second.getTime() + 100))).toBe(0);
      expect(await repository.warningSequence(ids[1]!, 'Alert', new Date(second.getTime() + 900))).toBe(1);
      expect(await repository.warningSequence(ids[2]!, 'Cancel', second)).toBe(2);
      expect(await repository.warningSequence(ids[0]!, 'Alert', new Date(second.getTime() + 100))).toBe(0);
      expect(await repository.warningSequence(ids[0]!, 'Alert', new Date(second.getTime() + 1000))).toBe(0); // the next second
    });
  });

  it('never duplicates an alert under concurrent readings from several devices', async () => {
    // One MQTT session per device (the broker closes an older one), so concurrency comes from many devices at once.
    const rule = await createRule({ name: 'NO2 超标 (e2e)', family: 'air', metric: 'no2', kind: 'above', threshold: 200, severity: 'yellow', scope: { gridCode: '140106001001' } });
    const ids = Array.from({ length: 12 }, (_, i) => `air-c${i}`);
    const sessions = await Promise.all(ids.map((id) => device(id)));
    const base = Date.now() - 30 * 60_000;
    await Promise.all(
      sessions.map((client, s) =>
        Promise.all(Array.from({ length: 15 }, (_, m) => publish(client, `gridhub/v1/air/${ids[s]}/data`, { ts: new Date(base + m * 1000).toISOString(), readings: { no2: 250 + m } }))),
      ),
    );
    await hub.app.get(RuleEvaluationService).drain();
    const pool = hub.app.get(Pool);
    const { rows } = await pool.query(`select device_id, count(*)::int as n, sum(count)::int as repeats from alerts where rule_id = $1 group by device_id order by device_id`, [rule.id]);
    expect(rows.map((r) => [r.device_id, r.n]).sort()).toEqual(ids.map((id) => [id, 1]).sort());
    // Every breaching reading repeats the one alert (a reading that arrives after a newer one is late data and is skipped).
    for (const r of rows) expect(r.repeats).toBeGreaterThanOrEqual(1);
    for (const r of rows) expect(r.repeats).toBeLessThanOrEqual(15);

    // Several hubs writing the same breach at once: the unique index makes one alert, every repeat counted.
    const alerts = hub.app.get(AlertRepository);
    const at = new Date();
    const results = await Promise.all(
      Array.from({ length: 12 }, () => alerts.applyRuleChanges([{ ruleId: rule.id, deviceId: 'air-e2', value: 300, at, count: 1, severity: 'yellow', summary: 'concurrent' }], [])),
    );
    expect(results.flatMap((r) => r.raised)).toHaveLength(1);
    const { rows: e2 } = await pool.query(`select count(*)::int as n, max(count)::int as count from alerts where rule_id = $1 and device_id = 'air-e2'`, [rule.id]);
    expect(e2[0]).toEqual({ n: 1, count: 12 });
  });

  it('raises a sustained rule only after the duration, remembering the breach start across a restart', async () => {
    const rule = await createRule({ name: 'CO 持续超标 (e2e)', family: 'air', metric: 'co', kind: 'above', threshold: 10, durationS: 600, severity: 'orange', scope: { deviceId: 'air-slow' } });
    const station = await device('air-slow');
    await publish(station, 'gridhub/v1/air/air-slow/data', { ts: minutesAgo(30), readings: { co: 12 } });
    await publish(station, 'gridhub/v1/air/air-slow/data', { ts: minutesAgo(25), readings: { co: 13 } });
    await hub.app.get(RuleEvaluationService).drain();
    expect(await alertsOf('air-slow', rule.id)).toHaveLength(0);

    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    for (const s of sockets.splice(0)) s.disconnect();
    await hub.close();
    hub = await startHub(env.config);
    analyst = await Api.of(hub).login('env-analyst', 'Analyst-2026');
    dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);

    const again = await device('air-slow');
    await publish(again, 'gridhub/v1/air/air-slow/data', { ts: minutesAgo(19), readings: { co: 14 } });
    const [alert] = await eventually(async () => {
      const found = await alertsOf('air-slow', rule.id);
      return found.length > 0 ? found : undefined;
    }, 10_000, 'the sustained alert');
    expect(alert).toMatchObject({ status: 'raised', value: 14, count: 1 });
  });

  it('judges an AQI-level rule under the HJ 633 edition of the readings’ time, and says which', async () => {
    // PM2.5 61 µg/m³ is AQI 83 (良, level 2) under HJ 633-2012 but 101 (轻度污染, level 3) under HJ 633—2026, in force now.
    const rule = await createRule({ name: 'AQI 轻度污染 (e2e)', family: 'air', kind: 'aqi_level', threshold: 3, severity: 'yellow', scope: { deviceId: 'air-c0' } });
    const station = await device('air-c0');
    await publish(station, 'gridhub/v1/air/air-c0/data', { ts: minutesAgo(3), readings: { pm25: 61 } });
    const [alert] = await eventually(async () => {
      const found = await alertsOf('air-c0', rule.id);
      return found.length > 0 ? found : undefined;
    }, 10_000, 'the AQI-level alert');
    expect(alert).toMatchObject({ status: 'raised', value: 3 });
    expect(alert.summary).toContain('HJ 633-2026');
  });

  it('checks "no data" rules every 30 s in a repeatable maintenance job, run once per cluster', async () => {
    const queue = hub.app.get<Queue>(getQueueToken(INGEST_MAINTENANCE_QUEUE));
    const scheduler = await queue.getJobScheduler(MAINTENANCE_JOBS.silenceSweep);
    expect(scheduler).toMatchObject({ every: 30_000, name: MAINTENANCE_JOBS.silenceSweep });
    // The first run is due at once: it completes with the time it swept at.
    const run = await eventually(async () => {
      const done = await queue.getJobs(['completed', 'failed']);
      return done.find((j) => j.name === MAINTENANCE_JOBS.silenceSweep);
    }, 10_000, 'a silence-sweep run');
    expect(await run.getState()).toBe('completed');
    expect(run.returnvalue).toEqual({ at: expect.any(String) });
  });

  it('raises "no data" for a silent device and clears it when data arrives', async () => {
    const rule = await createRule({ name: '无数据 (e2e)', family: 'air', kind: 'no_data', threshold: 5, severity: 'blue', scope: { deviceId: 'air-e2' } });
    const rules = hub.app.get(RuleEvaluationService);
    await rules.sweepSilence(new Date());
    expect(await alertsOf('air-e2', rule.id)).toHaveLength(0);
    await rules.sweepSilence(new Date(Date.now() + 10 * 60_000));
    await rules.sweepSilence(new Date(Date.now() + 11 * 60_000));
    const raised = await alertsOf('air-e2', rule.id);
    expect(raised).toHaveLength(1);
    expect(raised[0].status).toBe('raised');
    const station = await device('air-e2');
    await publish(station, 'gridhub/v1/air/air-e2/data', { ts: new Date().toISOString(), readings: { pm25: 20 } });
    await eventually(async () => ((await alertsOf('air-e2', rule.id))[0]?.status === 'cleared' ? true : undefined), 10_000, 'the clear');
  });

  describe('event rules', () => {
    const detection = (type: string, confidence: number, extra: Record<string, unknown> = {}) => ({ ts: new Date().toISOString(), type, confidence, ...extra });

    it('merges repeated detections of one situation into one alert that files one incident needing verification', async () => {
      const cam1 = await device('cam-e1');
      const cam2 = await device('cam-e2');
      await publish(cam1, 'gridhub/v1/video/cam-e1/event', detection('garbage_exposed', 0.91, { snapshot_url: 'https://example.invalid/s1.jpg' }));
      const [alert] = await eventually(async () => {
        const found = await alertsOf('cam-e1');
        return found.length > 0 ? found : undefined;
      }, 10_000, 'the video alert');
      expect(alert).toMatchObject({ kind: 'event', eventType: 'garbage_exposed', source: 'video', severity: 'blue', count: 1, emergency: false });

      await publish(cam1, 'gridhub/v1/video/cam-e1/event', detection('garbage_exposed', 0.88));
      await publish(cam2, 'gridhub/v1/video/cam-e2/event', detection('garbage_exposed', 0.95)); // ≈ 10 m away: same situation
      await publish(cam2, 'gridhub/v1/video/cam-e2/event', detection('garbage_exposed', 0.3)); // below the confidence threshold
      await hub.app.get(RuleEvaluationService).drain();
      const merged = await alertsOf('cam-e1');
      expect(merged).toHaveLength(1);
      expect(merged[0]).toMatchObject({ id: alert.id, count: 3 });
      expect(await alertsOf('cam-e2')).toHaveLength(0);

      await publish(cam2, 'gridhub/v1/video/cam-e2/event', detection('illegal_parking', 0.9));
      await eventually(async () => ((await alertsOf('cam-e2')).length === 1 ? true : undefined), 10_000, 'a second situation');

      const incidentId = await eventually(async () => (await alertsOf('cam-e1'))[0]?.incidentId ?? undefined, 10_000, 'the incident');
      const incident = await dispatcher.get(`/api/v1/incidents/${incidentId}`);
      expect(incident.status).toBe(200);
      expect(incident.body).toMatchObject({ category: 'garbage_exposed', source: 'video', emergency: false });
      // Video alerts point at people's surroundings: no public CAP document.
      expect((await Api.of(hub).get(`/api/v1/alerts/${alert.id}/cap`)).status).toBe(404);
    });

    it('turns an emergency alarm into a red alert and an emergency incident at once; restore clears the alert only', async () => {
      const smoke = await device('smoke-e1');
      await publish(smoke, 'gridhub/v1/emergency/smoke-e1/event', { ts: new Date().toISOString(), type: 'smoke_alarm' });
      const alert = await eventually(async () => {
        const [a] = await alertsOf('smoke-e1');
        return a?.incidentId ? a : undefined;
      }, 10_000, 'the emergency alert and its incident');
      expect(alert).toMatchObject({ severity: 'red', source: 'emergency', emergency: true, status: 'raised' });
      const incident = await dispatcher.get(`/api/v1/incidents/${alert.incidentId}`);
      expect(incident.body).toMatchObject({ emergency: true, priority: 'urgent', category: 'smoke_alarm' });

      await publish(smoke, 'gridhub/v1/emergency/smoke-e1/event', { ts: new Date(Date.now() + 1000).toISOString(), type: 'restore' });
      const cleared = await eventually(async () => {
        const [a] = await alertsOf('smoke-e1');
        return a?.status === 'cleared' ? a : undefined;
      }, 10_000, 'the restore');
      expect(cleared.clearedBy).toBe('device:smoke-e1');
      expect((await dispatcher.get(`/api/v1/incidents/${alert.incidentId}`)).body.status).not.toMatch(/closed|cancel/);
    });

    it('lets event rules be tuned, with validation', async () => {
      const list = await dispatcher.get('/api/v1/event-rules');
      expect(list.body.items.find((r: any) => r.eventType === 'smoke_fire')).toMatchObject({ family: 'video', severity: 'red' });
      const body = { nameZh: '暴露垃圾', nameEn: 'Exposed garbage', minConfidence: 0.8, severity: 'yellow', mergeWindowS: 600, mergeRadiusM: 40, enabled: true, incidentCategory: 'garbage_exposed' };
      expect(await analyst.request('PUT', '/api/v1/event-rules/garbage_exposed', body)).toMatchObject({ status: 200, body: { minConfidence: 0.8, severity: 'yellow' } });
      const bad = await analyst.request('PUT', '/api/v1/event-rules/garbage_exposed', { ...body, minConfidence: 2 });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.message)).toContain('minConfidence');
      expect((await analyst.request('PUT', '/api/v1/event-rules/unicorn', body)).status).toBe(404);
    });
  });
});
