import { MqttClient } from 'mqtt';
import { MaintenanceService } from '@gridhub/ingest';
import { startHub, RunningHub } from '../src/bootstrap';
import { Api, closed, connect, eventually } from './support/clients';
import { TcpProxy } from './support/tcp-proxy';
import { SERVER_URL, testEnv, TestEnv } from './support/test-env';

/**
 * The sensing hub through its public interfaces, on the PostgreSQL server path, with the database reached
 * through an in-process TCP proxy so that an outage can be simulated.
 */
describe('sensing hub (PostgreSQL server path)', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let proxy: TcpProxy;
  let admin: Api;
  let dispatcher: Api;
  const clients: MqttClient[] = [];
  const track = <T extends MqttClient>(c: T) => (clients.push(c), c);

  beforeAll(async () => {
    const target = new URL(SERVER_URL);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(SERVER_URL);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    env = await testEnv('server', { DATABASE_URL: viaProxy.toString() });
    hub = await startHub(env.config);
    admin = await Api.of(hub).login('admin', 'test-admin-password');
    dispatcher = await Api.of(hub).login('dispatcher', 'Dispatch-2026');
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await hub?.close();
    await env?.cleanup();
    await proxy?.stop();
  });

  const register = async (body: Record<string, unknown>) => {
    const res = await admin.request('POST', '/api/v1/devices', body);
    expect(res.status).toBe(201);
    return res.body as { device: { id: string; gridCode: string | null; lon: number; lat: number; attributes: any }; secret: string };
  };
  const publish = (c: MqttClient, topic: string, payload: unknown) =>
    c.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });

  describe('device registry', () => {
    it('registers a device, shows its secret once and finds its unit grid, converting GCJ-02', async () => {
      // WGS-84 (112.5477, 37.8554), in grid 140106001001002, as a Chinese map app reports it: GCJ-02 is ~600 m off.
      const { device, secret } = await register({
        id: 'air-gcj', family: 'air', name: 'GCJ station', lon: 112.5540006, lat: 37.8559303, coordinateSystem: 'GCJ02',
        attributes: { interval_s: 60 },
      });
      expect(secret).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(device.lon).toBeCloseTo(112.5477, 5);
      expect(device.lat).toBeCloseTo(37.8554, 5);
      expect(device.gridCode).toBe('140106001001002');
      expect(device.attributes.reported_position).toEqual({ crs: 'GCJ02', lon: 112.5540006, lat: 37.8559303 });
      const fetched = await admin.get('/api/v1/devices/air-gcj');
      expect(fetched.body).not.toHaveProperty('secret');
      expect(JSON.stringify(fetched.body)).not.toContain(secret);
    });

    it('refuses bad registrations with reasons, duplicates with 409, and non-admins with 403', async () => {
      const bad = await admin.request('POST', '/api/v1/devices', { family: 'noise', name: 'x', lon: 112.5, lat: 37.8 });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.message)).toMatch(/family must be one of/);
      const attrs = await admin.request('POST', '/api/v1/devices', { family: 'water', name: 'x', lon: 112.5, lat: 37.8, attributes: { target_class: 'VI' } });
      expect(attrs).toMatchObject({ status: 400, body: { message: expect.stringMatching(/target_class/) } });
      const far = await admin.request('POST', '/api/v1/devices', { family: 'air', name: 'x', lon: 200, lat: 37.8 });
      expect(far.status).toBe(400);
      const dup = await admin.request('POST', '/api/v1/devices', { id: 'air-gcj', family: 'air', name: 'again', lon: 112.5, lat: 37.8 });
      expect(dup.status).toBe(409);
      const notAdmin = await dispatcher.request('POST', '/api/v1/devices', { family: 'air', name: 'x', lon: 112.5, lat: 37.8 });
      expect(notAdmin).toMatchObject({ status: 403, body: { message: expect.stringMatching(/role admin/) } });
    });

    it('lists devices by family, grid area, bbox and state', async () => {
      const air = await dispatcher.get('/api/v1/devices?family=air&limit=5');
      expect(air.body.items).toHaveLength(5);
      expect(air.body.total).toBe(13);
      const community = await dispatcher.get('/api/v1/devices?gridCode=140106001001');
      expect(community.body.items.every((d: any) => d.gridCode.startsWith('140106001001'))).toBe(true);
      expect(community.body.items.map((d: any) => d.id)).toEqual(expect.arrayContaining(['air-001', 'air-gcj', 'water-001']));
      const box = await dispatcher.get('/api/v1/devices?bbox=112.5460,37.8500,112.5475,37.8560');
      expect(box.body.items.every((d: any) => d.lon <= 112.5475 && d.lat >= 37.85)).toBe(true);
      expect((await dispatcher.get('/api/v1/devices?bbox=1,2,3')).status).toBe(400);
      expect((await dispatcher.get('/api/v1/devices?bbox=113,37,112,38')).status).toBe(400);
    });

    it('disabling ends the live session and refuses logins; rotating the secret retires the old one', async () => {
      const { device, secret } = await register({ family: 'air', name: 'to revoke', lon: 112.551, lat: 37.853 });
      const topic = `gridhub/v1/air/${device.id}/data`;
      const sensor = track(await connect(hub, device.id, secret));
      await publish(sensor, topic, { ts: new Date().toISOString(), readings: { pm25: 10 } });
      const sessionEnded = closed(sensor);
      expect((await admin.request('POST', `/api/v1/devices/${device.id}/disable`)).body.enabled).toBe(false);
      await sessionEnded;
      await expect(connect(hub, device.id, secret)).rejects.toThrow(/Bad username or password/);
      expect((await admin.request('POST', `/api/v1/devices/${device.id}/enable`)).body.enabled).toBe(true);

      const again = track(await connect(hub, device.id, secret));
      const closedAgain = closed(again);
      const rotated = await admin.request('POST', `/api/v1/devices/${device.id}/rotate-secret`);
      expect(rotated.body.secret).not.toBe(secret);
      await closedAgain;
      await expect(connect(hub, device.id, secret)).rejects.toThrow(/Bad username or password/);
      const fresh = track(await connect(hub, device.id, rotated.body.secret));
      await publish(fresh, topic, { ts: new Date(Date.now() + 1000).toISOString(), readings: { pm25: 11 } });
      expect((await admin.readings(device.id)).map((r) => r.value)).toEqual([10, 11]);
      expect((await dispatcher.request('POST', `/api/v1/devices/${device.id}/rotate-secret`)).status).toBe(403);
    });
  });

  describe('ACLs', () => {
    it('refuses a device wildcard subscriptions and other devices’ topics, and a worker other workers’ topics', async () => {
      const { device, secret } = await register({ family: 'water', name: 'acl', lon: 112.5462, lat: 37.851 });
      const c = track(await connect(hub, device.id, secret));
      const granted = async (topic: string) =>
        c.subscribeAsync(topic, { qos: 1 }).then((g) => g.map((x) => x.qos), (e: { packet?: { granted: number[] } }) => e.packet?.granted);
      expect(await granted('gridhub/v1/#')).toEqual([128]);
      expect(await granted(`gridhub/v1/water/${device.id}/#`)).toEqual([128]);
      expect(await granted('gridhub/v1/water/water-001/status')).toEqual([128]);
      expect(await granted(`gridhub/v1/water/${device.id}/status`)).toEqual([1]);
      // A device of one family cannot publish as another family, even under its own id.
      const sessionEnded = closed(c);
      c.publish(`gridhub/v1/air/${device.id}/data`, JSON.stringify({ ts: new Date().toISOString(), readings: { pm25: 1 } }), { qos: 1 });
      await sessionEnded;

      const worker = track(await connect(hub, 'worker03', 'Worker-2026'));
      const workerClosed = closed(worker);
      worker.publish('gridhub/v1/workers/someone-else/location', '{"lon":112.5,"lat":37.8}', { qos: 1 });
      await workerClosed;
      const metrics = (await Api.of(hub).get('/metrics')).body as string;
      expect(Number(/gridhub_mqtt_refusals_total\{action="publish"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
      expect(Number(/gridhub_mqtt_refusals_total\{action="subscribe"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
    });
  });

  describe('online and offline', () => {
    it('follows sessions, retained status messages and wills', async () => {
      const { device, secret } = await register({ family: 'emergency', name: 'smoke', lon: 112.5505, lat: 37.8545 });
      const statusTopic = `gridhub/v1/emergency/${device.id}/status`;
      const online = async () => (await dispatcher.get(`/api/v1/devices/${device.id}`)).body.online as boolean;
      const c = track(
        await (await import('mqtt')).default.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, {
          username: device.id, password: secret, reconnectPeriod: 0,
          will: { topic: statusTopic, payload: Buffer.from('{"status":"offline"}'), qos: 1, retain: true },
        }),
      );
      await c.publishAsync(statusTopic, '{"status":"online"}', { qos: 1, retain: true });
      await eventually(async () => ((await online()) ? true : undefined), 5000, 'online');
      // The broker keeps the retained status for whoever subscribes (the device itself may).
      const retained = new Promise<string>((r) => c.once('message', (_t, p) => r(p.toString())));
      await c.subscribeAsync(statusTopic, { qos: 1 });
      expect(JSON.parse(await retained)).toEqual({ status: 'online' });
      // The connection drops without a DISCONNECT: the broker publishes the will.
      (c as unknown as { stream: { destroy(): void } }).stream.destroy();
      await eventually(async () => ((await online()) ? undefined : true), 5000, 'offline after the will');
      const dead = await dispatcher.get(`/api/v1/dead-letters?deviceId=${device.id}`);
      expect(dead.body.items).toEqual([]);
    });

    it('raises one device-offline alert for a silent device and clears it when the device is heard again', async () => {
      const { device, secret } = await register({ family: 'air', name: 'quiet', lon: 112.552, lat: 37.852, attributes: { interval_s: 0.5 } });
      const c = track(await connect(hub, device.id, secret));
      await publish(c, `gridhub/v1/air/${device.id}/data`, { ts: new Date().toISOString(), readings: { pm10: 20 } });
      await c.endAsync();
      const maintenance = hub.app.get(MaintenanceService);
      await new Promise((r) => setTimeout(r, 2500)); // silent for > 3 intervals (and the last-seen flush)
      expect((await maintenance.sweepLiveness()).alerted).toContain(device.id);
      expect((await maintenance.sweepLiveness()).alerted).not.toContain(device.id);
      const latest = await dispatcher.get(`/api/v1/latest?family=air`);
      const feature = latest.body.features.find((f: any) => f.id === device.id);
      expect(feature.properties).toMatchObject({ online: false, readings: { pm10: { value: 20 } } });
      const back = track(await connect(hub, device.id, secret));
      await publish(back, `gridhub/v1/air/${device.id}/data`, { ts: new Date().toISOString(), readings: { pm10: 21 } });
      await eventually(async () => ((await dispatcher.get(`/api/v1/devices/${device.id}`)).body.online ? true : undefined), 5000, 'online again');
      expect((await maintenance.sweepLiveness()).alerted).not.toContain(device.id);
    });
  });

  describe('validation, idempotency and late data', () => {
    it('dead-letters a few hundred malformed payloads with reasons while every good neighbour lands', async () => {
      const { device, secret } = await register({ family: 'air', name: 'fuzz', lon: 112.549, lat: 37.8535 });
      const c = track(await connect(hub, device.id, secret));
      const topic = `gridhub/v1/air/${device.id}/data`;
      let seed = 42;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      const base = Date.parse('2026-11-22T00:00:00Z');
      const bad: (string | Buffer)[] = [];
      const makers = [
        () => Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256))),
        () => JSON.stringify({ ts: new Date(base).toISOString(), readings: { pm25: 'NaN' } }),
        () => `{"ts":"${new Date(base).toISOString()}","readings":{"pm25":NaN}}`,
        () => JSON.stringify({ readings: { pm25: rnd() * 100 } }),
        () => JSON.stringify({ ts: 'not a time', readings: { pm25: 1 } }),
        () => JSON.stringify({ ts: new Date(base).toISOString(), readings: { pm25: -5 } }),
        () => JSON.stringify({ ts: new Date(base).toISOString(), readings: { unknown_metric: 1 } }),
        () => JSON.stringify({ ts: new Date(base).toISOString(), readings: { pm25: 1e308 * 10 } }),
        () => JSON.stringify({ ts: new Date(base).toISOString(), readings: { pm25: 1 }, extra: true }),
        () => JSON.stringify({ ts: new Date(base).toISOString(), readings: { pm25: 1 }, pad: 'x'.repeat(20_000) }),
        () => JSON.stringify([1, 2, 3]),
        () => 'null',
        () => '',
      ];
      for (let i = 0; i < 260; i++) bad.push(makers[i % makers.length]!());
      const good = Array.from({ length: 100 }, (_, i) => ({ ts: new Date(base + i * 60_000).toISOString(), readings: { pm25: i, pm10: i * 2 } }));
      const all: (string | Buffer)[] = [];
      bad.forEach((b, i) => {
        all.push(b);
        if (i % 3 === 0 && good.length > 0) all.push(JSON.stringify(good.shift()));
      });
      all.push(...good.map((g) => JSON.stringify(g)));
      await Promise.all(all.map((p) => c.publishAsync(topic, p, { qos: 1 })));
      const dead = await admin.get(`/api/v1/dead-letters?deviceId=${device.id}&limit=1000`);
      expect(dead.body.items).toHaveLength(260);
      expect(dead.body.items.every((d: any) => d.reason.length > 0 && d.payload.length <= 4096)).toBe(true);
      const window = `&from=2026-11-21T00:00:00Z&to=2026-11-23T00:00:00Z`;
      expect(await admin.readings(device.id, window)).toHaveLength(200);
      expect((await Api.of(hub).get('/health/ready')).status).toBe(200);
    });

    it('stores a resent message once and never lets late data overwrite the latest value', async () => {
      const { device, secret } = await register({ family: 'water', name: 'late', lon: 112.5462, lat: 37.8535 });
      const c = track(await connect(hub, device.id, secret));
      const topic = `gridhub/v1/water/${device.id}/data`;
      const now = Date.now();
      const newer = { ts: new Date(now).toISOString(), readings: { ph: 7.4 } };
      await publish(c, topic, newer);
      await publish(c, topic, newer); // a resend
      await publish(c, topic, { ts: new Date(now - 3600_000).toISOString(), readings: { ph: 6.1 } }); // late
      const stored = await admin.readings(device.id);
      expect(stored.map((r) => r.value).sort()).toEqual([6.1, 7.4]);
      const latest = await dispatcher.get(`/api/v1/latest?family=water`);
      expect(latest.body.features.find((f: any) => f.id === device.id).properties.readings.ph.value).toBe(7.4);
      // A device clock far ahead is kept, flagged "future" (1).
      await publish(c, topic, { ts: new Date(now + 3600_000).toISOString(), readings: { ph: 7.0 } });
      const future = (await admin.readings(device.id, `&from=${new Date(now).toISOString()}&to=${new Date(now + 7200_000).toISOString()}`)).find((r) => r.value === 7.0);
      expect(future?.flags).toBe(1);
    });
  });

  describe('time series', () => {
    it('serves raw, computed and rolled-up buckets, CSV, several devices, and refuses unbounded requests', async () => {
      const a = await register({ family: 'air', name: 'ts-a', lon: 112.5533, lat: 37.8535 });
      const b = await register({ family: 'air', name: 'ts-b', lon: 112.5536, lat: 37.8536 });
      expect(a.device.gridCode).toBe(b.device.gridCode);
      const start = Date.parse('2026-11-20T00:00:00+08:00');
      for (const [i, dev] of [a, b].entries()) {
        const c = track(await connect(hub, dev.device.id, dev.secret));
        await Promise.all(
          Array.from({ length: 48 }, (_, k) =>
            publish(c, `gridhub/v1/air/${dev.device.id}/data`, { ts: new Date(start + k * 30 * 60_000).toISOString(), readings: { o3: 100 + k + i, no2: 10 } }),
          ),
        );
      }
      await hub.app.get(MaintenanceService).rollup();
      const range = `from=2026-11-20T00:00:00%2B08:00&to=2026-11-21T00:00:00%2B08:00`;
      const hourly = await dispatcher.get(`/api/v1/devices/${a.device.id}/readings?metric=o3&bucket=1h&${range}`);
      expect(hourly.status).toBe(200);
      expect(hourly.body.series).toHaveLength(1);
      expect(hourly.body.series[0]).toMatchObject({ deviceId: a.device.id, metric: 'o3', unit: 'µg/m³' });
      expect(hourly.body.series[0].points).toHaveLength(24);
      expect(hourly.body.series[0].points[0]).toEqual({ time: '2026-11-19T16:00:00.000Z', avg: 100.5, min: 100, max: 101, count: 2, last: 101 });
      const computed = await dispatcher.get(`/api/v1/devices/${a.device.id}/readings?metric=o3&bucket=15m&${range}`);
      expect(computed.body.series[0].points).toHaveLength(48);
      const daily = await dispatcher.get(`/api/v1/devices/${a.device.id}/readings?metric=o3&bucket=1d&${range}`);
      expect(daily.body.series[0].points).toEqual([{ time: '2026-11-19T16:00:00.000Z', avg: 123.5, min: 100, max: 147, count: 48, last: 147 }]);

      const csv = await dispatcher.get(`/api/v1/devices/${a.device.id}/readings?bucket=1d&format=csv&${range}`);
      expect(csv.body.split('\n').slice(0, 3)).toEqual([
        'device_id,metric,unit,bucket,avg,min,max,count,last',
        `${a.device.id},no2,µg/m³,2026-11-19T16:00:00.000Z,10,10,10,48,10`,
        `${a.device.id},o3,µg/m³,2026-11-19T16:00:00.000Z,123.5,100,147,48,147`,
      ]);
      const area = await dispatcher.get(`/api/v1/readings?gridCode=${a.device.gridCode}&metric=o3&bucket=1d&${range}`);
      expect(area.body.series.map((s: any) => s.deviceId).sort()).toEqual([a.device.id, b.device.id].sort());

      const tooLong = await dispatcher.get(`/api/v1/devices/${a.device.id}/readings?from=2026-01-01T00:00:00Z&to=2026-11-21T00:00:00Z`);
      expect(tooLong).toMatchObject({ status: 400, body: { message: expect.stringMatching(/at most 31 days/) } });
      const tooFine = await dispatcher.get(`/api/v1/devices/${a.device.id}/readings?bucket=1m&from=2020-01-01T00:00:00Z&to=2026-11-21T00:00:00Z`);
      expect(tooFine.status).toBe(400);
      expect((await dispatcher.get(`/api/v1/readings?gridCode=${a.device.gridCode}&bucket=1h`)).body.message).toMatch(/metric is required/);
      expect((await dispatcher.get(`/api/v1/devices/nope/readings`)).status).toBe(404);
      expect((await dispatcher.get(`/api/v1/devices/${a.device.id}/readings?bucket=2h`)).status).toBe(400);
    });
  });

  describe('database outage', () => {
    it('acknowledges nothing while the database is away and stores every message exactly once when it returns', async () => {
      const { device, secret } = await register({ family: 'air', name: 'outage', lon: 112.5545, lat: 37.8525 });
      const mqtt = (await import('mqtt')).default;
      const c = track(
        await mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, {
          username: device.id, password: secret, reconnectPeriod: 300, clean: false, clientId: `outage-${device.id}`,
          // While the database is away the hub answers logins with "server unavailable" (it cannot check the
          // secret); a device keeps trying, as field firmware does.
          reconnectOnConnackError: true,
        }),
      );
      const topic = `gridhub/v1/air/${device.id}/data`;
      const base = Date.now() - 3600_000;
      const send = (i: number) => publish(c, topic, { ts: new Date(base + i * 1000).toISOString(), readings: { pm25: i, pm10: i } });
      await Promise.all(Array.from({ length: 20 }, (_, i) => send(i)));

      proxy.cut();
      let acked = 0;
      const during = Array.from({ length: 30 }, (_, i) => send(20 + i).then(() => acked++));
      await new Promise((r) => setTimeout(r, 2000));
      expect(acked).toBe(0); // nothing is acknowledged that is not stored
      expect((await Api.of(hub).get('/health/ready')).status).toBe(503);

      proxy.restore();
      await Promise.all(during); // mqtt.js resends the unacknowledged messages after reconnecting
      const window = `&from=${new Date(base - 1000).toISOString()}&to=${new Date(base + 3600_000).toISOString()}`;
      const stored = await eventually(async () => {
        const r = await admin.readings(device.id, window).catch(() => []);
        return r.length >= 100 ? r : undefined;
      }, 15_000, 'the backlog');
      expect(stored).toHaveLength(100);
      const values = stored.filter((r) => r.metric === 'pm25').map((r) => r.value).sort((x, y) => x - y);
      expect(values).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect((await Api.of(hub).get('/health/ready')).status).toBe(200);
    });
  });
});
