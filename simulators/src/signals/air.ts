import { chinaHour } from '../clock';
import { hashSeed, Rng } from '../random';
import { clamp, diurnal, Environment, traffic } from './environment';

export interface AirStationOptions {
  /** Local source strength (traffic, heating chimneys): 0.8 in a park … 1.3 beside a ring road. */
  localFactor: number;
  /** City noise stations also report noise_db. */
  noise: boolean;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Station character derived from its id, so one device looks the same in every run. */
export function airStationOptions(deviceId: string): AirStationOptions {
  const h = (hashSeed(0, deviceId) >>> 0) / 4294967296;
  return { localFactor: 0.82 + 0.45 * h, noise: (hashSeed(1, deviceId) & 3) === 0 };
}

/**
 * One air micro-station (µg/m³; CO mg/m³). PM2.5 peaks at night (shallow boundary layer, heating) and
 * multiplies during a smog episode; PM10, CO, SO2 follow it; NO2 follows traffic; O3 peaks in the
 * afternoon and is titrated by NO2 (O3 + NO → NO2), so the two move against each other.
 */
export class AirStationSignal {
  private readonly rng: Rng;
  private pmNoise = 0;
  private no2Noise = 0;

  constructor(
    seed: number,
    readonly deviceId: string,
    readonly options: AirStationOptions = airStationOptions(deviceId),
  ) {
    this.rng = new Rng(seed, `air/${deviceId}`);
  }

  sample(env: Environment, at: Date): Record<string, number> {
    const winter = env.winter;
    const acc = env.accumulation;
    const local = this.options.localFactor;
    this.pmNoise = 0.8 * this.pmNoise + this.rng.normal(0, 0.05);
    this.no2Noise = 0.8 * this.no2Noise + this.rng.normal(0, 0.06);
    const dilution = 1 / (1 + 0.12 * Math.max(0, env.windMs - 2) ** 1.2);

    const night = diurnal(at, 22);
    const pmBase = (winter ? 46 : 24) * (0.78 + 0.4 * night + 0.12 * traffic(at));
    const pm25 = clamp(pmBase * local * (1 + 5.2 * acc) * dilution * Math.exp(this.pmNoise), 3, 1500);
    const dust = env.windMs > 7 ? 0.35 : 0;
    const pm10 = clamp(pm25 * (1.38 + dust + this.rng.uniform(-0.05, 0.05)) + 12 * local, 5, 2500);
    const no2 = clamp((22 + 48 * traffic(at) * local + 55 * acc) * dilution * Math.exp(this.no2Noise), 2, 800);
    const co = clamp(0.35 + 0.0085 * pm25 + 0.004 * no2 + this.rng.normal(0, 0.03), 0.1, 40);
    const so2 = clamp((winter ? 12 : 6) + 0.055 * pm25 + this.rng.normal(0, 1), 1, 600);
    const h = chinaHour(at);
    const sun = h > 6.5 && h < 20.5 ? Math.sin((Math.PI * (h - 6.5)) / 14) ** 1.6 : 0;
    const photo = (winter ? 60 : 165) * sun * (1 - 0.65 * Math.min(1, acc));
    const o3 = clamp((winter ? 28 : 45) + photo - 0.45 * (no2 - 25) + this.rng.normal(0, 4), 2, 900);

    const temp = clamp(env.airTemperature(at) + this.rng.normal(0, 0.3), -40, 45);
    const rh = clamp(62 - 22 * diurnal(at, 15) + 22 * Math.min(1, acc) - 30 * env.front + (env.rainMmPerHour > 0 ? 30 : 0) + this.rng.normal(0, 2), 8, 100);
    const readings: Record<string, number> = {
      pm25: round(pm25, 1),
      pm10: round(pm10, 1),
      no2: round(no2, 1),
      so2: round(so2, 1),
      o3: round(o3, 1),
      co: round(co, 2),
      temp_c: round(temp, 1),
      rh_pct: round(rh, 1),
      wind_ms: round(clamp(env.windMs + this.rng.normal(0, 0.2), 0, 60), 1),
      wind_deg: round(clamp(env.windDeg + this.rng.normal(0, 5), 0, 359.9), 0) % 360,
      pressure_hpa: round(924 + 6 * env.front - 3 * Math.min(1, acc) + this.rng.normal(0, 0.3), 1),
    };
    if (this.options.noise) readings['noise_db'] = round(clamp(48 + 20 * traffic(at) + this.rng.normal(0, 2), 30, 120), 1);
    return readings;
  }
}
