import { VIDEO_EVENT_TYPES } from '@gridhub/ingest';
import { chinaHour } from '../clock';
import { Rng } from '../random';
import { Environment, STEP_MS } from './environment';

export type VideoEventType = (typeof VIDEO_EVENT_TYPES)[number];

/** Base arrivals per camera per hour, with the hours of the day when each happens most. */
const RATES: Record<VideoEventType, { perHour: number; busy: (h: number) => number }> = {
  garbage_exposed: { perHour: 0.25, busy: (h) => (h >= 6 && h < 11 ? 1.8 : h >= 22 || h < 5 ? 0.3 : 1) },
  illegal_parking: { perHour: 0.45, busy: (h) => (h >= 8 && h < 20 ? 1.6 : 0.25) },
  street_vending: { perHour: 0.3, busy: (h) => (h >= 11 && h < 13.5 ? 2 : h >= 17 && h < 21.5 ? 2.4 : h >= 23 || h < 6 ? 0 : 0.4) },
  illegal_structure: { perHour: 0.01, busy: (h) => (h >= 7 && h < 18 ? 1.5 : 0.2) },
  waterlogging: { perHour: 0, busy: () => 0 }, // only when it rains hard, see below
  smoke_fire: { perHour: 0.002, busy: () => 1 },
  crowd_gathering: { perHour: 0.03, busy: (h) => (h >= 18 && h < 22 ? 3 : h >= 1 && h < 6 ? 0.1 : 1) },
  intrusion: { perHour: 0.01, busy: (h) => (h >= 23 || h < 5 ? 3 : 0.3) },
  fallen_person: { perHour: 0.004, busy: () => 1 },
};

export interface CameraOptions {
  lon: number;
  lat: number;
  /** Field-of-view bearing, degrees clockwise from north. */
  bearingDeg: number;
  /** Multiplies every rate (a lively demo uses 10–30). */
  rateScale: number;
}

export interface Detection {
  at: Date;
  type: VideoEventType;
  confidence: number;
  snapshot_url: string;
  /** Pixel box in a 1920×1080 frame: x, y, width, height. */
  bbox: [number, number, number, number];
  lon: number;
  lat: number;
  /** The camera's tracker id: the same situation keeps it across repeated detections. */
  track_id: string;
}

interface Situation {
  track: string;
  type: VideoEventType;
  lon: number;
  lat: number;
  confidence: number;
  bbox: [number, number, number, number];
  remaining: number;
  nextAt: number;
  seen: number;
}

const M_PER_DEG_LAT = 111_320;

/**
 * A camera with edge analytics. New situations arrive as a Poisson process per type (rates vary with the
 * hour; waterlogging with heavy rain); the analytics re-detects a situation a few times over minutes at the
 * same spot, with the same track id — the hub is expected to merge those into one case.
 */
export class CameraSignal {
  private readonly rng: Rng;
  private readonly open: Situation[] = [];
  private tracks = 0;

  constructor(
    seed: number,
    readonly deviceId: string,
    readonly options: CameraOptions,
  ) {
    this.rng = new Rng(seed, `video/${deviceId}`);
  }

  /** New arrivals in the step ending at env.time, and due repeats; in time order. */
  step(env: Environment): Detection[] {
    const end = env.time.getTime();
    const start = end - STEP_MS;
    const h = chinaHour(env.time);
    for (const type of VIDEO_EVENT_TYPES) {
      // Waterlogging follows the rain, not the rate scale (a flood story turns the other detections off).
      const perHour =
        type === 'waterlogging' ? (env.rainMmPerHour > 15 ? 0.6 : 0) : RATES[type].perHour * RATES[type].busy(h) * this.options.rateScale;
      const arrivals = this.rng.poisson((perHour * STEP_MS) / 3_600_000);
      for (let i = 0; i < arrivals; i++) this.begin(type, start + this.rng.next() * STEP_MS);
    }
    const out: Detection[] = [];
    for (;;) {
      const due = this.open.filter((s) => s.nextAt <= end).sort((a, b) => a.nextAt - b.nextAt)[0];
      if (!due) break;
      out.push(this.detect(due));
    }
    return out;
  }

  /** Starts a situation now (scenarios): it will be detected `repeats` times over the next minutes. */
  begin(type: VideoEventType, at: number, repeats = 1 + Math.min(4, this.rng.poisson(1.6))): void {
    const distance = this.rng.uniform(12, 55);
    const bearing = ((this.options.bearingDeg + this.rng.uniform(-28, 28)) * Math.PI) / 180;
    const lat = this.options.lat + (distance * Math.cos(bearing)) / M_PER_DEG_LAT;
    const lon = this.options.lon + (distance * Math.sin(bearing)) / (M_PER_DEG_LAT * Math.cos((this.options.lat * Math.PI) / 180));
    const w = this.rng.int(80, 420);
    const hgt = this.rng.int(80, 360);
    this.tracks++;
    this.open.push({
      track: `${this.deviceId}-${this.tracks}`,
      type,
      lon,
      lat,
      confidence: this.rng.uniform(0.62, 0.96),
      bbox: [this.rng.int(0, 1920 - w), this.rng.int(200, 1080 - hgt), w, hgt],
      remaining: repeats,
      nextAt: at,
      seen: 0,
    });
  }

  private detect(s: Situation): Detection {
    const at = new Date(Math.floor(s.nextAt));
    s.seen++;
    s.remaining--;
    if (s.remaining > 0) s.nextAt += this.rng.uniform(45, 240) * 1000;
    else this.open.splice(this.open.indexOf(s), 1);
    const jitter = () => this.rng.normal(0, 1.2) / M_PER_DEG_LAT;
    const stamp = at.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
    return {
      at,
      type: s.type,
      confidence: Math.round(Math.min(0.99, Math.max(0.3, s.confidence + this.rng.normal(0, 0.03))) * 100) / 100,
      snapshot_url: `http://snapshots.sim.gridhub.local/${this.deviceId}/${stamp}-${s.track}-${s.seen}.jpg`,
      bbox: [s.bbox[0] + this.rng.int(-12, 12), s.bbox[1] + this.rng.int(-8, 8), s.bbox[2], s.bbox[3]].map((v) => Math.max(0, v)) as Detection['bbox'],
      lon: Math.round((s.lon + jitter()) * 1e7) / 1e7,
      lat: Math.round((s.lat + jitter()) * 1e7) / 1e7,
      track_id: s.track,
    };
  }
}
