import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { MqttClient } from 'mqtt';
import { startHub, RunningHub } from '../src/bootstrap';
import { ExternalBroker } from '../src/broker/external-broker';
import { DEMO_CREDENTIALS_FILE } from '../src/seed/seed.service';
import { DEMO_SHIFT_LEAD } from '../src/seed/demo-city';
import { Api, eventually } from './support/clients';
import { fleet, FleetDevice as Device, freePort, storedPerDevice, waitReady } from './support/fleet';
import { testEnv, TestEnv } from './support/test-env';

const MAIN = join(__dirname, '..', 'dist', 'main.js');

/**
 * Faults that must not lose or duplicate data: the hub killed with SIGKILL in the middle of QoS 1 ingest and
 * started again; the external broker restarted under the scaled-out shape; and Redis restarted while incident
 * timers are pending (they still fire, once). Each reports what was sent and what is stored. (A database cut
 * mid-ingest is in sensing.e2e.test.ts.)
 */
describe('faults', () => {
  const perDevice = 150;

  describe('the hub killed with SIGKILL during QoS 1 ingest', () => {
    let env: TestEnv;
    let child: ChildProcess | null = null;
    let fleetClients: MqttClient[] = [];

    beforeAll(async () => {
      if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (npm test does)`);
      env = await testEnv('server', { HTTP_PORT: String(await freePort()), MQTT_PORT: String(await freePort()) });
    });

    afterAll(async () => {
      await Promise.all(fleetClients.map((c) => c.endAsync(true).catch(() => undefined)));
      child?.kill('SIGKILL');
      await env?.cleanup();
    });

    const spawnHub = async (what: string) => {
      child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env.vars }, stdio: ['ignore', 'ignore', 'inherit'] });
      await waitReady(env.config.httpPort, what);
      return child;
    };

    it('loses nothing and duplicates nothing: every acknowledged and every resent message is stored once', async () => {
      const first = await spawnHub('first hub ready');
      const credentials = JSON.parse(await readFile(join(env.config.dataDir, DEMO_CREDENTIALS_FILE), 'utf8')).devices as Device[];
      const devices = credentials.filter((d) => d.family === 'air').slice(0, 5);
      const start = Date.parse('2026-11-19T00:00:00Z');
      const run = fleet(`mqtt://127.0.0.1:${env.config.mqttPort}`, devices, perDevice, start, true);
      fleetClients = run.clients;

      await eventually(async () => (run.acknowledged() >= (devices.length * perDevice) / 4 ? true : undefined), 30_000, 'a quarter acknowledged');
      const atKill = run.acknowledged();
      const killedAt = Date.now();
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      await spawnHub('second hub ready');
      const readyAfter = Date.now() - killedAt;
      const sent = devices.length * perDevice;
      const readStored = () => storedPerDevice(env.config.databaseSchema, devices, start);
      const rowsIn = (stored: Awaited<ReturnType<typeof readStored>>) => Object.values(stored).reduce((n, s) => n + s.rows, 0);
      // Where it stopped, if it does: acknowledged, stored, and what the new hub says of itself.
      const finished = await Promise.race([run.done.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 45_000).unref())]);
      if (!finished) {
        const health = await fetch(`http://127.0.0.1:${env.config.httpPort}/health/ready`).then((r) => r.text()).catch((e: Error) => e.message);
        throw new Error(`${run.acknowledged()} of ${sent} acknowledged 45 s after the second hub was ready (${readyAfter} ms after the kill); ${rowsIn(await readStored())} stored; hub: ${health}`);
      }

      const stored = await readStored();
      console.log(`SIGKILL fault: ${sent} messages sent (${atKill} acknowledged before the kill, the new hub ready ${readyAfter} ms after it), ${rowsIn(stored)} stored`);
      expect(run.acknowledged()).toBe(sent);
      for (const d of devices) expect(stored[d.id]).toEqual({ rows: perDevice, distinct: perDevice });
    });
  });

  describe('the external broker restarted under the scaled-out shape', () => {
    let env: TestEnv;
    let hub: RunningHub | null = null;
    let mosquitto: ChildProcess | null = null;
    let brokerDir: string;
    let fleetClients: MqttClient[] = [];
    let port: number;

    const startMosquitto = async () => {
      mosquitto = spawn('mosquitto', ['-c', join(brokerDir, 'mosquitto.conf')], { stdio: 'ignore' });
      await eventually(
        async () => {
          const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 1_000 }).catch(() => null);
          await c?.endAsync();
          return c ? true : undefined;
        },
        20_000,
        'mosquitto listening',
      );
    };

    beforeAll(async () => {
      if (!existsSync('/usr/sbin/mosquitto') && !existsSync('/usr/bin/mosquitto')) throw new Error('mosquitto is not installed (apt-get install -y mosquitto)');
      port = await freePort();
      brokerDir = await mkdtemp(join(tmpdir(), 'gridhub-mosquitto-'));
      await chmod(brokerDir, 0o777); // Mosquitto started as root drops to its own user, which must write its persistence file
      await writeFile(
        join(brokerDir, 'mosquitto.conf'),
        [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${brokerDir}/`, 'max_queued_messages 100000', ''].join('\n'),
      );
      await startMosquitto();
      env = await testEnv('server', { MQTT_URL: `mqtt://127.0.0.1:${port}`, MQTT_CLIENT_ID: `fault-hub-${port}`, MQTT_CONSUMERS: '2' });
      hub = await startHub(env.config);
    });

    afterAll(async () => {
      await Promise.all(fleetClients.map((c) => c.endAsync(true).catch(() => undefined)));
      await hub?.close();
      mosquitto?.kill('SIGKILL');
      await env?.cleanup();
      await rm(brokerDir, { recursive: true, force: true });
    });

    it('resumes after a broker restart: every message before and after it stored once', async () => {
      const credentials = JSON.parse(await readFile(join(env.config.dataDir, DEMO_CREDENTIALS_FILE), 'utf8')).devices as Device[];
      const devices = credentials.filter((d) => d.family === 'air').slice(0, 4);
      const before = Date.parse('2026-11-18T00:00:00Z');
      const after = Date.parse('2026-11-17T00:00:00Z');
      const total = async (start: number) => Object.values(await storedPerDevice(env.config.databaseSchema, devices, start)).reduce((n, s) => n + s.rows, 0);

      const first = fleet(`mqtt://127.0.0.1:${port}`, devices, perDevice, before, false);
      fleetClients = first.clients;
      await first.done;
      const sent = devices.length * perDevice;
      await eventually(async () => ((await total(before)) === sent ? true : undefined), 30_000, `${sent} readings stored before the restart`);

      const broker = mosquitto!;
      broker.kill('SIGTERM');
      await new Promise((r) => broker.once('exit', r));
      await eventually(async () => (hub!.app.get(ExternalBroker).health().up ? undefined : true), 10_000, 'the hub notices');
      await startMosquitto();
      // Mosquitto 2.0 restores sessions but not their shared subscriptions: the hub subscribes again on reconnect and
      // reports ready only then (a message published before that has no subscriber at Mosquitto — EMQX keeps them).
      await eventually(async () => (hub!.app.get(ExternalBroker).health().up ? true : undefined), 20_000, 'the hub consuming again');

      const second = fleet(`mqtt://127.0.0.1:${port}`, devices, perDevice, after, false);
      await second.done;
      await Promise.all(second.clients.map((c) => c.endAsync(true)));
      // `after` is the earlier day: counting from it covers both runs.
      await eventually(async () => ((await total(after)) === 2 * sent ? true : undefined), 30_000, `${2 * sent} readings stored in all`);
      await new Promise((r) => setTimeout(r, 500));
      const stored = await storedPerDevice(env.config.databaseSchema, devices, after);
      console.log(`broker restart fault: ${sent} messages sent before and ${sent} after the restart, ${await total(after)} stored`);
      for (const d of devices) expect(stored[d.id]).toEqual({ rows: 2 * perDevice, distinct: 2 * perDevice });
    });
  });

  describe('Redis restarted while incident timers are pending', () => {
    let env: TestEnv;
    let hub: RunningHub | null = null;
    let redis: ChildProcess | null = null;
    let redisDir: string;
    let port: number;

    const startRedis = async () => {
      redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
      await eventually(
        async () => {
          const ok = await new Promise<boolean>((resolve) => {
            const socket = createConnection(port, '127.0.0.1', () => {
              socket.end();
              resolve(true);
            });
            socket.on('error', () => resolve(false));
          });
          return ok ? true : undefined;
        },
        20_000,
        'redis listening',
      );
    };

    beforeAll(async () => {
      port = await freePort();
      redisDir = await mkdtemp(join(tmpdir(), 'gridhub-redis-'));
      await startRedis();
      env = await testEnv('server', { REDIS_URL: `redis://127.0.0.1:${port}` });
      hub = await startHub(env.config);
    });

    afterAll(async () => {
      await hub?.close();
      redis?.kill('SIGKILL');
      await env?.cleanup().catch(() => undefined); // its Redis is gone with the directory
      await rm(redisDir, { recursive: true, force: true });
    });

    it('fires the 50 %, 80 % and overdue timers once each across the restart', async () => {
      const admin = await Api.of(hub!).login('admin', 'test-admin-password');
      const lead = await Api.of(hub!).login(DEMO_SHIFT_LEAD.username, DEMO_SHIFT_LEAD.password);
      expect((await admin.request('PATCH', '/api/v1/incident-categories/road_damage', { handleMinutes: { normal: 0.15 }, acceptMinutes: 60, aroundTheClock: true })).status).toBe(200);
      const { lon, lat } = (await lead.get('/api/v1/workers')).body.items[0];
      const created = await lead.request('POST', '/api/v1/incidents', { category: 'road_damage', lon, lat, source: 'superior' });
      expect(created.status).toBe(201);
      expect(created.body.status).toBe('dispatched'); // 9 s to handle: warnings due at 4.5 s and 7.2 s, overdue at 9 s

      const server = redis!;
      server.kill('SIGTERM'); // Redis writes its append-only file and stops
      await new Promise((r) => server.once('exit', r));
      await new Promise((r) => setTimeout(r, 1_500));
      await startRedis();

      await eventually(async () => ((await lead.get(`/api/v1/incidents/${created.body.id}`)).body.overdue ? true : undefined), 40_000, 'overdue after the Redis restart');
      await new Promise((r) => setTimeout(r, 1_500));
      const trail = (await lead.get(`/api/v1/incidents/${created.body.id}/history`)).body.items as { action: string; detail: { percent?: number } }[];
      const fired = { supervise: trail.filter((e) => e.action === 'supervise').map((e) => e.detail.percent), overdue: trail.filter((e) => e.action === 'overdue').length };
      console.log(`Redis restart fault: timers scheduled 50 %, 80 %, 100 %; fired ${JSON.stringify(fired)}`);
      expect(fired).toEqual({ supervise: [50, 80], overdue: 1 });
    });
  });
});
