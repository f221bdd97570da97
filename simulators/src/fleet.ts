import { MqttClient } from 'mqtt';
import { deviceTopic, SensorFamily } from '@gridhub/contracts';
import { CityOptions, Outgoing, SimCity, SimDevice } from './city';
import { isoWithOffset, SimClock } from './clock';
import { DeviceCredentials, HubApi, mqttSession } from './hub-client';

export interface FleetStats {
  sent: number;
  acked: number;
  failed: number;
  inFlight: number;
  reconnects: number;
  byKind: Record<Outgoing['kind'], number>;
  /** Events sent per type (video detections, emergency alarms and restores). */
  events: Record<string, number>;
  lastError: string | null;
}

export interface FleetOptions extends Omit<CityOptions, 'start'> {
  mqttUrl: string;
  devices: SimDevice[];
  secrets: Map<string, string>;
  clock: SimClock;
  /** Wall-clock milliseconds between publishing rounds. */
  tickMs?: number;
  /** Prints a summary this often (wall seconds; 0 = never). */
  summaryEveryS?: number;
  log?: (line: string) => void;
}

const offline = JSON.stringify({ status: 'offline' });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
const online = JSON.stringify({ status: 'online' });

/**
 * The device fleet over MQTT: one session per device (its id and secret, QoS 1, a persistent session that
 * resends unacknowledged messages after a reconnect, a retained `offline` will on its status topic), fed by
 * the simulated city on the simulated clock. Each device publishes its messages in order, one in flight at a
 * time (the hub acknowledges a QoS 1 message once it is durable).
 */
export class Fleet {
  readonly city: SimCity;
  readonly stats: FleetStats = { sent: 0, acked: 0, failed: 0, inFlight: 0, reconnects: 0, byKind: { data: 0, event: 0, status: 0 }, events: {}, lastError: null };
  private readonly clients = new Map<string, MqttClient>();
  private readonly queues = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private summaryTimer: NodeJS.Timeout | null = null;
  private running = false;
  private ticking: Promise<void> | null = null;
  private readonly log: (line: string) => void;

  constructor(readonly options: FleetOptions) {
    const missing = options.devices.filter((d) => !options.secrets.has(d.id));
    if (missing.length > 0) throw new Error(`no secret for ${missing.map((d) => d.id).join(', ')}`);
    this.city = new SimCity(options.devices, { ...options, start: options.clock.now() });
    this.log = options.log ?? ((line) => process.stdout.write(line + '\n'));
  }

  /**
   * Connects every device (in parallel batches) and announces it online (retained). A device the hub refuses
   * (disabled, secret rotated) is left out with a message; if none gets in, this fails.
   */
  async connect(): Promise<void> {
    const devices = this.city.devices();
    const refused: string[] = [];
    for (let i = 0; i < devices.length; i += 50) {
      const batch = devices.slice(i, i + 50);
      const results = await Promise.allSettled(batch.map((d) => this.connectDevice(d)));
      results.forEach((r, j) => {
        if (r.status === 'rejected') refused.push(`${batch[j]!.id} (${(r.reason as Error).message})`);
      });
    }
    if (refused.length === devices.length && devices.length > 0) throw new Error(`no device could connect to ${this.options.mqttUrl}: ${refused[0]}`);
    if (refused.length > 0) this.log(`left out, could not connect: ${refused.join(', ')}`);
  }

  private async connectDevice(device: SimDevice): Promise<void> {
    const status = deviceTopic(device.family, device.id, 'status');
    const client = await mqttSession(this.options.mqttUrl, {
      username: device.id,
      password: this.options.secrets.get(device.id)!,
      clientId: `sim-${device.id}`,
      will: { topic: status, payload: Buffer.from(offline), qos: 1, retain: true },
    });
    client.on('reconnect', () => this.stats.reconnects++);
    client.on('error', (error) => (this.stats.lastError = `${device.id}: ${error.message}`));
    client.on('connect', () => void this.send(client, status, online, true, 'status'));
    this.clients.set(device.id, client);
    await this.send(client, status, online, true, 'status');
  }

  /** Publishes continuously on the simulated clock until `stop()`. */
  start(): void {
    this.running = true;
    const tickMs = this.options.tickMs ?? 250;
    const loop = () => {
      if (!this.running) return;
      this.ticking = this.publishUntil(this.options.clock.now()).then(() => undefined, (error: Error) => {
        this.stats.lastError = error.message;
      }).finally(() => {
        this.ticking = null;
        if (this.running) this.timer = setTimeout(loop, tickMs);
      });
    };
    loop();
    const every = this.options.summaryEveryS ?? 10;
    if (every > 0) this.summaryTimer = setInterval(() => this.log(this.summary()), every * 1000);
  }

  /** Publishes everything the city produces up to `until` and waits for the acknowledgements. */
  async publishUntil(until: Date): Promise<Outgoing[]> {
    const messages = this.city.advance(until);
    for (const m of messages) this.enqueue(m);
    await Promise.all([...this.queues.values()]);
    return messages;
  }

  /** Queues one message on its device's ordered lane (scenarios add their own, e.g. a sudden reading). */
  enqueue(m: Outgoing): Promise<void> {
    const client = this.clients.get(m.deviceId);
    if (!client) {
      this.stats.failed++;
      this.stats.lastError = `${m.deviceId} is not connected`;
      return Promise.resolve();
    }
    if (m.kind === 'event') {
      const type = String(m.payload['type']);
      this.stats.events[type] = (this.stats.events[type] ?? 0) + 1;
    }
    const previous = this.queues.get(m.deviceId) ?? Promise.resolve();
    const next = previous.then(() => this.send(client, m.topic, JSON.stringify(m.payload), m.retain, m.kind));
    this.queues.set(m.deviceId, next);
    return next;
  }

  private async send(client: MqttClient, topic: string, payload: string, retain: boolean, kind: Outgoing['kind']): Promise<void> {
    this.stats.sent++;
    this.stats.byKind[kind]++;
    this.stats.inFlight++;
    try {
      await client.publishAsync(topic, payload, { qos: 1, retain });
      this.stats.acked++;
    } catch (error) {
      this.stats.failed++;
      this.stats.lastError = `${topic}: ${(error as Error).message}`;
    } finally {
      this.stats.inFlight--;
    }
  }

  summary(): string {
    const s = this.stats;
    const env = this.city.environment;
    const river = this.city.devices('water').length > 0;
    const events = Object.entries(s.events)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    return (
      `[sim ${isoWithOffset(this.city.now).slice(0, 16)}] sent ${s.sent} acked ${s.acked} failed ${s.failed} in flight ${s.inFlight}` +
      ` | readings ${s.byKind.data} events ${s.byKind.event} status ${s.byKind.status} | reconnects ${s.reconnects}` +
      ` | smog ${env.smog}, rain ${env.rainMmPerHour.toFixed(1)} mm/h${river ? `, river flow ${this.maxFlow().toFixed(0)} m³/s` : ''}` +
      (events ? ` | ${events}` : '') +
      (s.lastError ? ` | last error: ${s.lastError}` : '')
    );
  }

  private maxFlow(): number {
    let max = 0;
    for (const d of this.city.devices('water')) max = Math.max(max, this.city.environment.reach(d.id).flow);
    return max;
  }

  /**
   * Stops publishing, waits up to `graceMs` for messages in flight, says goodbye (retained `offline`) where
   * the hub still answers, and closes every session (forcibly when the hub is gone).
   */
  async stop(graceMs = 3000): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.summaryTimer) clearInterval(this.summaryTimer);
    const within = (p: Promise<unknown>) => Promise.race([p.then(() => true), sleep(graceMs).then(() => false)]);
    const drained = await within(Promise.all([this.ticking, ...this.queues.values()]));
    await Promise.all(
      [...this.clients.entries()].map(async ([id, client]) => {
        const device = this.city.devices().find((d) => d.id === id)!;
        const bye = drained && client.connected && (await within(this.send(client, deviceTopic(device.family, id, 'status'), offline, true, 'status')));
        await client.endAsync(!bye);
      }),
    );
    this.clients.clear();
  }
}

/** Positions spread over a bounding box, on a jittered lattice so on-the-fly devices do not pile up. */
function spread(n: number, bbox: [number, number, number, number], i: number): { lon: number; lat: number } {
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const [minLon, minLat, maxLon, maxLat] = bbox;
  const c = i % cols;
  const r = Math.floor(i / cols);
  return {
    lon: Math.round((minLon + ((c + 0.5) / cols) * (maxLon - minLon)) * 1e7) / 1e7,
    lat: Math.round((maxLat - ((r + 0.5) / rows) * (maxLat - minLat)) * 1e7) / 1e7,
  };
}

const SENSORS = ['smoke', 'gas', 'manhole', 'waterlogging', 'sos'];
const FAMILY_NAMES: Record<SensorFamily, string> = {
  air: '模拟空气微站 simulated air station',
  water: '模拟水质站 simulated water station',
  video: '模拟视频监控 simulated camera',
  emergency: '模拟应急感知 simulated emergency sensor',
};

/**
 * Registers devices on the fly through `POST /api/v1/devices` (admin). Ids are `{prefix}-{family}-{n}`;
 * positions spread over `bbox`. Returns the devices and their secrets (shown once by the hub).
 */
export async function registerDevices(
  admin: HubApi,
  counts: Partial<Record<SensorFamily, number>>,
  prefix: string,
  bbox: [number, number, number, number],
): Promise<{ devices: SimDevice[]; credentials: DeviceCredentials[] }> {
  const devices: SimDevice[] = [];
  const credentials: DeviceCredentials[] = [];
  for (const [family, count] of Object.entries(counts) as [SensorFamily, number][]) {
    for (let i = 0; i < count; i++) {
      const n = String(i + 1).padStart(3, '0');
      const attributes: Record<string, unknown> =
        family === 'water'
          ? { kind: 'river', target_class: 'III', warning_level_m: 777.5, guaranteed_level_m: 778.8, interval_s: 300 }
          : family === 'video'
            ? { bearing_deg: (i * 97) % 360, stream: `rtsp://cameras.sim.gridhub.local/${prefix}-${n}` }
            : family === 'emergency'
              ? { sensor: SENSORS[i % SENSORS.length] }
              : { interval_s: 60 };
      const body = { id: `${prefix}-${family}-${n}`, family, name: `${FAMILY_NAMES[family]} ${n}`, ...spread(count, bbox, i), attributes };
      const { device, secret } = await admin.registerDevice(body);
      devices.push(device);
      credentials.push({ id: device.id, family, name: device.name, secret });
    }
  }
  return { devices, credentials };
}
