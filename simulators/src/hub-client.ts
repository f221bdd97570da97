import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import { components, createHubClient, HubClient, ResponseOf } from '@gridhub/client';
import { SensorFamily } from '@gridhub/contracts';
import { SimDevice } from './city';

/** Written by the hub at start (`hub.json` in its data directory). */
export interface HubInfo {
  pid?: number;
  httpPort: number;
  mqttPort: number;
  startedAt?: string;
}

export interface DeviceCredentials {
  id: string;
  family: SensorFamily;
  name: string;
  secret: string;
}

export function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`cannot read ${what} at ${file} (${(error as Error).message}); is the hub running with this --data-dir?`);
  }
}

export const readHubInfo = (dataDir: string) => readJson<HubInfo>(join(dataDir, 'hub.json'), 'hub ports');
export const readCredentials = (dataDir: string) =>
  readJson<{ devices: DeviceCredentials[] }>(join(dataDir, 'demo-credentials.json'), 'device credentials').devices;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    const message = typeof body === 'object' && body && 'message' in body ? JSON.stringify((body as { message: unknown }).message) : String(body).slice(0, 200);
    super(`${what}: HTTP ${status} ${message}`);
  }
}

export type LoggedInUser = ResponseOf<'/api/v1/auth/login', 'post'>['user'];
export type IncidentView = ResponseOf<'/api/v1/incidents/{id}/actions', 'post'>;
export type IncidentAction = components['schemas']['IncidentActionDto'];

/** What openapi-fetch answers: the body, or the error body and the response. */
type Answer<T> = { data?: T; error?: unknown; response: Response };

/**
 * A client of the hub's REST API with a bearer token: the typed calls go through the generated client
 * (@gridhub/client); `get`/`post` remain for routes whose response the document does not describe yet.
 */
export class HubApi {
  private token: string | null = null;
  user: LoggedInUser | null = null;
  /** The generated, typed client (paths, parameters and bodies checked against the hub's OpenAPI document). */
  readonly client: HubClient;

  constructor(readonly base: string) {
    this.client = createHubClient({ baseUrl: base, token: () => this.token });
  }

  async login(username: string, password: string): Promise<this> {
    const body = await this.typed('POST /api/v1/auth/login', this.client.POST('/api/v1/auth/login', { body: { username, password } }));
    this.token = body.accessToken;
    this.user = body.user;
    return this;
  }

  /** Incidents in one status (the first 1000). */
  async incidents(status: string): Promise<IncidentView[]> {
    const query = { status: [status], limit: 1000 };
    return (await this.typed('GET /api/v1/incidents', this.client.GET('/api/v1/incidents', { params: { query } }))).items;
  }

  /** One step of an incident's loop. */
  act(incidentId: string, body: IncidentAction): Promise<IncidentView> {
    return this.typed(
      `POST /api/v1/incidents/${incidentId}/actions`,
      this.client.POST('/api/v1/incidents/{id}/actions', { params: { path: { id: incidentId } }, body }),
    );
  }

  /** A report (patrol, public, 12345…), with the open incidents it may duplicate. */
  report(body: components['schemas']['CreateIncidentDto']): Promise<ResponseOf<'/api/v1/incidents', 'post'>> {
    return this.typed('POST /api/v1/incidents', this.client.POST('/api/v1/incidents', { body }));
  }

  /** Registers a device (administrators); the answer holds its secret, shown this once. */
  registerDevice(body: components['schemas']['CreateDeviceDto']): Promise<ResponseOf<'/api/v1/devices', 'post'>> {
    return this.typed('POST /api/v1/devices', this.client.POST('/api/v1/devices', { body }));
  }

  get<T = any>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  post<T = any>(path: string, body: unknown): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  /** GET that answers null on 404 (an API another part of the hub may not serve yet). */
  async tryGet<T = any>(path: string): Promise<T | null> {
    try {
      return await this.get<T>(path);
    } catch (error) {
      if (error instanceof HttpError && (error.status === 404 || error.status === 405)) return null;
      throw error;
    }
  }

  /** GET as text, whatever the status (CAP XML, feeds). */
  async text(path: string): Promise<{ status: number; body: string }> {
    const res = await fetch(this.base + path, { headers: this.auth() });
    return { status: res.status, body: await res.text() };
  }

  async upload<T = any>(path: string, field: string, file: { name: string; type: string; data: Uint8Array }, extra: Record<string, string> = {}): Promise<T> {
    const form = new FormData();
    form.append(field, new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
    for (const [k, v] of Object.entries(extra)) form.append(k, v);
    const res = await fetch(this.base + path, { method: 'POST', headers: this.auth(), body: form });
    return this.parse<T>(res, `POST ${path}`);
  }

  /** Every registered device with its position and attributes (any logged-in role may list them). */
  async devices(): Promise<SimDevice[]> {
    const out: SimDevice[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.typed('GET /api/v1/devices', this.client.GET('/api/v1/devices', { params: { query: { limit: 1000, offset } } }));
      out.push(...page.items);
      if (page.items.length < 1000 || out.length >= page.total) return out;
    }
  }

  private async typed<T>(what: string, call: Promise<Answer<T>>): Promise<T> {
    const { data, error, response } = await call;
    if (!response.ok || data === undefined) throw new HttpError(response.status, error ?? null, what);
    return data;
  }

  private auth(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.base + path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...this.auth() },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return this.parse<T>(res, `${method} ${path}`);
  }

  private async parse<T>(res: Response, what: string): Promise<T> {
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    if (!res.ok) throw new HttpError(res.status, parsed, what);
    return parsed as T;
  }
}

/** An MQTT session that keeps itself up: QoS 1 messages in flight are resent after a reconnect. */
export function mqttSession(url: string, options: IClientOptions): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clean: false,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    // A refused CONNACK while the hub's database is down is temporary (docs/decisions.md, Devices).
    reconnectOnConnackError: true,
    ...options,
  });
}
