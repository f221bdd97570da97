#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SENSOR_FAMILIES, SensorFamily } from '@gridhub/contracts';
import { SimDevice } from './city';
import { SimClock } from './clock';
import { runDemo } from './demo';
import { Fleet, registerDevices } from './fleet';
import { HubApi, readCredentials, readHubInfo } from './hub-client';
import { LIVELY, livelyFleet } from './presets';
import { runScenario } from './scenarios/scenario';
import { SCENARIOS } from './scenarios/stories';
import { WorkerTablet } from './tablet';

const USAGE = `GridHub simulators (gridhub-sim; npm run sim -- …)

  fleet     the demo city's devices publish over MQTT (QoS 1, reconnects, retained status and will)
            [--families air,water,video,emergency] [--speed 1] [--start=now|ISO|-6h|-2d] [--interval S]
            [--lively] [--video-rate 1] [--emergency-rate 1] [--tempo 1] [--duration S] [--summary 10]
            [--limit air=4,video=1] [--register air=5,water=1,video=2,emergency=2 --admin-password P [--prefix sim]]
      --speed N     the simulated clock runs N× (device ts follow it; start in the past so ts stay ≤ now)
      --tempo N     weather episodes and the river's response play out N× faster (the day does not)
      --lively      a demo preset: short reporting intervals, tempo ${LIVELY.tempo}, frequent detections and alarms
      --limit       runs at most that many of the registry's devices per family
      --register    registers that many extra devices through POST /api/v1/devices (admin) and runs them too
  tablet    grid workers' tablets: log in, take tasks, accept or reject, walk, check in, handle with a photo
            [--username worker01 | --workers 7] [--password Worker-2026] [--speed 1] [--reject-rate 0.08]
            [--patrol-every 0] [--handling 15]
  scenario  <${Object.keys(SCENARIOS).join('|')}> [--wall 20] [--tablets N] [--seed N] [--fresh-devices --admin-password P]
            replays a story ending now, ×acceleration, and prints readings, alerts, incidents, CAP ids
      --fresh-devices  tells the story with new copies of its stations (registered, then disabled): needed
                       while the same stations report live (npm run demo), whose newer data would make the
                       replay late data that rules ignore
  demo      starts the hub (node hub/dist/main.js, or --hub-entry FILE) with the demo city, then the lively
            fleet, 7 tablets (--workers N for more) and a simulated shift lead; prints the map URL and the
            accounts; Ctrl-C stops all

Common: [--data-dir ./data] [--http URL] [--mqtt URL] [--seed 2026]
Ports and device secrets come from the hub's data directory (hub.json, demo-credentials.json).
`;

function number(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min} (got "${value}")`);
  return n;
}

/** now | ISO 8601 | -90m | -6h | -2d */
export function parseStart(value: string | undefined, now = new Date()): Date {
  if (!value || value === 'now') return now;
  const rel = /^-(\d+(?:\.\d+)?)(m|h|d)$/.exec(value);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'm' | 'h' | 'd']);
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new Error(`--start must be now, an ISO 8601 time or -90m/-6h/-2d (got "${value}")`);
  return d;
}

export function parseCounts(value: string, option = '--register'): Partial<Record<SensorFamily, number>> {
  const counts: Partial<Record<SensorFamily, number>> = {};
  for (const part of value.split(',')) {
    const [family, n] = part.split('=');
    if (!family || !(SENSOR_FAMILIES as readonly string[]).includes(family) || !/^\d+$/.test(n ?? '')) {
      throw new Error(`${option} takes family=count pairs, e.g. air=5,video=2 (got "${part}")`);
    }
    counts[family as SensorFamily] = Number(n);
  }
  return counts;
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string', default: './data' },
      mqtt: { type: 'string' },
      http: { type: 'string' },
      seed: { type: 'string' },
      families: { type: 'string' },
      speed: { type: 'string' },
      start: { type: 'string' },
      interval: { type: 'string' },
      lively: { type: 'boolean' },
      'video-rate': { type: 'string' },
      'emergency-rate': { type: 'string' },
      tempo: { type: 'string' },
      duration: { type: 'string' },
      summary: { type: 'string' },
      register: { type: 'string' },
      limit: { type: 'string' },
      'admin-password': { type: 'string' },
      prefix: { type: 'string', default: 'sim' },
      username: { type: 'string' },
      password: { type: 'string', default: 'Worker-2026' },
      workers: { type: 'string' },
      'reject-rate': { type: 'string' },
      'patrol-every': { type: 'string' },
      handling: { type: 'string' },
      wall: { type: 'string' },
      tablets: { type: 'string' },
      'hub-entry': { type: 'string' },
      'fresh-devices': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return;
  }
  const dataDir = resolve(values['data-dir']);
  const seed = number('seed', values.seed, 2026);
  if (command === 'demo') {
    const workers = values.workers === undefined ? undefined : number('workers', values.workers, 7);
    await runDemo({ dataDir, seed, ...(workers ? { workers } : {}), ...(values['hub-entry'] ? { hubEntry: resolve(values['hub-entry']) } : {}) });
    return;
  }
  const info = () => readHubInfo(dataDir);
  const mqttUrl = values.mqtt ?? `mqtt://127.0.0.1:${info().mqttPort}`;
  const httpUrl = values.http ?? `http://127.0.0.1:${info().httpPort}`;
  const secrets = () => new Map(readCredentials(dataDir).map((c) => [c.id, c.secret]));

  if (command === 'fleet') {
    const api = await new HubApi(httpUrl).login('dispatcher', 'Dispatch-2026').catch(() => null);
    const known = secrets();
    let devices: SimDevice[] = api ? (await api.devices()).filter((d) => known.has(d.id)) : readCredentials(dataDir).map((c) => ({ id: c.id, family: c.family, lon: 0, lat: 0 }));
    if (!api) process.stdout.write('could not log in as dispatcher to read device positions; cameras report no target position\n');
    if (values.families) {
      const wanted = values.families.split(',');
      devices = devices.filter((d) => wanted.includes(d.family));
    }
    if (values.limit) {
      const limits = parseCounts(values.limit, '--limit');
      const kept: Partial<Record<SensorFamily, number>> = {};
      devices = devices.filter((d) => {
        const cap = limits[d.family];
        if (cap === undefined) return true;
        kept[d.family] = (kept[d.family] ?? 0) + 1;
        return kept[d.family]! <= cap;
      });
    }
    if (values.register) {
      const password = values['admin-password'] ?? process.env['GRIDHUB_ADMIN_PASSWORD'];
      if (!password) throw new Error('--register needs --admin-password (or GRIDHUB_ADMIN_PASSWORD)');
      const admin = await new HubApi(httpUrl).login('admin', password);
      const lons = devices.map((d) => d.lon).filter((v) => v !== 0);
      const lats = devices.map((d) => d.lat).filter((v) => v !== 0);
      const bbox: [number, number, number, number] = lons.length
        ? [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)]
        : [112.546, 37.8506, 112.5551, 37.856];
      const registered = await registerDevices(admin, parseCounts(values.register), values.prefix, bbox);
      for (const c of registered.credentials) known.set(c.id, c.secret);
      devices.push(...registered.devices);
      process.stdout.write(`registered ${registered.devices.length} devices: ${registered.devices.map((d) => d.id).join(', ')}\n`);
    }
    const speed = number('speed', values.speed, 1, 0.001);
    const lively = values.lively ? livelyFleet() : {};
    const interval = values.interval ? number('interval', values.interval, 60, 1) : undefined;
    const fleet = new Fleet({
      ...lively,
      seed,
      mqttUrl,
      devices,
      secrets: known,
      clock: new SimClock(parseStart(values.start), speed),
      ...(interval ? { intervals: { air: interval, water: interval } } : {}),
      ...(values['video-rate'] ? { videoRateScale: number('video-rate', values['video-rate'], 1) } : {}),
      ...(values['emergency-rate'] ? { emergencyRateScale: number('emergency-rate', values['emergency-rate'], 1) } : {}),
      ...(values.tempo ? { environment: { ...lively.environment, tempo: number('tempo', values.tempo, 1, 0.01) } } : {}),
      summaryEveryS: number('summary', values.summary, 10),
    });
    await fleet.connect();
    process.stdout.write(`${devices.length} devices connected to ${mqttUrl}; simulated clock ×${speed}. Ctrl-C stops.\n`);
    fleet.start();
    const duration = number('duration', values.duration, 0);
    const reason = await (duration > 0 ? new Promise<string>((r) => setTimeout(() => r('duration'), duration * 1000)) : untilSignal());
    await fleet.stop();
    process.stdout.write(`${fleet.summary()}\nstopped (${reason})\n`);
  } else if (command === 'tablet') {
    const count = number('workers', values.workers, 0);
    const usernames = values.username ? [values.username] : Array.from({ length: count || 1 }, (_, i) => `worker${String(i + 1).padStart(2, '0')}`);
    const clock = new SimClock(new Date(), number('speed', values.speed, 1, 0.001));
    const tablets = usernames.map(
      (username) =>
        new WorkerTablet({
          httpUrl,
          mqttUrl,
          username,
          password: values.password,
          clock,
          seed,
          rejectRate: number('reject-rate', values['reject-rate'], 0.08),
          patrolEveryMin: number('patrol-every', values['patrol-every'], 0),
          handlingMinutes: number('handling', values.handling, 15, 1),
        }),
    );
    await Promise.all(tablets.map((t) => t.start()));
    await untilSignal();
    await Promise.all(tablets.map((t) => t.stop()));
  } else if (command === 'scenario') {
    const name = positionals[1];
    const def = name ? SCENARIOS[name] : undefined;
    if (!def) throw new Error(`scenario must be one of ${Object.keys(SCENARIOS).join(', ')}`);
    const adminPassword = values['admin-password'] ?? process.env['GRIDHUB_ADMIN_PASSWORD'];
    if (values['fresh-devices'] && !adminPassword) throw new Error('--fresh-devices needs --admin-password (or GRIDHUB_ADMIN_PASSWORD)');
    const report = await runScenario(def, {
      httpUrl,
      mqttUrl,
      secrets: secrets(),
      ...(values['fresh-devices'] ? { freshDevices: { username: 'admin', password: adminPassword! } } : {}),
      seed,
      wallSeconds: number('wall', values.wall, 20, 1),
      ...(values.tablets !== undefined ? { tablets: number('tablets', values.tablets, 0) } : {}),
    });
    if (report.fleet.failed > 0) process.exitCode = 1;
  } else {
    throw new Error(`unknown command "${command}"\n\n${USAGE}`);
  }
}

if (require.main === module) {
  // Exit once the command is done, whatever keep-alive sockets remain.
  main().then(() => process.exit(), (error: Error) => {
    process.stderr.write(`gridhub-sim: ${error.message}\n`);
    process.exit(1);
  });
}
