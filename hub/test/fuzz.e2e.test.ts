import fc from 'fast-check';
import { MqttClient } from 'mqtt';
import { Pool } from 'pg';
import { PayloadValidator } from '@gridhub/ingest';
import { SENSOR_FAMILIES } from '@gridhub/contracts';
import { startHub, RunningHub } from '../src/bootstrap';
import { DEMO_DISPATCHER } from '../src/seed/demo-city';
import { Api, connect, demoCredentials } from './support/clients';
import { testEnv, TestEnv } from './support/test-env';

/** Any JSON value, biased towards the shapes the hub expects so the checks get past the first refusal. */
const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.record({ ts: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()), readings: fc.dictionary(fc.string(), fc.jsonValue()) }, { requiredKeys: [] }),
  fc.record({ ts: fc.string(), type: fc.string(), confidence: fc.jsonValue() }, { requiredKeys: [] }),
);

/**
 * Property-based fuzzing: whatever a device or a client sends, the hub answers with a clear refusal or takes it —
 * never a crash, never a 500, and the broker keeps serving.
 */
describe('fuzzing', () => {
  it('the payload validator answers every input with a value or a reason, never an exception', () => {
    const validator = new PayloadValidator();
    fc.assert(
      fc.property(fc.constantFrom(...SENSOR_FAMILIES), fc.oneof(fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)), jsonish.map((v) => Buffer.from(JSON.stringify(v)))), (family, payload) => {
        for (const result of [validator.validateData(family, payload), validator.validateEvent(family, payload)]) {
          if (result.ok) continue;
          expect(typeof result.reason).toBe('string');
          expect(result.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  describe('against a running hub', () => {
    let env: TestEnv;
    let hub: RunningHub;
    let dispatcher: Api;
    let admin: Api;
    const clients: MqttClient[] = [];

    beforeAll(async () => {
      env = await testEnv('server');
      hub = await startHub(env.config);
      dispatcher = await Api.of(hub).login(DEMO_DISPATCHER.username, DEMO_DISPATCHER.password);
      admin = await Api.of(hub).login('admin', 'test-admin-password');
    });

    afterAll(async () => {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      await hub?.close();
      await env?.cleanup();
    });

    it('answers random request bodies with 2xx or a 4xx that says what is wrong, never a 500', async () => {
      const routes: [Api, string, string][] = [
        [dispatcher, 'POST', '/api/v1/incidents'],
        [admin, 'POST', '/api/v1/rules'],
        [admin, 'POST', '/api/v1/devices'],
        [admin, 'POST', '/api/v1/accounts'],
        [dispatcher, 'POST', '/api/v1/incidents/00000000-0000-4000-8000-000000000000/actions'],
        [admin, 'POST', '/api/v1/grids/import?mode=validate'],
      ];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), jsonish, async ([api, method, path], body) => {
          const res = await api.request(method, path, body);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(JSON.stringify(res.body.message ?? '')).not.toBe('""');
        }),
        { numRuns: 150 },
      );
      const queries = ['/api/v1/incidents?', '/api/v1/alerts?', '/api/v1/air/aqi?', '/api/v1/devices?', '/api/v1/indicators?', '/api/v1/grids/locate?'];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...queries), fc.dictionary(fc.constantFrom('from', 'to', 'limit', 'offset', 'status', 'kind', 'scope', 'lon', 'lat', 'deviceId', 'gridCode', 'bbox'), fc.string()), async (path, params) => {
          const res = await dispatcher.get(path + new URLSearchParams(params).toString());
          expect(res.status).toBeLessThan(500);
        }),
        { numRuns: 150 },
      );
    });

    it('dead-letters random MQTT payloads with reasons and keeps serving the device', async () => {
      const device = (await demoCredentials(hub)).find((d) => d.family === 'video')!;
      const client = await connect(hub, device.id, device.secret);
      clients.push(client);
      const payloads = fc.sample(fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), jsonish.map((v) => Buffer.from(JSON.stringify(v)))), 200);
      for (const [i, payload] of payloads.entries()) await client.publishAsync(`gridhub/v1/video/${device.id}/${i % 2 ? 'event' : 'data'}`, payload, { qos: 1 });
      expect(client.connected).toBe(true);
      const pool = hub.app.get(Pool);
      const { rows } = await pool.query(`select count(*)::int as n, count(*) filter (where reason = '')::int as blank from dead_letters where device_id = $1`, [device.id]);
      expect(rows[0].n).toBeGreaterThan(150); // nearly all random payloads are refused…
      expect(rows[0].blank).toBe(0); // …each with its reason
      expect((await dispatcher.get('/health/ready')).status).toBe(200);
    });
  });
});
