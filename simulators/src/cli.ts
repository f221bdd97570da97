#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt, { MqttClient } from 'mqtt';
import { deviceTopic, SensorFamily, workerTasksTopic } from '@gridhub/ingest';
import { airReadings, waterReadings } from './values';

const USAGE = `GridHub simulators

  gridhub-sim fleet  [--data-dir ./data] [--mqtt URL] [--interval 10] [--episode-every 0] [--count 0]
      Every air and water station of the demo city publishes readings every --interval seconds (QoS 1).
      --episode-every N: every Nth round one station reports a pollution episode (PM2.5 / NH3-N breach).
      --count N: stop after N rounds (0 = run until Ctrl-C).
  gridhub-sim tablet --username worker01 --password Worker-2026 [--data-dir ./data] [--http URL] [--mqtt URL]
      A grid worker's tablet: logs in, subscribes to its task topic and prints every task it receives.

Ports and device secrets are read from the hub's data directory (hub.json, demo-credentials.json).
`;

interface HubInfo {
  httpPort: number;
  mqttPort: number;
}
interface DeviceCredentials {
  id: string;
  family: SensorFamily;
  name: string;
  secret: string;
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`cannot read ${what} at ${file} (${(error as Error).message}); is the hub running with this --data-dir?`);
  }
}

function connect(url: string, username: string, password: string, clientId: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { username, password, clientId, clean: false, reconnectPeriod: 2000 });
}

async function fleet(dataDir: string, mqttUrl: string, intervalS: number, episodeEvery: number, count: number): Promise<void> {
  const { devices } = readJson<{ devices: DeviceCredentials[] }>(join(dataDir, 'demo-credentials.json'), 'device credentials');
  const stations = devices.filter((d) => d.family === 'air' || d.family === 'water');
  const clients = await Promise.all(stations.map((d) => connect(mqttUrl, d.id, d.secret, `sim-${d.id}`)));
  process.stdout.write(`${stations.length} stations connected to ${mqttUrl}; publishing every ${intervalS} s\n`);
  let round = 0;
  const tick = async () => {
    round++;
    const at = new Date();
    const episodeAt = episodeEvery > 0 && round % episodeEvery === 0 ? Math.floor(Math.random() * stations.length) : -1;
    const results = await Promise.allSettled(
      stations.map((d, i) => {
        const readings = d.family === 'air' ? airReadings(at, i === episodeAt) : waterReadings(at, i === episodeAt);
        return clients[i]!.publishAsync(deviceTopic(d.family, d.id, 'data'), JSON.stringify({ ts: at.toISOString(), readings }), { qos: 1 });
      }),
    );
    const failed = results.filter((r) => r.status === 'rejected').length;
    process.stdout.write(
      `round ${round}: ${stations.length - failed} acknowledged, ${failed} failed${episodeAt >= 0 ? `, episode at ${stations[episodeAt]!.id}` : ''}\n`,
    );
    if (count > 0 && round >= count) {
      await Promise.all(clients.map((c) => c.endAsync()));
      return;
    }
    setTimeout(() => void tick(), intervalS * 1000);
  };
  await tick();
}

async function tablet(dataDir: string, httpUrl: string, mqttUrl: string, username: string, password: string): Promise<void> {
  const res = await fetch(`${httpUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login as ${username} failed: HTTP ${res.status}`);
  const { user } = (await res.json()) as { user: { workerId: string | null; displayName: string } };
  if (!user.workerId) throw new Error(`${username} is not a grid worker`);
  const client = await connect(mqttUrl, username, password, `tablet-${username}`);
  await client.subscribeAsync(workerTasksTopic(user.workerId), { qos: 1 });
  process.stdout.write(`${user.displayName}'s tablet is waiting for tasks (${dataDir})\n`);
  client.on('message', (_topic, payload) => process.stdout.write(`task: ${payload.toString()}\n`));
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string', default: './data' },
      mqtt: { type: 'string' },
      http: { type: 'string' },
      interval: { type: 'string', default: '10' },
      'episode-every': { type: 'string', default: '0' },
      count: { type: 'string', default: '0' },
      username: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return;
  }
  const dataDir = resolve(values['data-dir']);
  const info = () => readJson<HubInfo>(join(dataDir, 'hub.json'), 'hub ports');
  const mqttUrl = values.mqtt ?? `mqtt://127.0.0.1:${info().mqttPort}`;
  if (command === 'fleet') {
    const number = (name: string, v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number ≥ 0`);
      return n;
    };
    await fleet(dataDir, mqttUrl, Math.max(0.1, number('interval', values.interval)), number('episode-every', values['episode-every']), number('count', values.count));
  } else if (command === 'tablet') {
    if (!values.username || !values.password) throw new Error('tablet needs --username and --password');
    await tablet(dataDir, values.http ?? `http://127.0.0.1:${info().httpPort}`, mqttUrl, values.username, values.password);
  } else {
    throw new Error(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`gridhub-sim: ${error.message}\n`);
  process.exit(1);
});
