import { Rng } from '../random';
import { clamp, diurnal, Environment, RiverReach } from './environment';

export interface WaterStationOptions {
  /** Warning level (警戒水位) of the station, m; the rating curve is anchored to it. */
  warningLevel: number;
  /** 0 for the first (upstream) station; each further one answers a storm later and flatter. */
  reachIndex: number;
  /** Reports interval rainfall (a rain gauge on the station). */
  rainGauge: boolean;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Discharge at the warning level; the base flow sits about 1.3 m below it. */
const WARNING_FLOW = 84;
const RATING_EXPONENT = 1.6;
/** Stage of zero flow, below the warning level (m). */
const WARNING_DEPTH = 2.1;

/** Stage-discharge rating curve Q = C (h − h0)^1.6, anchored so Q(warning) = 84 m³/s. */
export function levelOfFlow(flow: number, warningLevel: number): number {
  const h0 = warningLevel - WARNING_DEPTH;
  const c = WARNING_FLOW / WARNING_DEPTH ** RATING_EXPONENT;
  return h0 + (Math.max(0, flow) / c) ** (1 / RATING_EXPONENT);
}

/** Dissolved-oxygen saturation in fresh water (mg/L) at temperature T °C (APHA polynomial). */
export function oxygenSaturation(t: number): number {
  return 14.62 - 0.3898 * t + 0.006969 * t * t - 0.00005897 * t * t * t;
}

/**
 * A river water-quality and level station. Level and flow follow its reach of the river (lagged response to
 * rain); after a storm the first flush lowers DO and raises turbidity, NH3-N, COD, CODMn, TP and TN for
 * half a day or more, while conductivity drops with dilution.
 */
export class WaterStationSignal {
  private readonly rng: Rng;
  private readonly reach: RiverReach;
  private rainAtLastSample: number | null = null;

  constructor(
    seed: number,
    readonly deviceId: string,
    env: Environment,
    readonly options: WaterStationOptions,
  ) {
    this.rng = new Rng(seed, `water/${deviceId}`);
    this.reach = env.reach(deviceId, { lagHours: 2.5 + 0.6 * options.reachIndex, areaKm2: 120 + 25 * options.reachIndex });
  }

  sample(env: Environment, at: Date): Record<string, number> {
    const flush = this.reach.flush;
    const flow = this.reach.flow * (1 + this.rng.normal(0, 0.01));
    const temp = env.waterTemperature(at) + this.rng.normal(0, 0.1);
    const photosynthesis = 0.6 * (diurnal(at, 15) - 0.5);
    const noise = (sd: number) => Math.exp(this.rng.normal(0, sd));
    const readings: Record<string, number> = {
      level_m: round(levelOfFlow(flow, this.options.warningLevel) + this.rng.normal(0, 0.005), 3),
      flow_m3s: round(clamp(flow, 0, 50_000), 2),
      ph: round(clamp(7.75 - 0.45 * flush + 0.1 * photosynthesis + this.rng.normal(0, 0.03), 5.5, 9.5), 2),
      do_mgl: round(clamp(oxygenSaturation(temp) * (0.86 - 0.5 * flush) + photosynthesis + this.rng.normal(0, 0.1), 0.2, 20), 2),
      codmn_mgl: round((3.6 + 7.5 * flush) * noise(0.04), 2),
      cod_mgl: round((15 + 32 * flush) * noise(0.04), 1),
      nh3n_mgl: round((0.42 + 2.6 * flush ** 1.2) * noise(0.05), 3),
      tp_mgl: round((0.11 + 0.38 * flush) * noise(0.05), 3),
      tn_mgl: round((1.5 + 2.8 * flush) * noise(0.04), 2),
      turbidity_ntu: round((9 + 420 * flush ** 1.3) * noise(0.08), 1),
      conductivity_uscm: round(clamp((820 - 260 * clamp((flow - 18) / 150, 0, 1)) * noise(0.01), 50, 5000), 0),
      temp_c: round(clamp(temp, -2, 40), 1),
    };
    if (this.options.rainGauge) {
      const since = this.rainAtLastSample ?? env.rainTotalMm;
      readings['rain_mm'] = round(Math.max(0, env.rainTotalMm - since), 1);
      this.rainAtLastSample = env.rainTotalMm;
    }
    return readings;
  }
}
