import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { MqttClient } from 'mqtt';
import { Pool } from 'pg';
import { startHub, RunningHub } from '../src/bootstrap';
import { DEMO_DISPATCHER, DEMO_WORKER_PASSWORD } from '../src/seed/demo-city';
import { Api, closed, connect, demoCredentials, DemoDeviceCredentials } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

const ADMIN_PASSWORD = 'test-admin-password';

/**
 * Every door that should stay shut, proven shut: roles, expired and refreshed tokens, lock-out, disabled
 * accounts, the audit log, body limits, headers and CORS, login rate limits; and at the broker: another
 * device's topic, password guessing, one connection per device, and the per-device rate (held, not lost).
 */
describe('trust: accounts, HTTP and MQTT refusals', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let base: string;
  /** Access tokens live 2 s in this hub: each use logs in afresh. */
  const admin = { get: async (path: string) => (await asAdmin()).get(path), request: async (m: string, p: string, b?: unknown) => (await asAdmin()).request(m, p, b) };
  const asAdmin = () => Api.of(hub).login('admin', ADMIN_PASSWORD);
  let devices: DemoDeviceCredentials[];
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    env = await testEnv('server', {
      GRIDHUB_ACCESS_TOKEN_TTL: '2',
      GRIDHUB_LOGIN_MAX_FAILURES: '3',
      HTTP_BODY_LIMIT_KB: '64',
      HTTP_LOGIN_RATE_LIMIT_PER_MINUTE: '60',
      CORS_ORIGINS: 'https://gis.example.gov.cn',
      MQTT_LOGIN_MAX_FAILURES: '3',
      MQTT_DEVICE_MESSAGES_PER_SECOND: '5',
    });
    hub = await startHub(env.config);
    base = `http://127.0.0.1:${hub.httpPort}`;
    devices = await demoCredentials(hub);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await hub?.close();
    await env?.cleanup();
  });

  const track = (client: MqttClient) => {
    clients.push(client);
    return client;
  };
  const login = (username: string, password: string) =>
    fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

  describe('accounts', () => {
    it('refuses a role that does not fit, naming the role needed', async () => {
      const worker = await Api.of(hub).login('worker01', DEMO_WORKER_PASSWORD);
      const res = await worker.get('/api/v1/accounts');
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/needs the role admin; you are grid_worker/);
      expect((await admin.get('/api/v1/accounts')).status).toBe(200);
    });

    it('refuses an expired access token, and the refresh token gets a new one exactly once', async () => {
      const first = await (await login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password)).json();
      const call = (token: string) => fetch(`${base}/api/v1/grids?level=district`, { headers: { authorization: `Bearer ${token}` } });
      expect((await call(first.accessToken)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 3_100)); // the access token lives 2 s here
      const expired = await call(first.accessToken);
      expect(expired.status).toBe(401);
      expect((await expired.json()).message).toMatch(/invalid or expired/);

      const refresh = (token: string) =>
        fetch(`${base}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: token }) });
      const renewed = await refresh(first.refreshToken);
      expect(renewed.status).toBe(200);
      const second = await renewed.json();
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect((await call(second.accessToken)).status).toBe(200);
      // The spent token replayed: refused, and its whole family is revoked (the new one too).
      expect((await refresh(first.refreshToken)).status).toBe(401);
      expect((await refresh(second.refreshToken)).status).toBe(401);
      const audit = await admin.get('/api/v1/audit?action=token.reuse');
      expect(audit.body.items.length).toBeGreaterThanOrEqual(1);
      // Refresh tokens are stored only as hashes.
      const { rows } = await hub.app.get(Pool).query(`select token_hash from refresh_tokens`);
      expect(rows.every((r: { token_hash: Buffer }) => r.token_hash.length === 32)).toBe(true);
      expect(rows.some((r: { token_hash: Buffer }) => r.token_hash.toString('base64url') === first.refreshToken)).toBe(false);
    });

    it('locks an account after repeated failures — even the right password — until an admin unlocks it', async () => {
      const created = await admin.request('POST', '/api/v1/accounts', {
        username: 'lock-me',
        password: 'Lockable-2026',
        role: 'dispatcher',
        displayName: '测试调度员',
      });
      expect(created.status).toBe(201);
      expect((await login('lock-me', 'wrong-1')).status).toBe(401);
      expect((await login('lock-me', 'wrong-2')).status).toBe(401);
      const third = await login('lock-me', 'wrong-3');
      expect(third.status).toBe(423);
      expect((await third.json()).message).toMatch(/locked .* until/);
      expect((await login('lock-me', 'Lockable-2026')).status).toBe(423);

      expect((await admin.request('POST', `/api/v1/accounts/${created.body.id}/unlock`)).status).toBe(201);
      expect((await login('lock-me', 'Lockable-2026')).status).toBe(200);

      const audit = (await admin.get(`/api/v1/audit?target=${created.body.id}`)).body.items.map((e: any) => e.action);
      expect(audit).toEqual(expect.arrayContaining(['account.create', 'login.failure', 'login.locked', 'account.unlock', 'login.success']));
    });

    it('audits administrative changes: who changed what, from where — without the bodies', async () => {
      const created = await admin.request('POST', '/api/v1/devices', { family: 'air', name: '审计测试站', lon: 112.549, lat: 37.855 });
      expect(created.status).toBe(201);
      expect((await admin.request('POST', `/api/v1/devices/${created.body.device?.id ?? created.body.id}/disable`)).status).toBe(200);
      const entries = (await admin.get('/api/v1/audit?action=admin.change')).body.items as any[];
      expect(entries.map((e) => `${e.detail.method} ${e.target}`)).toEqual(
        expect.arrayContaining(['POST /api/v1/devices', `POST /api/v1/devices/${created.body.device?.id ?? created.body.id}/disable`]),
      );
      expect(entries.every((e) => e.actor === 'account:admin' && typeof e.ip === 'string')).toBe(true);
      expect(JSON.stringify(entries)).not.toContain(created.body.secret);
    });

    it('validates account input and refuses weak passwords', async () => {
      const weak = await admin.request('POST', '/api/v1/accounts', { username: 'weak', password: 'short', role: 'dispatcher', displayName: 'x' });
      expect(weak.status).toBe(400);
      expect(JSON.stringify(weak.body.message)).toMatch(/10 to 128 characters/);
      const badRole = await admin.request('POST', '/api/v1/accounts', { username: 'boss', password: 'Password-2026', role: 'emperor', displayName: 'x' });
      expect(badRole.status).toBe(400);
      const badScope = await admin.request('POST', '/api/v1/accounts', {
        username: 'scoped',
        password: 'Password-2026',
        role: 'dispatcher',
        displayName: 'x',
        gridScope: '999999999999',
      });
      expect(badScope.status).toBe(400);
      expect(badScope.body.message).toMatch(/not a known grid/);
    });

    it('stops a disabled account at once, tokens included', async () => {
      const created = await admin.request('POST', '/api/v1/accounts', { username: 'leaver', password: 'Leaving-2026', role: 'bureau_analyst', displayName: '离职人员' });
      expect(created.status).toBe(201);
      const leaver = await Api.of(hub).login('leaver', 'Leaving-2026');
      expect((await leaver.get('/api/v1/devices')).status).toBe(200);
      expect((await admin.request('PATCH', `/api/v1/accounts/${created.body.id}`, { disabled: true })).status).toBe(200);
      // Refused although the token has not expired (the account is re-read within seconds).
      expect((await leaver.get('/api/v1/devices')).status).toBe(401);
      expect((await login('leaver', 'Leaving-2026')).status).toBe(403);
      const listed = (await admin.get('/api/v1/accounts')).body.items;
      expect(listed.every((a: any) => !('passwordHash' in a) && !('password_hash' in a))).toBe(true);
    });
  });

  describe('HTTP', () => {
    it('sends security headers and no server fingerprint', async () => {
      const res = await fetch(`${base}/health/live`);
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    });

    it('allows cross-origin calls only from the configured origins', async () => {
      const preflight = (origin: string) =>
        fetch(`${base}/api/v1/devices`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      expect((await preflight('https://gis.example.gov.cn')).headers.get('access-control-allow-origin')).toBe('https://gis.example.gov.cn');
      expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    });

    it('refuses an oversized body with 413 and malformed JSON with 400, saying why', async () => {
      const big = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'x', password: 'y'.repeat(100 * 1024) }),
      });
      expect(big.status).toBe(413);
      expect((await big.json()).message).toMatch(/larger than this server accepts/);
      const broken = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username": ' });
      expect(broken.status).toBe(400);
      expect((await broken.json()).message).toMatch(/not valid JSON/);
    });

    it('never serves files outside the map UI, whatever the path says', async () => {
      for (const path of ['/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/assets/..%5c..%5c..%5cetc%5cpasswd']) {
        const res = await fetch(base + path);
        expect(await res.text()).not.toMatch(/root:.*:0:0:/);
      }
    });

  });

  describe('MQTT', () => {
    const device = (family: string, n = 0) => devices.filter((d) => d.family === family)[n]!;

    it('refuses a publish under another device’s id', async () => {
      const a = device('air', 0);
      const b = device('air', 1);
      const client = track(await connect(hub, a.id, a.secret));
      const gone = closed(client);
      client.publish(`gridhub/v1/air/${b.id}/data`, JSON.stringify({ ts: new Date().toISOString(), readings: { pm25: 1 } }), { qos: 1 });
      await gone;
      const stored = await hub.app.get(Pool).query(`select count(*)::int as n from readings where device_id = $1`, [b.id]);
      expect(stored.rows[0].n).toBe(0);
    });

    it('blocks password guessing: after the allowed failures even the right secret is refused for a while', async () => {
      const victim = device('water', 0);
      for (let i = 0; i < 3; i++) await expect(connect(hub, victim.id, `guess-${i}`)).rejects.toThrow();
      await expect(connect(hub, victim.id, victim.secret)).rejects.toThrow(/too many failed logins|Server unavailable|Not authorized|Bad User/i);
      const audit = await admin.get('/api/v1/audit?action=mqtt.login.blocked');
      expect(audit.body.items.some((e: any) => e.target === victim.id)).toBe(true);
    });

    it('keeps one live connection per device: a new login closes the old one', async () => {
      const d = device('air', 2);
      const first = track(await connect(hub, d.id, d.secret, `first-${d.id}`));
      const firstClosed = closed(first);
      const second = track(await connect(hub, d.id, d.secret, `second-${d.id}`));
      await firstClosed;
      expect(second.connected).toBe(true);
    });

    it('holds a device over its message rate back instead of losing its messages', async () => {
      const d = device('air', 3);
      const client = track(await connect(hub, d.id, d.secret));
      const start = Date.parse('2026-11-20T00:00:00Z');
      // 5 msg/s with a 10 s burst here: 60 messages at once overrun the burst by 10.
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          client.publishAsync(`gridhub/v1/air/${d.id}/data`, JSON.stringify({ ts: new Date(start + i * 60_000).toISOString(), readings: { pm25: i } }), { qos: 1 }),
        ),
      );
      const stored = await hub.app.get(Pool).query(`select count(*)::int as n from readings where device_id = $1 and metric = 'pm25'`, [d.id]);
      expect(stored.rows[0].n).toBe(60);
      const held = await fetch(`http://127.0.0.1:${hub.httpPort}/metrics`).then((r) => r.text());
      const line = held.split('\n').find((l) => l.startsWith('gridhub_mqtt_rate_held_total{family="air"}'));
      expect(Number(line?.split(' ')[1] ?? 0)).toBeGreaterThanOrEqual(10);
    });
  });

  // Last: it spends this address's logins for the minute.
  describe('login rate', () => {
    it('rate-limits logins per address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 70; i++) statuses.push((await login('nobody', 'wrong')).status);
      expect(statuses).toContain(429);
      const limited = await login('nobody', 'wrong');
      expect(limited.status).toBe(429);
      expect((await limited.json()).message).toMatch(/too many requests: at most 60 per minute/);
    });
  });
});

/** The embedded broker's optional MQTT-over-TLS listener: devices log in and publish over TLS exactly as over TCP. */
describe('MQTT over TLS', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gridhub-tls-'));
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost']);
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    env = await testEnv('server', { MQTT_TLS_PORT: String(port), MQTT_TLS_CERT: join(dir, 'cert.pem'), MQTT_TLS_KEY: join(dir, 'key.pem') });
    hub = await startHub(env.config);
  });

  afterAll(async () => {
    await hub?.close();
    await env?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts a device over TLS, stores its QoS 1 reading, and still refuses a wrong secret', async () => {
    const device = (await demoCredentials(hub)).find((d) => d.family === 'air')!;
    const ca = await readFile(join(dir, 'cert.pem'));
    const url = `mqtts://localhost:${env.config.mqtt.tls!.port}`;
    const client = await mqtt.connectAsync(url, { username: device.id, password: device.secret, ca, reconnectPeriod: 0 });
    await client.publishAsync(`gridhub/v1/air/${device.id}/data`, JSON.stringify({ ts: '2026-11-16T08:00:00+08:00', readings: { pm25: 42 } }), { qos: 1 });
    await client.endAsync();
    const { rows } = await hub.app.get(Pool).query(`select value from readings where device_id = $1 and metric = 'pm25' and time = '2026-11-16T00:00:00Z'`, [device.id]);
    expect(rows).toEqual([{ value: 42 }]);
    await expect(mqtt.connectAsync(url, { username: device.id, password: 'wrong', ca, reconnectPeriod: 0 })).rejects.toThrow();
  });
});
