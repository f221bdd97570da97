import { LiveChannel } from '@gridhub/ingest';
import { Pool } from 'pg';
import { startHub, RunningHub } from '../src/bootstrap';
import { AccountRepository } from '../src/auth/account.repository';
import { SecretHasher } from '@gridhub/ingest';
import { DEMO_DISPATCHER, DEMO_WORKER_PASSWORD } from '../src/seed/demo-city';
import { Api, connect, demoCredentials, eventually, liveClient } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/**
 * The live socket: refuses clients without a valid token, and delivers each update to exactly its audience —
 * by role, by the account's grid scope and by worker id.
 */
describe('live updates over socket.io', () => {
  let env: TestEnv;
  let hub: RunningHub;
  let live: LiveChannel;
  let districts: { code: string; child: string }[];
  const sockets: { disconnect(): unknown }[] = [];

  beforeAll(async () => {
    env = await testEnv('server');
    hub = await startHub(env.config);
    live = hub.app.get(LiveChannel);
    const pool = hub.app.get(Pool);
    const { rows } = await pool.query<{ code: string; child: string }>(
      `select d.code, min(g.code) as child
         from grids d
         join grids s on s.parent_code = d.code
         join grids c on c.parent_code = s.code
         join grids g on g.parent_code = c.code
        where d.level = 'district' group by d.code order by d.code`,
    );
    districts = rows;
    const hasher = hub.app.get(SecretHasher);
    await hub.app.get(AccountRepository).insert({
      username: 'env-analyst-d0',
      passwordHash: await hasher.hashPassword('Analyst-2026'),
      role: 'bureau_analyst',
      displayName: 'district analyst',
      gridScope: districts[0]!.code,
      workerId: null,
    });
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await hub?.close();
    await env?.cleanup();
  });

  const connected = async (api: Api) => {
    const socket = await liveClient(hub, api.accessToken);
    sockets.push(socket);
    return socket;
  };

  it('refuses a client without a valid token', async () => {
    await expect(liveClient(hub, null)).rejects.toThrow(/access token is required/);
    await expect(liveClient(hub, 'not-a-token')).rejects.toThrow(/access token is required/);
  });

  it('delivers by role, grid scope and worker id', async () => {
    expect(districts.length).toBeGreaterThanOrEqual(2);
    const [inScope, outOfScope] = districts as [{ code: string; child: string }, { code: string; child: string }];
    const dispatcher = await connected(await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password));
    const analyst = await connected(await Api.of(hub).login('env-analyst-d0', 'Analyst-2026'));
    const workerApi = await Api.of(hub).login('worker01', DEMO_WORKER_PASSWORD);
    const worker = await connected(workerApi);
    const otherWorker = await connected(await Api.of(hub).login('worker02', DEMO_WORKER_PASSWORD));

    // Numbered markers stand in for the payloads: this test is about who receives what, not what it says.
    const mark = (n: number) => ({ n }) as never;
    live.publish('alert.raised', mark(1), { roles: ['bureau_analyst', 'dispatcher'], gridCode: outOfScope.child });
    live.publish('alert.raised', mark(2), { roles: ['bureau_analyst', 'dispatcher'], gridCode: inScope.child });
    live.publish('task.assigned', mark(3), { workerIds: [workerApi.user!.workerId!] });
    live.publish('device.status', mark(4), { roles: ['bureau_analyst'] });
    live.publish('incident.updated', mark(5), {});

    const numbers = (s: { received: { payload: any }[] }) =>
      s.received.map((r) => r.payload?.n as number | undefined).filter((n): n is number => n !== undefined).sort();
    const expected: [typeof dispatcher, number[]][] = [
      [dispatcher, [1, 2, 5]],
      [analyst, [2, 4, 5]],
      [worker, [3, 5]],
      [otherWorker, [5]],
    ];
    // Grid-addressed updates resolve the grid's ancestry first, so arrival order is not publication order.
    for (const [socket, want] of expected) await eventually(async () => (numbers(socket).length >= want.length ? true : undefined));
    await new Promise((r) => setTimeout(r, 300)); // and nothing more arrives
    for (const [socket, want] of expected) expect(numbers(socket)).toEqual(want);
    expect(worker.received.find((r) => r.payload?.n === 3)).toMatchObject({ event: 'task.assigned' });
  });

  it('tells monitors when a device comes online and goes offline', async () => {
    const dispatcher = await connected(await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password));
    const device = (await demoCredentials(hub)).find((d) => d.family === 'water')!;
    const client = await connect(hub, device.id, device.secret);
    const statuses = () => dispatcher.received.filter((r) => r.event === 'device.status' && r.payload.deviceId === device.id).map((r) => r.payload.online);
    await eventually(async () => (statuses().length === 1 ? true : undefined), 10_000, 'online status');
    await client.endAsync();
    await eventually(async () => (statuses().length === 2 ? true : undefined), 10_000, 'offline status');
    expect(statuses()).toEqual([true, false]);
  });

  it('stores a tablet’s location sent over MQTT and shows it to dispatchers live', async () => {
    const dispatcherApi = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
    const dispatcher = await connected(dispatcherApi);
    const workerApi = await Api.of(hub).login('worker03', DEMO_WORKER_PASSWORD);
    const me = (await workerApi.get('/api/v1/workers/me')).body;
    const tablet = await connect(hub, 'worker03', DEMO_WORKER_PASSWORD);
    try {
      const at = new Date().toISOString();
      await tablet.publishAsync(`gridhub/v1/workers/${me.id}/location`, JSON.stringify({ ts: at, lon: me.lon + 0.0004, lat: me.lat, accuracy_m: 8 }), { qos: 1 });
      await tablet.publishAsync(`gridhub/v1/workers/${me.id}/location`, 'not json', { qos: 1 }); // refused, connection kept
      expect(tablet.connected).toBe(true);
      await eventually(async () => (dispatcher.received.some((r) => r.event === 'worker.location') ? true : undefined), 10_000, 'worker.location');
      const trail = (await dispatcherApi.get(`/api/v1/workers/${me.id}/trail`)).body.positions as { lon: number; lat: number }[];
      expect(trail[0]).toMatchObject({ lon: expect.closeTo(me.lon + 0.0004, 6), lat: expect.closeTo(me.lat, 6) });
    } finally {
      await tablet.endAsync();
    }
  });
});
