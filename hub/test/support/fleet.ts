import { createServer } from 'node:net';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import { Client } from 'pg';
import { eventually } from './clients';
import { SERVER_URL } from './test-env';

export interface FleetDevice {
  id: string;
  family: string;
  secret: string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitReady(httpPort: number, what: string): Promise<void> {
  await eventually(
    async () => {
      const res = await fetch(`http://127.0.0.1:${httpPort}/health/ready`).catch(() => null);
      return res?.status === 200 ? true : undefined;
    },
    60_000,
    what,
  );
}

/**
 * Publishes QoS 1 until the PUBACK comes back. mqtt.js resends unacknowledged messages on reconnect itself, but
 * fails those caught in a connection that closed before it was established; a data logger then sends them again.
 */
export async function publishUntilAcknowledged(client: MqttClient, topic: string, payload: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.publishAsync(topic, payload, { qos: 1 });
      return;
    } catch (error) {
      if (attempt >= 100) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * A fleet of devices publishing numbered QoS 1 readings with persistent sessions: what a real logger does.
 * `acknowledged` counts messages whose PUBACK came back; until then each is sent again after a reconnect.
 */
export function fleet(url: string, devices: FleetDevice[], perDevice: number, start: number, auth: boolean, options: Partial<IClientOptions> = {}) {
  const clients: MqttClient[] = [];
  let acknowledged = 0;
  const done = Promise.all(
    devices.map(async (d) => {
      const client = mqtt.connect(url, {
        clientId: `fault-${d.id}`,
        clean: false,
        reconnectPeriod: 250,
        connectTimeout: 5_000,
        ...(auth ? { username: d.id, password: d.secret } : {}),
        ...options,
      });
      client.on('error', () => undefined); // refused while the hub is down: it retries
      clients.push(client);
      const pending: Promise<unknown>[] = [];
      for (let i = 0; i < perDevice; i++) {
        const payload = JSON.stringify({ ts: new Date(start + i * 60_000).toISOString(), readings: { pm25: i % 200, pm10: 50 } });
        pending.push(publishUntilAcknowledged(client, `gridhub/v1/air/${d.id}/data`, payload).then(() => (acknowledged += 1)));
        await new Promise((r) => setTimeout(r, 8));
      }
      await Promise.all(pending);
    }),
  );
  return { clients, done, acknowledged: () => acknowledged };
}

/** Rows and distinct device times of pm25 readings per device from `start` on, read straight from the schema. */
export async function storedPerDevice(schema: string, devices: FleetDevice[], start: number): Promise<Record<string, { rows: number; distinct: number }>> {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select device_id, count(*)::int as rows, count(distinct time)::int as distinct from ${schema}.readings
        where device_id = any($1) and metric = 'pm25' and time >= $2 group by device_id`,
      [devices.map((d) => d.id), new Date(start)],
    );
    return Object.fromEntries(rows.map((r) => [r.device_id, { rows: r.rows, distinct: r.distinct }]));
  } finally {
    await client.end();
  }
}
