import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { MqttClient } from 'mqtt';
import { connect as natsConnect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Client } from 'pg';
import { startHub, RunningHub } from '../src/bootstrap';
import { NatsAccounts } from '../src/broker/nats-accounts';
import { NatsIngest } from '../src/broker/nats-ingest';
import { Api, eventually } from './support/clients';
import { fleet, FleetDevice, freePort, storedPerDevice, waitReady } from './support/fleet';
import { NatsServer } from './support/nats-server';
import { TcpProxy } from './support/tcp-proxy';
import { SERVER_URL, testEnv, TestEnv } from './support/test-env';

const MAIN = join(__dirname, '..', 'dist', 'main.js');
const HUB_USER = 'gridhub-hub';
const HUB_PASSWORD = 'a-hub-password-for-the-nats-tests';

/** What a fault run reports: sent = stored and nothing stored twice is the bar. */
function report(what: string, sent: number, stored: Record<string, { rows: number; distinct: number }>) {
  const rows = Object.values(stored).reduce((n, s) => n + s.rows, 0);
  const distinct = Object.values(stored).reduce((n, s) => n + s.distinct, 0);
  const figures = { sent, stored: distinct, duplicated: rows - distinct };
  console.log(`NATS ${what}: ${figures.sent} sent, ${figures.stored} stored, ${figures.duplicated} duplicated`);
  return figures;
}

/**
 * The cluster path on real engines: a nats-server of the test's own (JetStream, MQTT listener, the users file
 * GridHub issues), devices publishing MQTT QoS 1 to it with their GridHub secrets, hub instances sharing one durable
 * JetStream consumer over one PostgreSQL schema (reached through a proxy that can cut it). Faults: an instance
 * killed with SIGKILL mid-ingest, the NATS server restarted, the database cut; a message delivered too often goes
 * to dead letters with the reason.
 */
describe('NATS JetStream ingest', () => {
  const nats = new NatsServer(HUB_USER, HUB_PASSWORD);
  const proxy = new TcpProxy(new URL(SERVER_URL).hostname, Number(new URL(SERVER_URL).port || 5432));
  let env: TestEnv;
  let hub: RunningHub | null = null;
  let child: ChildProcess | null = null;
  let secondDir = '';
  let devices: FleetDevice[] = [];
  const clients: MqttClient[] = [];
  const perDevice = 120;

  const startInProcess = async () => {
    hub = await startHub(env.config);
    return hub;
  };

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (npm test does)`);
    await nats.init();
    await proxy.start();
    const viaProxy = new URL(SERVER_URL);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    env = await testEnv('server', {
      DATABASE_URL: viaProxy.toString(),
      NATS_URL: nats.url,
      NATS_STREAM: 'GRIDHUB_TEST',
      NATS_CONSUMER: 'ingest',
      // Short, so that what a killed instance held comes back within the test's patience.
      NATS_ACK_WAIT_SECONDS: '2',
      NATS_MAX_DELIVER: '2',
      NATS_ACCOUNTS_FILE: nats.usersFile,
      NATS_SERVER_PID_FILE: nats.pidFile,
    });
    await startInProcess();
    const credentials = JSON.parse(await readFile(join(env.config.dataDir, 'demo-credentials.json'), 'utf8')).devices as FleetDevice[];
    devices = credentials.filter((d) => d.family === 'air').slice(0, 5);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    child?.kill('SIGKILL');
    await hub?.close();
    await env?.cleanup();
    await proxy.stop();
    await nats.destroy();
    if (secondDir) await rm(secondDir, { recursive: true, force: true });
  });

  const runFleet = (start: number) => {
    const run = fleet(nats.mqttUrl, devices, perDevice, start, true);
    clients.push(...run.clients);
    return run;
  };
  /** Waits for a fleet's last PUBACK, saying how far it got if that takes too long. */
  const acknowledgedAll = async (run: { done: Promise<unknown>; acknowledged: () => number }, what: string) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: ${run.acknowledged()} of ${devices.length * perDevice} publishes acknowledged by NATS after 60 s`)), 60_000);
    });
    try {
      await Promise.race([run.done, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  /** Dead letters of the test's devices since `start` (a message the hub gave up on shows here, not as a loss). */
  const deadLettersSince = async (start: number) => {
    const client = new Client({ connectionString: SERVER_URL });
    await client.connect();
    try {
      const { rows } = await client.query(`select count(*)::int as n from ${env.config.databaseSchema}.dead_letters where device_id = any($1) and received_at >= $2`, [
        devices.map((d) => d.id),
        new Date(start),
      ]);
      return rows[0].n as number;
    } finally {
      await client.end();
    }
  };
  const settle = async (start: number, since = Date.now()) => {
    const expected = devices.length * perDevice;
    let distinct = 0;
    try {
      await eventually(
        async () => {
          distinct = Object.values(await storedPerDevice(env.config.databaseSchema, devices, start)).reduce((n, s) => n + s.distinct, 0);
          return distinct === expected ? true : undefined;
        },
        70_000,
        'every message stored',
      );
    } catch (error) {
      // Say how far it got: a slow catch-up, a message the hub gave up on and a lost message are different faults.
      const health = hub ? hub.app.get(NatsIngest).health().detail : 'no in-process hub';
      throw new Error(`${(error as Error).message}: ${distinct} of ${expected} stored, ${await deadLettersSince(since)} dead letters; ${health}`);
    }
    await new Promise((r) => setTimeout(r, 500)); // anything stored twice would land now
    return storedPerDevice(env.config.databaseSchema, devices, start);
  };
  const closeFleet = async (run: { clients: MqttClient[] }) => {
    await Promise.all(run.clients.map((c) => c.endAsync(true).catch(() => undefined)));
  };

  it('issues the MQTT listener’s accounts: device secrets work there, wrong ones and other devices’ topics do not', async () => {
    expect(hub!.mqttPort).toBeNull();
    const ready = await (await fetch(`http://127.0.0.1:${hub!.httpPort}/health/ready`)).json();
    expect(JSON.stringify(ready)).toMatch(/NATS JetStream/);
    const file = await readFile(nats.usersFile, 'utf8');
    expect(file).toContain(`user: "${devices[0]!.id}"`);
    expect(file).not.toContain(devices[0]!.secret);

    const [own, other] = devices as [FleetDevice, FleetDevice];
    const device = await mqtt.connectAsync(nats.mqttUrl, { username: own.id, password: own.secret, reconnectPeriod: 0 });
    clients.push(device);
    const at = Date.parse('2026-11-10T00:00:00Z');
    await device.publishAsync(`gridhub/v1/air/${own.id}/data`, JSON.stringify({ ts: new Date(at).toISOString(), readings: { pm25: 41 } }), { qos: 1 });
    // Under another device's id: NATS drops it (its permissions), so it is never stored.
    await device.publishAsync(`gridhub/v1/air/${other.id}/data`, JSON.stringify({ ts: new Date(at).toISOString(), readings: { pm25: 99 } }), { qos: 1 });
    await expect(mqtt.connectAsync(nats.mqttUrl, { username: own.id, password: 'not-the-secret', reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/);
    const stored = await eventually(async () => {
      const s = await storedPerDevice(env.config.databaseSchema, [own, other], at);
      return s[own.id] ? s : undefined;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await storedPerDevice(env.config.databaseSchema, [own, other], at)).toEqual({ [own.id]: { rows: 1, distinct: 1 } });
    expect(stored[other.id]).toBeUndefined();

    // A payload GridHub refuses is dead-lettered with its reason, as on the embedded broker (and acknowledged: it is kept).
    const admin0 = await Api.of(hub!).login('admin', 'test-admin-password');
    await device.publishAsync(`gridhub/v1/air/${own.id}/data`, '{"ts": "not a time", "readings": {"pm25": 1}}', { qos: 1 });
    const letters = await eventually(async () => {
      const items = (await admin0.get(`/api/v1/dead-letters?deviceId=${own.id}`)).body.items as { reason: string; topic: string }[];
      return items.length > 0 ? items : undefined;
    }, 10_000, 'the refused payload in dead letters');
    expect(letters[0]!.topic).toBe(`gridhub/v1/air/${own.id}/data`);
    expect(letters[0]!.reason).toMatch(/ts/);

    // A device registered now can log in once the file is rewritten; disabled, it cannot.
    const admin = await Api.of(hub!).login('admin', 'test-admin-password');
    const created = await admin.request('POST', '/api/v1/devices', { id: 'air-nats-new', family: 'air', name: 'NATS newcomer', lon: 112.551, lat: 37.853 });
    expect(created.status).toBe(201);
    const login = () => mqtt.connectAsync(nats.mqttUrl, { username: 'air-nats-new', password: created.body.secret, reconnectPeriod: 0, connectTimeout: 2_000 }).then((c) => (clients.push(c), c));
    const newcomer = await eventually(() => login().catch(() => undefined), 10_000, 'the new device accepted by NATS');
    const sessionEnded = new Promise<void>((resolve) => newcomer.once('close', () => resolve()));
    expect((await admin.request('POST', '/api/v1/devices/air-nats-new/disable')).status).toBe(200);
    await sessionEnded; // the reload drops the session of a user that is gone
    await eventually(() => login().then(() => undefined, (error: Error) => error.message), 10_000, 'the disabled device refused');
  });

  it('two hub instances share the consumer and split the load; one killed with SIGKILL mid-ingest loses and duplicates nothing', async () => {
    secondDir = await mkdtemp(join(tmpdir(), 'gridhub-test-nats-second-'));
    const httpPort = await freePort();
    child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env.vars, GRIDHUB_DATA_DIR: secondDir, HTTP_PORT: String(httpPort) }, stdio: ['ignore', 'ignore', 'inherit'] });
    await waitReady(httpPort, 'second hub ready');
    const storedBy = async () => {
      const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      return Number(/gridhub_ingest_messages_total\{family="air",kind="data",outcome="stored"\} (\d+)/.exec(text)?.[1] ?? 0);
    };

    const split = Date.parse('2026-11-11T00:00:00Z');
    const handledBefore = hub!.app.get(NatsIngest).handled;
    const first = runFleet(split);
    await acknowledgedAll(first, 'two instances');
    const stored = await settle(split);
    const shares = [hub!.app.get(NatsIngest).handled - handledBefore, await storedBy()];
    const sent = devices.length * perDevice;
    console.log(`NATS two instances: ${sent} sent, taken ${shares.join(' + ')}`);
    expect(report('two instances', sent, stored)).toEqual({ sent, stored: sent, duplicated: 0 });
    expect(shares[0]! + shares[1]!).toBe(sent); // each message taken by exactly one instance
    expect(shares.every((n) => n > 0)).toBe(true);
    await closeFleet(first);

    const killed = Date.parse('2026-11-12T00:00:00Z');
    const second = runFleet(killed);
    await eventually(async () => ((await storedBy()) > shares[1]! + 50 ? true : undefined), 30_000, 'the second instance ingesting');
    const victim = child!;
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));
    child = null;
    await acknowledgedAll(second, 'after the SIGKILL');
    expect(report('SIGKILL of one instance', sent, await settle(killed))).toEqual({ sent, stored: sent, duplicated: 0 });
    await closeFleet(second);
  });

  // A restarted server's MQTT sessions and the pull consumer both come back; on a loaded 2-core machine that can take a while.
  it('resumes after the NATS server restarts mid-ingest: every message stored once', async () => {
    const start = Date.parse('2026-11-13T00:00:00Z');
    const began = Date.now();
    const run = runFleet(start);
    await eventually(async () => (run.acknowledged() >= (devices.length * perDevice) / 4 ? true : undefined), 30_000, 'a quarter acknowledged');
    await nats.stop();
    await nats.start();
    await acknowledgedAll(run, 'after the restart');
    const sent = devices.length * perDevice;
    expect(report('server restart', sent, await settle(start, began))).toEqual({ sent, stored: sent, duplicated: 0 });
    await eventually(async () => (hub!.app.get(NatsIngest).health().up ? true : undefined), 10_000, 'the hub consuming again');
    await closeFleet(run);
  }, 150_000);

  it('keeps what it holds while the database is cut, and stores it once when it is back', async () => {
    const start = Date.parse('2026-11-14T00:00:00Z');
    const run = runFleet(start);
    await eventually(async () => (run.acknowledged() >= (devices.length * perDevice) / 4 ? true : undefined), 30_000, 'a quarter acknowledged');
    proxy.cut();
    await new Promise((r) => setTimeout(r, 3_000)); // longer than the ack wait: held messages must stay this instance's
    proxy.restore();
    await acknowledgedAll(run, 'after the database cut');
    const sent = devices.length * perDevice;
    expect(report('database cut', sent, await settle(start))).toEqual({ sent, stored: sent, duplicated: 0 });
    await closeFleet(run);
  });

  it('sets its consumer up again when an operator deletes it mid-ingest: every message stored once', async () => {
    const start = Date.parse('2026-11-14T12:00:00Z');
    const run = runFleet(start);
    await eventually(async () => (run.acknowledged() >= (devices.length * perDevice) / 4 ? true : undefined), 30_000, 'a quarter acknowledged');
    const nc = await natsConnect({ servers: `127.0.0.1:${nats.clientPort}`, user: HUB_USER, pass: HUB_PASSWORD });
    try {
      expect(await (await jetstreamManager(nc)).consumers.delete('GRIDHUB_TEST', 'ingest')).toBe(true);
    } finally {
      await nc.close();
    }
    await acknowledgedAll(run, 'after the consumer was deleted');
    const sent = devices.length * perDevice;
    // The stream kept what it had (work-queue retention); the consumer set up again delivers it.
    expect(report('consumer deleted', sent, await settle(start))).toEqual({ sent, stored: sent, duplicated: 0 });
    await closeFleet(run);
  });

  it('sends a message delivered more than NATS_MAX_DELIVER times to dead letters with the reason', async () => {
    await hub!.close();
    hub = null;
    const [device] = devices as [FleetDevice];
    const publisher = await mqtt.connectAsync(nats.mqttUrl, { username: device.id, password: device.secret, reconnectPeriod: 0 });
    clients.push(publisher);
    const at = Date.parse('2026-11-15T00:00:00Z');
    await publisher.publishAsync(`gridhub/v1/air/${device.id}/data`, JSON.stringify({ ts: new Date(at).toISOString(), readings: { pm25: 77 } }), { qos: 1 });
    // Two instances take it and never acknowledge it (as if each hung or died): the test pulls it twice itself.
    const nc = await natsConnect({ servers: `127.0.0.1:${nats.clientPort}`, user: HUB_USER, pass: HUB_PASSWORD });
    try {
      const consumer = await jetstream(nc).consumers.get('GRIDHUB_TEST', 'ingest');
      for (let delivery = 1; delivery <= 2; delivery++) {
        const message = await consumer.next({ expires: 5_000 });
        expect(message?.info.deliveryCount).toBe(delivery);
        await new Promise((r) => setTimeout(r, 2_300)); // past the ack wait
      }
    } finally {
      await nc.close();
    }
    const back = await startInProcess();
    const admin = await Api.of(back).login('admin', 'test-admin-password');
    const letters = await eventually(async () => {
      const items = ((await admin.get(`/api/v1/dead-letters?deviceId=${device.id}`)).body.items as { reason: string; payload: string; topic: string }[]).filter(
        (d) => d.reason.startsWith('delivered'),
      );
      return items.length > 0 ? items : undefined;
    }, 15_000, 'the dead letter');
    expect(letters).toHaveLength(1);
    expect(letters[0]!.topic).toBe(`gridhub/v1/air/${device.id}/data`);
    expect(letters[0]!.reason).toMatch(/delivered 3 times without being stored \(NATS_MAX_DELIVER 2\)/);
    expect(JSON.parse(letters[0]!.payload).readings.pm25).toBe(77);
    expect(await storedPerDevice(env.config.databaseSchema, [device], at)).toEqual({});
    expect(back.app.get(NatsAccounts).written).toBeGreaterThan(0);
  });

});
