import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt, { MqttClient } from 'mqtt';
import { io, Socket } from 'socket.io-client';
import { createHubClient, HubClient, ResponseOf } from '@gridhub/client';
import { DEMO_CREDENTIALS_FILE } from '../../src/seed/seed.service';
import type { RunningHub } from '../../src/bootstrap';

export interface DemoDeviceCredentials {
  id: string;
  family: string;
  name: string;
  secret: string;
}

export async function demoCredentials(hub: RunningHub): Promise<DemoDeviceCredentials[]> {
  const file = JSON.parse(await readFile(join(hub.config.dataDir, DEMO_CREDENTIALS_FILE), 'utf8'));
  return file.devices;
}

export function mqttUrl(hub: RunningHub): string {
  if (hub.mqttPort === null) throw new Error('this hub uses an external broker (MQTT_URL)');
  return `mqtt://127.0.0.1:${hub.mqttPort}`;
}

export function connect(hub: RunningHub, username: string, password: string, clientId?: string): Promise<MqttClient> {
  return mqtt.connectAsync(mqttUrl(hub), { username, password, reconnectPeriod: 0, connectTimeout: 5000, ...(clientId ? { clientId } : {}) });
}

/**
 * A test's HTTP client: `client` is the generated, typed one (@gridhub/client) with this session's token; `request`
 * and `get` stay for what the typed client cannot say (wrong bodies, bad paths, raw answers) and for the routes
 * whose response the OpenAPI document does not describe yet.
 */
export class Api {
  private token: string | null = null;
  user: ResponseOf<'/api/v1/auth/login', 'post'>['user'] | null = null;
  readonly client: HubClient;

  constructor(private readonly base: string) {
    this.client = createHubClient({ baseUrl: base, token: () => this.token });
  }

  /** The bearer token of the logged-in account (for the live socket's handshake). */
  get accessToken(): string {
    if (!this.token) throw new Error('not logged in');
    return this.token;
  }

  static of(hub: RunningHub): Api {
    return new Api(`http://127.0.0.1:${hub.httpPort}`);
  }

  async login(username: string, password: string): Promise<this> {
    const { data, error, response } = await this.client.POST('/api/v1/auth/login', { body: { username, password } });
    if (!data) throw new Error(`login as ${username} failed: ${response.status} ${JSON.stringify(error)}`);
    this.token = data.accessToken;
    this.user = data.user;
    return this;
  }

  /** Every raw reading of a device in the window (default: a day either side of now), flattened across metrics. */
  async readings(deviceId: string, window = `&from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`) {
    const res = await this.get(`/api/v1/devices/${deviceId}/readings?bucket=raw${window}`);
    if (res.status !== 200) throw new Error(`readings of ${deviceId}: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body.series as { metric: string; points: { time: string; value: number; flags: number }[] }[]).flatMap((s) =>
      s.points.map((p) => ({ metric: s.metric, ...p })),
    );
  }

  get(path: string) {
    return this.request('GET', path);
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(this.base + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (metrics, HTML)
    }
    return { status: res.status, body: parsed };
  }
}

/** Resolves when the broker (or anything) closes the client's connection. */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}

/** Polls `probe` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A socket.io client on the hub's live namespace, connected (resolves on the hub's `ready`) or refused (rejects
 * with the hub's message). Every event received is kept in `received` for assertions.
 */
export async function liveClient(hub: RunningHub, token: string | null): Promise<Socket & { received: { event: string; payload: any }[] }> {
  const socket = io(`http://127.0.0.1:${hub.httpPort}/live`, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false }) as Socket & {
    received: { event: string; payload: any }[];
  };
  socket.received = [];
  socket.onAny((event: string, payload: unknown) => socket.received.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('ready', () => resolve());
    socket.once('refused', (body: { message: string }) => reject(new Error(body.message)));
    socket.once('connect_error', reject);
  });
  return socket;
}
