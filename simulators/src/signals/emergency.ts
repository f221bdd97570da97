import { EMERGENCY_EVENT_TYPES } from '@gridhub/ingest';
import { Rng } from '../random';
import { Environment, STEP_MS } from './environment';

export type EmergencyEventType = Exclude<(typeof EMERGENCY_EVENT_TYPES)[number], 'restore'>;

/** What a sensor (`attributes.sensor`) raises. */
export const SENSOR_ALARMS: Record<string, EmergencyEventType> = {
  smoke: 'smoke_alarm',
  gas: 'gas_leak',
  sos: 'sos_button',
  manhole: 'manhole_cover',
  waterlogging: 'water_logging',
  tilt: 'building_tilt',
};

/** Alarms per sensor per day (rare), and how long the condition lasts before the device restores (minutes). */
const ALARMS: Record<EmergencyEventType, { perDay: number; minutes: [number, number] }> = {
  smoke_alarm: { perDay: 1 / 60, minutes: [8, 30] },
  gas_leak: { perDay: 1 / 90, minutes: [15, 60] },
  sos_button: { perDay: 1 / 45, minutes: [2, 10] },
  manhole_cover: { perDay: 1 / 40, minutes: [60, 240] },
  water_logging: { perDay: 0, minutes: [0, 0] }, // follows the rain
  building_tilt: { perDay: 1 / 365, minutes: [120, 600] },
};

export interface EmergencyEvent {
  at: Date;
  type: EmergencyEventType | 'restore';
  fields: Record<string, number | string>;
}

/**
 * A life-safety sensor: rare alarms (Poisson), each followed by the device's own `restore` event when the
 * condition is gone (the incident stays open: people close it). A water-logging sensor follows the rain.
 */
export class EmergencySignal {
  private readonly rng: Rng;
  private active: { type: EmergencyEventType; clearsAt: number } | null = null;
  private readonly queued: EmergencyEvent[] = [];

  constructor(
    seed: number,
    readonly deviceId: string,
    readonly alarm: EmergencyEventType,
    readonly rateScale = 1,
  ) {
    this.rng = new Rng(seed, `emergency/${deviceId}`);
  }

  get alarming(): boolean {
    return this.active !== null;
  }

  step(env: Environment): EmergencyEvent[] {
    const end = env.time.getTime();
    const start = end - STEP_MS;
    const spec = ALARMS[this.alarm];
    const draw = this.rng.next();
    if (!this.active) {
      if (this.alarm === 'water_logging') {
        if (env.rainMmPerHour > 25) this.trigger(start + this.rng.next() * STEP_MS, 0);
      } else if (draw < (spec.perDay * this.rateScale * STEP_MS) / 86_400_000) {
        this.trigger(start + this.rng.next() * STEP_MS);
      }
    } else if (this.alarm === 'water_logging') {
      // Drains an hour after the rain eases.
      if (env.rainMmPerHour > 5) this.active.clearsAt = end + 60 * 60_000;
    }
    if (this.active && this.active.clearsAt <= end) {
      this.queued.push({ at: new Date(this.active.clearsAt), type: 'restore', fields: { restores: this.active.type } });
      this.active = null;
    }
    const out = this.queued.filter((e) => e.at.getTime() <= end);
    this.queued.splice(0, out.length);
    return out.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** Raises the alarm at `at` (ms); it restores after `minutes` (random within the type's range by default). */
  trigger(at: number, minutes?: number): void {
    if (this.active) return;
    const spec = ALARMS[this.alarm];
    const lasts = minutes ?? this.rng.uniform(spec.minutes[0], spec.minutes[1]);
    this.active = { type: this.alarm, clearsAt: at + Math.max(1, lasts) * 60_000 };
    this.queued.push({ at: new Date(Math.floor(at)), type: this.alarm, fields: this.fields(this.alarm) });
    this.queued.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  private fields(type: EmergencyEventType): Record<string, number | string> {
    switch (type) {
      case 'smoke_alarm':
        return { obscuration_pct_m: Math.round(this.rng.uniform(6, 25) * 10) / 10 };
      case 'gas_leak': {
        // Methane: 100 % LEL = 5 % vol = 50,000 ppm.
        const ppm = Math.round(this.rng.uniform(2500, 20000));
        return { gas: 'CH4', ppm, lel_pct: Math.round((ppm / 500) * 10) / 10 };
      }
      case 'sos_button':
        return { pressed: 'long' };
      case 'manhole_cover':
        return { tilt_deg: Math.round(this.rng.uniform(12, 75)), displacement_mm: Math.round(this.rng.uniform(20, 400)) };
      case 'water_logging':
        return { depth_cm: Math.round(this.rng.uniform(12, 45)) };
      case 'building_tilt':
        return { tilt_deg: Math.round(this.rng.uniform(0.4, 2.5) * 100) / 100 };
      default:
        return {};
    }
  }
}
