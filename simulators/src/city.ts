import { DEFAULT_INTERVAL_S, deviceTopic, SensorFamily } from '@gridhub/contracts';
import { isoWithOffset } from './clock';
import { AirStationSignal } from './signals/air';
import { EmergencySignal, SENSOR_ALARMS } from './signals/emergency';
import { Environment, EnvironmentOptions, STEP_MS } from './signals/environment';
import { CameraSignal, VideoEventType } from './signals/video';
import { WaterStationSignal } from './signals/water';

/** What the simulator knows of a device (from the hub's registry, or the credentials file). */
export interface SimDevice {
  id: string;
  family: SensorFamily;
  name?: string;
  lon: number;
  lat: number;
  attributes?: Record<string, unknown>;
  /** When the hub last heard from it (ISO 8601), if known. */
  lastSeenAt?: string | null;
}

export interface Outgoing {
  deviceId: string;
  family: SensorFamily;
  kind: 'data' | 'event' | 'status';
  topic: string;
  at: Date;
  payload: Record<string, unknown>;
  retain: boolean;
}

export interface CityOptions {
  seed: number;
  start: Date;
  environment?: Partial<EnvironmentOptions>;
  /** Reporting interval (simulated seconds) per family; default the device's `interval_s`, else the family default. */
  intervals?: Partial<Record<SensorFamily, number>>;
  /** Multiplies camera detection rates. */
  videoRateScale?: number;
  /** Multiplies emergency alarm rates. */
  emergencyRateScale?: number;
  /** Video and emergency devices send `online` on their status topic every interval as a heartbeat. */
  heartbeats?: boolean;
}

type Model =
  | { kind: 'air'; device: SimDevice; signal: AirStationSignal; intervalMs: number; nextAt: number }
  | { kind: 'water'; device: SimDevice; signal: WaterStationSignal; intervalMs: number; nextAt: number }
  | { kind: 'video'; device: SimDevice; signal: CameraSignal; intervalMs: number; nextAt: number }
  | { kind: 'emergency'; device: SimDevice; signal: EmergencySignal; intervalMs: number; nextAt: number };

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The simulated city: one shared environment (weather, river) and a signal model per device. `advance(to)`
 * returns, in time order, every message the devices would have sent up to `to` — pure and deterministic for
 * a seed, so the fleet (live, over MQTT) and the tests see the same streams.
 */
export class SimCity {
  readonly environment: Environment;
  private readonly models = new Map<string, Model>();
  /** Messages of the last computed step that are later than the last `advance(to)`. */
  private pending: Outgoing[] = [];
  private reached: Date | null = null;

  constructor(
    devices: SimDevice[],
    readonly options: CityOptions,
  ) {
    this.environment = new Environment(options.seed, options.start, options.environment);
    const start = this.environment.time.getTime();
    const water = devices.filter((d) => d.family === 'water').sort((a, b) => b.lat - a.lat || a.id.localeCompare(b.id));
    for (const device of devices) {
      const attributes = device.attributes ?? {};
      const intervalS = options.intervals?.[device.family] ?? num(attributes['interval_s']) ?? DEFAULT_INTERVAL_S[device.family];
      const intervalMs = Math.max(1000, intervalS * 1000);
      // Stagger first reports across the interval so a fleet does not publish in lock step.
      const nextAt = start + ((hashIndex(device.id) % 997) / 997) * intervalMs;
      const common = { device, intervalMs, nextAt };
      switch (device.family) {
        case 'air':
          this.models.set(device.id, { kind: 'air', signal: new AirStationSignal(options.seed, device.id), ...common });
          break;
        case 'water':
          this.models.set(device.id, {
            kind: 'water',
            signal: new WaterStationSignal(options.seed, device.id, this.environment, {
              warningLevel: num(attributes['warning_level_m']) ?? 777.5,
              reachIndex: water.indexOf(device),
              rainGauge: attributes['kind'] !== 'pipe',
            }),
            ...common,
          });
          break;
        case 'video':
          this.models.set(device.id, {
            kind: 'video',
            signal: new CameraSignal(options.seed, device.id, {
              lon: device.lon,
              lat: device.lat,
              bearingDeg: num(attributes['bearing_deg']) ?? 0,
              rateScale: options.videoRateScale ?? 1,
            }),
            ...common,
          });
          break;
        case 'emergency': {
          const alarm = SENSOR_ALARMS[String(attributes['sensor'] ?? '')] ?? 'sos_button';
          this.models.set(device.id, {
            kind: 'emergency',
            signal: new EmergencySignal(options.seed, device.id, alarm, options.emergencyRateScale ?? 1),
            ...common,
          });
          break;
        }
      }
    }
  }

  /** How far the city has been advanced (the environment itself may be up to a step ahead). */
  get now(): Date {
    return this.reached ?? this.environment.time;
  }

  devices(family?: SensorFamily): SimDevice[] {
    return [...this.models.values()].map((m) => m.device).filter((d) => !family || d.family === family);
  }

  /**
   * Every message due in (last `to`, to], in time order. The environment moves in whole steps, so the step
   * containing `to` is computed ahead and its later messages wait for the next call: the stream is the same
   * however finely the city is advanced.
   */
  advance(to: Date): Outgoing[] {
    const out = this.pending;
    this.reached = to;
    const ahead = new Date(Math.ceil(to.getTime() / STEP_MS) * STEP_MS);
    this.environment.advanceTo(ahead, (env) => {
      const end = env.time.getTime();
      for (const model of this.models.values()) {
        const { device } = model;
        if (model.kind === 'video') {
          for (const d of model.signal.step(env)) {
            const { at, type, ...fields } = d;
            out.push(this.message(device, 'event', at, { type, ...fields }));
          }
        } else if (model.kind === 'emergency') {
          for (const e of model.signal.step(env)) out.push(this.message(device, 'event', e.at, { type: e.type, ...e.fields }));
        }
        while (model.nextAt <= end) {
          const at = new Date(Math.floor(model.nextAt));
          model.nextAt += model.intervalMs;
          if (model.kind === 'air' || model.kind === 'water') {
            out.push(this.message(device, 'data', at, { readings: model.signal.sample(env, at) }));
          } else if (this.options.heartbeats !== false) {
            out.push({ ...this.message(device, 'status', at, { status: 'online' }), retain: true });
          }
        }
      }
    });
    out.sort((a, b) => a.at.getTime() - b.at.getTime());
    const due = out.findIndex((m) => m.at.getTime() > to.getTime());
    this.pending = due < 0 ? [] : out.splice(due);
    return out;
  }

  /** A camera starts seeing a situation at `at` (scenarios); it is re-detected `repeats` times over minutes. */
  detect(cameraId: string, type: VideoEventType, at: Date, repeats?: number): void {
    const model = this.models.get(cameraId);
    if (model?.kind !== 'video') throw new Error(`${cameraId} is not a simulated camera`);
    model.signal.begin(type, Math.max(at.getTime(), this.environment.time.getTime() + 1), repeats);
  }

  /** An emergency sensor alarms at `at` and restores after `minutes`. */
  alarm(deviceId: string, at: Date, minutes?: number): void {
    const model = this.models.get(deviceId);
    if (model?.kind !== 'emergency') throw new Error(`${deviceId} is not a simulated emergency sensor`);
    model.signal.trigger(Math.max(at.getTime(), this.environment.time.getTime() + 1), minutes);
  }

  private message(device: SimDevice, kind: Outgoing['kind'], at: Date, body: Record<string, unknown>): Outgoing {
    const payload = kind === 'status' ? body : { ts: isoWithOffset(at), ...body };
    return { deviceId: device.id, family: device.family, kind, topic: deviceTopic(device.family, device.id, kind), at, payload, retain: false };
  }
}

function hashIndex(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) >>> 0;
  return h;
}

export { STEP_MS };
