import { chinaDayOfYear, chinaHour } from '../clock';
import { Rng } from '../random';

/** The environment advances in fixed steps of simulated time; devices sample the latest step. */
export const STEP_MS = 60_000;
const STEP_H = STEP_MS / 3_600_000;

export type SmogPhase = 'clean' | 'building' | 'heavy' | 'clearing';

export interface SmogEpisode {
  startAt: Date;
  /** Stagnant days of accumulation before the heavy phase (multi-day in a real winter). */
  buildUpHours: number;
  heavyHours: number;
  /** Peak accumulation, 0.4 (PM2.5 ≈ 150 µg/m³, AQI ≈ 200) … 1.2 (severe). */
  peak: number;
}

export interface Storm {
  startAt: Date;
  hours: number;
  /** Peak rain intensity in mm/h (the storm's profile is a sine arch). */
  peakMmPerHour: number;
}

export interface EnvironmentOptions {
  /**
   * Compresses weather episodes and the river's response (not the day): 1 = nature's pace; 20 = a smog
   * episode or a flood plays out in a couple of hours, for a demo running at real time.
   */
  tempo: number;
  /** Random smog episodes per day in the heating season (0 = only the scheduled ones). */
  smogPerDay: number;
  /** Random storms per day (0 = only the scheduled ones). */
  stormsPerDay: number;
  /** Winter (heating season, smog, cold) or summer (photochemical O3, storms); 'auto' from the date. */
  season: 'winter' | 'summer' | 'auto';
  episodes: SmogEpisode[];
  storms: Storm[];
}

export const DEFAULT_ENVIRONMENT: EnvironmentOptions = {
  tempo: 1,
  smogPerDay: 1 / 7,
  stormsPerDay: 1 / 6,
  season: 'auto',
  episodes: [],
  storms: [],
};

export interface RiverReachOptions {
  /** Linear-reservoir time constant (h): downstream stations answer later and flatter. */
  lagHours: number;
  /** Local catchment area (km²) and runoff coefficient. */
  areaKm2: number;
  runoff: number;
  baseFlow: number;
}

/** One river section: rain → runoff → two linear reservoirs in series (a Nash cascade, n = 2) → flow. */
export class RiverReach {
  private s1 = 0;
  private s2 = 0;
  /** Pollution washed in by the first flush of a storm (combined sewer overflows), 0–1. */
  flush = 0;
  flow: number;

  constructor(readonly options: RiverReachOptions) {
    this.flow = options.baseFlow;
  }

  step(rainMmPerHour: number, tempo: number): void {
    const k = this.options.lagHours / tempo;
    const inflow = (this.options.runoff * rainMmPerHour * this.options.areaKm2) / 3.6; // m³/s
    const decay = Math.exp(-STEP_H / k);
    const out1 = this.s1 / k;
    this.s1 = this.s1 * decay + inflow * k * (1 - decay);
    this.s2 = this.s2 * decay + out1 * k * (1 - decay);
    this.flow = this.options.baseFlow + this.s2 / k;
    // The flush follows the fast runoff (first reservoir): it rises within the hour and lingers for half a day.
    const target = Math.min(1, this.s1 / k / 120);
    const tau = (target > this.flush ? 1 : 10) / tempo;
    this.flush += (target - this.flush) * (1 - Math.exp(-STEP_H / tau));
  }
}

/** Smooth day/night term: 1 at `peakHour`, 0 twelve hours away. */
export function diurnal(at: Date, peakHour: number): number {
  return (1 + Math.cos(((chinaHour(at) - peakHour) / 24) * 2 * Math.PI)) / 2;
}

const gauss = (x: number, mu: number, sigma: number) => Math.exp(-((x - mu) ** 2) / (2 * sigma * sigma));

/** Rush-hour traffic (08:00 and 18:30 peaks), 0–1. */
export function traffic(at: Date): number {
  const h = chinaHour(at);
  return Math.min(1, 0.15 + gauss(h, 8, 1.3) + 0.9 * gauss(h, 18.5, 1.8));
}

/**
 * The city's shared weather and river: smog episodes (stagnant build-up over days, heavy phase, then a cold
 * front with a north-west wind clears it within hours) and storms (rain driving the river's sections).
 * Deterministic for a seed; stepped in fixed minutes of simulated time.
 */
export class Environment {
  readonly options: EnvironmentOptions;
  time: Date;
  smog: SmogPhase = 'clean';
  /** Stagnation/accumulation factor 0 … ~1.2 (multiplies the pollutant baseline). */
  accumulation = 0;
  /** 0–1 strength of a passing cold front. */
  front = 0;
  rainMmPerHour = 0;
  /** Cumulative rainfall since the start, mm (gauges report differences). */
  rainTotalMm = 0;
  windMs = 2.5;
  windDeg = 200;
  private readonly rng: Rng;
  private readonly reaches = new Map<string, RiverReach>();
  private episode: { plan: SmogEpisode; phaseEndsAt: number } | null = null;
  private readonly episodes: SmogEpisode[];
  private readonly storms: Storm[];
  private windNoise = 0;
  private dirNoise = 0;

  constructor(
    readonly seed: number,
    start: Date,
    options: Partial<EnvironmentOptions> = {},
  ) {
    this.options = { ...DEFAULT_ENVIRONMENT, ...options };
    if (!(this.options.tempo > 0)) throw new Error('tempo must be > 0');
    this.rng = new Rng(seed, 'environment');
    this.time = new Date(Math.floor(start.getTime() / STEP_MS) * STEP_MS);
    this.episodes = [...this.options.episodes].sort((a, b) => a.startAt.getTime() - b.startAt.getTime());
    this.storms = [...this.options.storms];
  }

  get winter(): boolean {
    if (this.options.season !== 'auto') return this.options.season === 'winter';
    const day = chinaDayOfYear(this.time);
    return day >= 318 || day < 74; // heating season in Taiyuan: 15 November – 15 March
  }

  /** The river section a water station sits on; created on first use, stepped with the weather from then on. */
  reach(id: string, options: Partial<RiverReachOptions> = {}): RiverReach {
    let reach = this.reaches.get(id);
    if (!reach) {
      reach = new RiverReach({ lagHours: 2.5, areaKm2: 120, runoff: 0.45, baseFlow: 18, ...options });
      this.reaches.set(id, reach);
    }
    return reach;
  }

  /** Advances whole steps until the environment's time reaches `until`. */
  advanceTo(until: Date, onStep?: (env: Environment) => void): void {
    while (this.time.getTime() + STEP_MS <= until.getTime()) {
      this.step();
      onStep?.(this);
    }
  }

  step(): void {
    this.time = new Date(this.time.getTime() + STEP_MS);
    const t = this.time.getTime();
    const tempo = this.options.tempo;
    const perStep = (perDay: number) => (perDay * tempo * STEP_MS) / 86_400_000;

    // Random episodes and storms: Poisson arrivals, drawn every step so the stream is independent of sampling.
    const smogDraw = this.rng.next();
    if (this.winter && this.smog === 'clean' && !this.episode && smogDraw < perStep(this.options.smogPerDay)) {
      this.episodes.unshift({
        startAt: this.time,
        buildUpHours: this.rng.uniform(36, 72) / tempo,
        heavyHours: this.rng.uniform(12, 30) / tempo,
        peak: this.rng.uniform(0.6, 1.0),
      });
    }
    const stormDraw = this.rng.next();
    if (stormDraw < perStep(this.options.stormsPerDay) * (this.winter ? 0.2 : 1)) {
      this.storms.push({ startAt: this.time, hours: this.rng.uniform(2, 6) / tempo, peakMmPerHour: this.rng.uniform(8, 35) });
    }

    this.stepSmog(t, tempo);
    this.stepRain(t);
    for (const reach of this.reaches.values()) reach.step(this.rainMmPerHour, tempo);

    // Wind: light and variable while stagnant, strong from the north-west behind a cold front.
    this.windNoise = 0.95 * this.windNoise + this.rng.normal(0, 0.15);
    this.dirNoise = 0.97 * this.dirNoise + this.rng.normal(0, 4);
    const calm = Math.min(1, this.accumulation / 0.5);
    const base = 2.6 + 1.2 * diurnal(this.time, 15) - 1.9 * calm;
    this.windMs = clamp(base + 8 * this.front + this.windNoise, 0.2, 30);
    const dir = this.front > 0.2 ? 315 : 200;
    this.windDeg = wrapDegrees(dir + this.dirNoise);
  }

  private stepSmog(t: number, tempo: number): void {
    const next = this.episodes[0];
    if (this.smog === 'clean' && next && next.startAt.getTime() <= t) {
      this.episodes.shift();
      this.episode = { plan: next, phaseEndsAt: t + next.buildUpHours * 3_600_000 };
      this.smog = 'building';
    }
    const episode = this.episode;
    switch (this.smog) {
      case 'building': {
        // Accumulation grows day after day under the inversion (logistic towards the peak).
        // Logistic from 5 % to ~90 % of the peak over the build-up: slow on day one, fast on the last day.
        const peak = episode!.plan.peak;
        const rate = 5.1 / episode!.plan.buildUpHours;
        const a = Math.max(0.05, this.accumulation / peak);
        this.accumulation = Math.min(peak, peak * (a + rate * STEP_H * a * (1 - a)));
        if (t >= episode!.phaseEndsAt) {
          this.smog = 'heavy';
          episode!.phaseEndsAt = t + episode!.plan.heavyHours * 3_600_000;
        }
        break;
      }
      case 'heavy':
        this.accumulation += (episode!.plan.peak - this.accumulation) * 0.05;
        if (t >= episode!.phaseEndsAt) {
          this.smog = 'clearing';
          episode!.phaseEndsAt = t + (8 / tempo) * 3_600_000;
        }
        break;
      case 'clearing':
        // A cold front: within hours the wind turns north-west and rises, the air cleans out.
        this.front = Math.min(1, this.front + (STEP_H * tempo) / 1.5);
        this.accumulation *= Math.exp((-STEP_H * tempo) / 1.2);
        if (t >= episode!.phaseEndsAt) {
          this.smog = 'clean';
          this.episode = null;
        }
        break;
      case 'clean':
        this.front = Math.max(0, this.front - (STEP_H * tempo) / 10);
        this.accumulation *= Math.exp((-STEP_H * tempo) / 6);
        break;
    }
  }

  private stepRain(t: number): void {
    let rate = 0;
    for (const storm of this.storms) {
      const x = (t - storm.startAt.getTime()) / (storm.hours * 3_600_000);
      if (x > 0 && x < 1) rate += storm.peakMmPerHour * Math.sin(Math.PI * x) ** 1.5;
    }
    for (let i = this.storms.length - 1; i >= 0; i--) {
      const s = this.storms[i]!;
      if (t > s.startAt.getTime() + s.hours * 3_600_000) this.storms.splice(i, 1);
    }
    this.rainMmPerHour = rate;
    this.rainTotalMm += rate * STEP_H;
  }

  /** Schedules another smog episode (scenarios). */
  scheduleSmog(episode: SmogEpisode): void {
    this.episodes.push(episode);
    this.episodes.sort((a, b) => a.startAt.getTime() - b.startAt.getTime());
  }

  scheduleStorm(storm: Storm): void {
    this.storms.push(storm);
  }

  /** Seasonal air temperature (Taiyuan: about −6 °C in January, 24 °C in July) with the day's cycle. */
  airTemperature(at: Date): number {
    const seasonal = 9 + 15 * Math.cos(((chinaDayOfYear(at) - 200) / 365) * 2 * Math.PI);
    return seasonal + 5 * (diurnal(at, 15) - 0.5) - 7 * this.front + 2 * Math.min(1, this.accumulation);
  }

  waterTemperature(at: Date): number {
    const seasonal = 12 + 11 * Math.cos(((chinaDayOfYear(at) - 205) / 365) * 2 * Math.PI);
    return Math.max(0.2, seasonal + 0.8 * (diurnal(at, 16) - 0.5));
  }
}

export function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}

export function wrapDegrees(d: number): number {
  return ((d % 360) + 360) % 360;
}
