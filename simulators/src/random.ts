import { RandomGenerator, xoroshiro128plus } from 'pure-rand';

/** FNV-1a over a string: turns (seed, stream name) into an independent 32-bit seed. */
export function hashSeed(seed: number, stream: string): number {
  let h = (0x811c9dc5 ^ (seed | 0)) >>> 0;
  for (let i = 0; i < stream.length; i++) {
    h ^= stream.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h | 0;
}

/**
 * A seeded random stream (xoroshiro128+). Every device and process gets its own stream derived from the run's
 * seed and a name, so adding a device never changes the signals of the others.
 */
export class Rng {
  private readonly generator: RandomGenerator;
  private spare: number | null = null;

  constructor(seed: number, stream = '') {
    this.generator = xoroshiro128plus(hashSeed(seed, stream));
  }

  /** Uniform in [0, 1). */
  next(): number {
    return (this.generator.unsafeNext() >>> 0) / 4294967296;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  int(min: number, max: number): number {
    return Math.floor(this.uniform(min, max + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.min(items.length - 1, Math.floor(this.next() * items.length))]!;
  }

  /** Standard normal (Marsaglia's polar method). */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + sd * z;
    }
    for (;;) {
      const u = this.next() * 2 - 1;
      const v = this.next() * 2 - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * f;
        return mean + sd * u * f;
      }
    }
  }

  /** Waiting time of a Poisson process with `rate` events per unit (exponential distribution). */
  exponential(rate: number): number {
    if (!(rate > 0)) return Infinity;
    return -Math.log(1 - this.next()) / rate;
  }

  /** Poisson-distributed count with mean `mean` (Knuth for small means, normal approximation above 30). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
}
