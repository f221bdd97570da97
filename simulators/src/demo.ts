import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SimClock } from './clock';
import { CommandCentre } from './command-centre';
import { Fleet } from './fleet';
import { HubApi, HubInfo, readCredentials, readJson } from './hub-client';
import { livelyFleet } from './presets';
import { WorkerTablet } from './tablet';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits for the hub started as `child` to write its hub.json and answer /health/ready. */
async function waitForHub(child: ChildProcess, dataDir: string, timeoutMs = 180_000): Promise<HubInfo> {
  const until = Date.now() + timeoutMs;
  const file = join(dataDir, 'hub.json');
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the hub exited with code ${child.exitCode} before it was ready (see its output above)`);
    if (existsSync(file)) {
      const info = readJson<HubInfo>(file, 'hub ports');
      // An older hub.json from a previous run names another process.
      if (info.pid === child.pid) {
        const ready = await fetch(`http://127.0.0.1:${info.httpPort}/health/ready`).then((r) => r.ok, () => false);
        if (ready) return info;
      }
    }
    await sleep(500);
  }
  throw new Error(`the hub was not ready within ${timeoutMs / 1000} s`);
}

/** V8 options the hub runs with: a 64 MB young generation (see bench/README.md, sustained ingest). */
const HUB_NODE_FLAGS = ['--max-semi-space-size=64'];

/**
 * `npm run demo`: the hub with the demo city (spawned from hub/dist/main.js, its output passed through), then
 * every demo device on the lively preset and the tablets of the on-duty workers; Ctrl-C stops all three.
 */

export async function runDemo(options: { dataDir: string; seed: number; workers?: number; hubEntry?: string }): Promise<void> {
  const main = options.hubEntry ?? resolve(__dirname, '..', '..', 'hub', 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  // The same Node options as this process (e.g. a -r loader when run from the sources), and the hub's own
  // (as `npm start` and the Dockerfile give them).
  const child = spawn(process.execPath, [...process.execArgv, ...HUB_NODE_FLAGS, main], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GRIDHUB_DATA_DIR: options.dataDir, GRIDHUB_SEED_DEMO: process.env['GRIDHUB_SEED_DEMO'] ?? 'true' },
  });
  const hubExited = new Promise<void>((r) => child.once('exit', () => r()));
  let fleet: Fleet | null = null;
  const tablets: WorkerTablet[] = [];
  let centre: CommandCentre | null = null;
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nstopping the demo (${why})...\n`);
    await centre?.stop();
    await Promise.all(tablets.map((t) => t.stop().catch(() => undefined)));
    await fleet?.stop().catch(() => undefined);
    if (child.exitCode === null) child.kill('SIGINT');
    await hubExited;
  };
  process.once('SIGINT', () => void stop('Ctrl-C').then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop('SIGTERM').then(() => process.exit(0)));

  try {
    const info = await waitForHub(child, options.dataDir);
    const httpUrl = `http://127.0.0.1:${info.httpPort}`;
    const mqttUrl = `mqtt://127.0.0.1:${info.mqttPort}`;
    const credentials = readCredentials(options.dataDir);
    const secrets = new Map(credentials.map((c) => [c.id, c.secret]));
    const api = await new HubApi(httpUrl).login('dispatcher', 'Dispatch-2026');
    const devices = (await api.devices()).filter((d) => secrets.has(d.id));
    const clock = new SimClock(new Date(), 1);
    fleet = new Fleet({ ...livelyFleet(clock.now()), seed: options.seed, mqttUrl, devices, secrets, clock, summaryEveryS: 15 });
    await fleet.connect();
    fleet.start();
    for (let i = 1; i <= (options.workers ?? 7); i++) {
      const tablet = new WorkerTablet({
        httpUrl,
        mqttUrl,
        username: `worker${String(i).padStart(2, '0')}`,
        password: 'Worker-2026',
        // Field work at 10× so a task is walked and handled in a minute or two.
        clock: new SimClock(new Date(), 10),
        seed: options.seed,
        handlingMinutes: 8,
        patrolEveryMin: 90,
      });
      await tablet.start();
      tablets.push(tablet);
    }
    // The supervisors (监督员): they verify reports on site and re-inspect handled work.
    for (const username of ['supervisor01', 'supervisor02']) {
      const tablet = new WorkerTablet({ httpUrl, mqttUrl, username, password: 'Supervise-2026', clock: new SimClock(new Date(), 10), seed: options.seed, handlingMinutes: 8, patrolEveryMin: 0 });
      await tablet.start();
      tablets.push(tablet);
    }
    centre = new CommandCentre({ httpUrl, everyMs: 3000 });
    await centre.start();
    process.stdout.write(
      [
        '',
        'GridHub demo city is live',
        `  Map        http://localhost:${info.httpPort}/`,
        `  API docs   http://localhost:${info.httpPort}/api/docs`,
        `  MQTT       mqtt://localhost:${info.mqttPort}`,
        '  Accounts   dispatcher / Dispatch-2026 (dispatcher), shiftlead / Shift-2026 (shift lead), analyst / Analyst-2026 (bureau)',
        '             worker01 … worker08 / Worker-2026 (grid workers; worker08 off duty)',
        '             supervisor01, supervisor02 / Supervise-2026 (supervisors: verify and re-inspect)',
        '             admin / GRIDHUB_ADMIN_PASSWORD, or the password the hub printed on its first start',
        `  Running    ${devices.length} devices (lively: smog builds now, a storm swells the river from minute 5), ${tablets.length} worker tablets, a simulated shift lead and dispatcher`,
        '  Ctrl-C stops the simulators and the hub.',
        '',
      ].join('\n') + '\n',
    );
    await hubExited;
    if (!stopping) {
      process.stdout.write('the hub stopped; stopping the simulators\n');
      await stop('hub exited');
      process.exitCode = 1;
    }
  } catch (error) {
    await stop('error');
    throw error;
  }
}
