/** China Standard Time, the offset devices of the demo city put in their `ts`. */
export const CHINA_OFFSET_MINUTES = 8 * 60;

/** ISO 8601 with an explicit offset (the payload contract wants one), e.g. 2026-11-22T13:05:00.000+08:00. */
export function isoWithOffset(at: Date, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  const local = new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Hour of the day in China time (0–24, fractional). */
export function chinaHour(at: Date): number {
  return (((at.getTime() / 3_600_000 + 8) % 24) + 24) % 24;
}

/** Day of the year in China time (0-based), for seasonal terms. */
export function chinaDayOfYear(at: Date): number {
  const local = new Date(at.getTime() + 8 * 3_600_000);
  const start = Date.UTC(local.getUTCFullYear(), 0, 1);
  return Math.floor((local.getTime() - start) / 86_400_000);
}

/**
 * The simulated clock: starts at `start` and runs `speed` times faster than the wall clock. Devices put its
 * time in their `ts`. The hub flags device times more than 5 minutes ahead of its own clock as `future`,
 * so an accelerated run should start in the past (a replay that catches up with now).
 */
export class SimClock {
  private readonly wallStart: number;

  constructor(
    readonly start: Date,
    readonly speed = 1,
    private readonly wall: () => number = Date.now,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new Error('speed must be a positive number');
    this.wallStart = wall();
  }

  now(): Date {
    return new Date(this.start.getTime() + (this.wall() - this.wallStart) * this.speed);
  }

  /** Wall-clock milliseconds until the simulated clock shows `at` (0 if it already has). */
  wallDelayUntil(at: Date): number {
    return Math.max(0, (at.getTime() - this.now().getTime()) / this.speed);
  }

  /** How far the simulated time runs ahead of the wall clock (negative: behind). */
  lead(): number {
    return this.now().getTime() - this.wall();
  }
}
