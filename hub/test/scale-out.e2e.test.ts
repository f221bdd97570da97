import mqtt, { MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { LiveChannel } from '@gridhub/ingest';
import { startHub, RunningHub } from '../src/bootstrap';
import { ExternalBroker } from '../src/broker/external-broker';
import { DEMO_DISPATCHER, DEMO_SHIFT_LEAD } from '../src/seed/demo-city';
import { Api, demoCredentials, eventually, liveClient } from './support/clients';
import { stepTimersOf, timersSettled } from './support/timers';
import { testEnv, TestEnv } from './support/test-env';

/** The Mosquitto of this machine (and CI): a real external broker, standing in for an EMQX cluster. */
const EXTERNAL_BROKER = process.env['GRIDHUB_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
const HOOK_SECRET = 'a-broker-hook-secret-for-tests';

/**
 * The scaled-out shape on real engines: two hub instances without embedded brokers consume from Mosquitto
 * through one shared subscription, over one database and one Redis. Every message is stored once, both
 * instances take a share, a live update published on one reaches a client of the other, and the HTTP hooks
 * an EMQX cluster calls give the embedded broker's answers.
 */
describe('scaled out: two hubs on an external broker', () => {
  let env: TestEnv;
  const hubs: RunningHub[] = [];
  const clients: MqttClient[] = [];
  const group = `t${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    env = await testEnv('server', { MQTT_URL: EXTERNAL_BROKER, MQTT_SHARE_GROUP: group, MQTT_CONSUMERS: '3', GRIDHUB_BROKER_HOOK_SECRET: HOOK_SECRET });
    hubs.push(await startHub(env.config)); // seeds the demo city
    const secondDir = await mkdtemp(join(tmpdir(), 'gridhub-test-second-'));
    hubs.push(await startHub({ ...env.config, dataDir: secondDir }));
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    for (const hub of hubs) await hub.close();
    await env?.cleanup();
  });

  it('runs no broker of its own and says so in health', async () => {
    expect(hubs.map((h) => h.mqttPort)).toEqual([null, null]);
    const ready = await (await fetch(`http://127.0.0.1:${hubs[1]!.httpPort}/health/ready`)).json();
    expect(ready.checks?.broker ?? ready.broker ?? ready).toMatchObject({ status: 'up' });
  });

  it('stores every message once, shared between the instances', async () => {
    const devices = (await demoCredentials(hubs[0]!)).filter((d) => d.family === 'air').slice(0, 6);
    const perDevice = 80;
    const start = Date.parse('2026-11-21T00:00:00Z');
    const handledBefore = hubs.map((h) => h.app.get(ExternalBroker).handled);
    await Promise.all(
      devices.map(async (d) => {
        // Mosquitto here allows anonymous clients: the device talks to it directly, as it would to EMQX.
        const client = await mqtt.connectAsync(EXTERNAL_BROKER, { clientId: `${group}-${d.id}`, reconnectPeriod: 0 });
        clients.push(client);
        for (let i = 0; i < perDevice; i++) {
          await client.publishAsync(`gridhub/v1/air/${d.id}/data`, JSON.stringify({ ts: new Date(start + i * 60_000).toISOString(), readings: { pm25: 30 + (i % 7), pm10: 60 } }), { qos: 1 });
        }
      }),
    );
    const expected = devices.length * perDevice;
    const pool = hubs[0]!.app.get(Pool);
    const count = async () =>
      (await pool.query(`select count(*)::int as n from readings where device_id = any($1) and metric = 'pm25' and time >= $2`, [devices.map((d) => d.id), new Date(start)])).rows[0].n as number;
    await eventually(async () => ((await count()) === expected ? true : undefined), 30_000, `${expected} readings stored`);
    const handled = hubs.map((h, i) => h.app.get(ExternalBroker).handled - handledBefore[i]!);
    expect(handled.reduce((a, b) => a + b, 0)).toBe(expected); // each message taken by exactly one instance
    expect(handled.every((n) => n > 0)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(await count()).toBe(expected);
  });

  it('delivers a live update published on one instance to a client of the other', async () => {
    const api = await Api.of(hubs[1]!).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    const socket = await liveClient(hubs[1]!, api.accessToken);
    try {
      // A marker stands in for an incident change: this test is about the fan-out between instances.
      hubs[0]!.app.get(LiveChannel).publish('incident.created', { marker: group } as never, { roles: ['dispatcher'] });
      await eventually(async () => (socket.received.some((r) => r.payload?.marker === group) ? true : undefined), 10_000, 'cross-instance update');
      expect(socket.received.filter((r) => r.payload?.marker === group)).toHaveLength(1);
    } finally {
      socket.disconnect();
    }
  });

  it('answers an external broker’s authentication and ACL calls with the embedded broker’s rules', async () => {
    const base = `http://127.0.0.1:${hubs[0]!.httpPort}/api/v1/broker`;
    const call = (path: string, body: unknown, secret: string | null = HOOK_SECRET) =>
      fetch(`${base}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const [device, other] = (await demoCredentials(hubs[0]!)).filter((d) => d.family === 'water');
    expect((await call('authenticate', { username: device!.id, password: device!.secret })).body).toEqual({ result: 'allow', is_superuser: false });
    expect((await call('authenticate', { username: device!.id, password: 'wrong' })).body).toEqual({ result: 'deny' });
    expect((await call('authenticate', { username: device!.id, password: device!.secret }, null)).status).toBe(401);
    expect((await call('authenticate', { username: device!.id, password: device!.secret }, 'not-the-secret')).status).toBe(401);
    const acl = (topic: string, action: string) => call('authorize', { username: device!.id, topic, action }).then((r) => r.body.result);
    expect(await acl(`gridhub/v1/water/${device!.id}/data`, 'publish')).toBe('allow');
    expect(await acl(`gridhub/v1/water/${other!.id}/data`, 'publish')).toBe('deny');
    expect(await acl(`gridhub/v1/air/${device!.id}/data`, 'publish')).toBe('deny');
    expect(await acl('gridhub/v1/#', 'subscribe')).toBe('deny');
    expect(await acl(`$share/ingest/gridhub/v1/+/+/data`, 'subscribe')).toBe('deny');
    const worker = await Api.of(hubs[0]!).login('worker01', 'Worker-2026');
    const workerAcl = (topic: string, action: string) => call('authorize', { username: 'worker01', topic, action }).then((r) => r.body.result);
    expect(await workerAcl(`gridhub/v1/workers/${worker.user!.workerId}/tasks`, 'subscribe')).toBe('allow');
    expect(await workerAcl(`gridhub/v1/workers/${worker.user!.workerId}/location`, 'publish')).toBe('allow');
    expect(await workerAcl(`gridhub/v1/workers/someone-else/tasks`, 'subscribe')).toBe('deny');
    expect((await call('authorize', { username: 'nobody', topic: 'x', action: 'publish' })).body).toEqual({ result: 'deny' });
  });

  it('fires each incident timer once although both instances run the timer workers', async () => {
    const admin = await Api.of(hubs[0]!).login('admin', 'test-admin-password');
    const lead = await Api.of(hubs[1]!).login(DEMO_SHIFT_LEAD.username, DEMO_SHIFT_LEAD.password);
    expect((await admin.request('PATCH', '/api/v1/incident-categories/road_damage', { handleMinutes: { normal: 0.06 }, acceptMinutes: 60, aroundTheClock: true })).status).toBe(200);
    const { lon, lat } = (await lead.get('/api/v1/workers')).body.items[0];
    const created = await lead.request('POST', '/api/v1/incidents', { category: 'road_damage', lon, lat, source: 'superior' });
    expect(created.body.status).toBe('dispatched');
    await eventually(async () => ((await lead.get(`/api/v1/incidents/${created.body.id}`)).body.overdue ? true : undefined), 20_000, 'overdue');
    await timersSettled(hubs[0]!, stepTimersOf(created.body.id, 'handle'), 'the handling timers of both instances');
    const trail = (await lead.get(`/api/v1/incidents/${created.body.id}/history`)).body.items as { action: string; detail: { percent?: number } }[];
    expect(trail.filter((e) => e.action === 'supervise').map((e) => e.detail.percent)).toEqual([50, 80]);
    expect(trail.filter((e) => e.action === 'overdue')).toHaveLength(1);
  });
});
