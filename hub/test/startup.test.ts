import { execFile } from 'node:child_process';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startHub, StartupError } from '../src/bootstrap';
import { DEMO_DISPATCHER } from '../src/seed/demo-city';
import { Api, connect, demoCredentials, eventually } from './support/clients';
import { testEnv } from './support/test-env';

const MAIN = join(__dirname, '..', 'dist', 'main.js');

function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('starting the hub', () => {
  it('in demo mode, moves MQTT to a free port when its port is taken, and works on the PostgreSQL server path', async () => {
    const taken = await holdPort();
    const env = await testEnv('server', { MQTT_PORT: String(taken.port) });
    const hub = await startHub(env.config);
    try {
      expect(hub.database).toMatchObject({ mode: 'server', timescale: false });
      expect(hub.mqttPort).not.toBe(taken.port);
      const dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
      const water = (await demoCredentials(hub)).find((d) => d.id === 'water-002')!;
      const sensor = await connect(hub, water.id, water.secret);
      await sensor.publishAsync(
        `gridhub/v1/water/${water.id}/data`,
        JSON.stringify({ ts: new Date().toISOString(), readings: { nh3n_mgl: 2.6, ph: 7.4 } }),
        { qos: 1 },
      );
      await sensor.endAsync();
      const incident = await eventually(async () => (await dispatcher.get('/api/v1/incidents')).body.items[0], 10_000, 'incident');
      expect(incident).toMatchObject({ category: 'water_pollution', status: 'dispatched', priority: 'normal' });
      expect(incident.gridCode).toMatch(/^140105001001/);
    } finally {
      await hub.close();
      await env.cleanup();
      taken.server.close();
    }
  });

  it('in production, fails fast with a clear message when the MQTT port is taken', async () => {
    const taken = await holdPort();
    const env = await testEnv('server', { MQTT_PORT: String(taken.port), NODE_ENV: 'production' });
    try {
      await expect(startHub(env.config)).rejects.toThrow(new StartupError(
        `MQTT_PORT ${taken.port} is already in use (another MQTT broker?). Stop it or set MQTT_PORT to a free port.`,
      ));
    } finally {
      await env.cleanup();
      taken.server.close();
    }
  });

  it('says in one line that Redis is unreachable and how to start one', async () => {
    const env = await testEnv('server', { REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      await expect(startHub(env.config)).rejects.toThrow(/^Redis is not reachable at 127\.0\.0\.1:1 \(ECONNREFUSED\)\. .*redis-server/);
    } finally {
      await env.cleanup();
    }
  });

  it('the main command names a bad variable and exits without a stack trace', async () => {
    const run = promisify(execFile);
    const failure = await run(process.execPath, [MAIN], { env: { ...process.env, HTTP_PORT: 'eighty' } }).catch((e) => e);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toBe('GridHub configuration error: HTTP_PORT must be a port number\n');
    const noRedis = await run(process.execPath, [MAIN], { env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1' } }).catch((e) => e);
    expect(noRedis.code).toBe(1);
    expect(noRedis.stderr.trim().split('\n')).toHaveLength(1);
    expect(noRedis.stderr).toMatch(/^GridHub cannot start: Redis is not reachable/);
  });
});
