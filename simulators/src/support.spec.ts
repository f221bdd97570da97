import { inflateSync } from 'node:zlib';
import { parseCounts, parseStart } from './cli';
import { isoWithOffset, SimClock } from './clock';
import { fieldPhoto } from './photo';
import { Rng } from './random';

describe('simulated clock', () => {
  it('runs N× the wall clock from its start', () => {
    let wall = 1_000_000;
    const clock = new SimClock(new Date('2026-11-20T00:00:00Z'), 60, () => wall);
    wall += 1000;
    expect(clock.now().toISOString()).toBe('2026-11-20T00:01:00.000Z');
    expect(clock.wallDelayUntil(new Date('2026-11-20T00:02:00Z'))).toBe(1000);
    expect(() => new SimClock(new Date(), 0)).toThrow(/speed/);
  });

  it('writes device times in China time with the offset the payload contract requires', () => {
    expect(isoWithOffset(new Date('2026-11-20T17:30:05.250Z'))).toBe('2026-11-21T01:30:05.250+08:00');
    expect(isoWithOffset(new Date('2026-11-20T17:30:05.250Z'), -90)).toBe('2026-11-20T16:00:05.250-01:30');
    expect(new Date(isoWithOffset(new Date('2026-11-20T17:30:05.250Z'))).toISOString()).toBe('2026-11-20T17:30:05.250Z');
  });
});

describe('seeded random streams', () => {
  it('repeat for a seed and stream, differ otherwise, and keep their distributions', () => {
    const a = new Rng(1, 'x');
    const b = new Rng(1, 'x');
    const seq = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seq);
    expect(new Rng(1, 'y').next()).not.toBe(seq[0]);
    const r = new Rng(3, 'stats');
    const n = 20_000;
    const normals = Array.from({ length: n }, () => r.normal(10, 2));
    const mean = normals.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(normals.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
    const poisson = Array.from({ length: n }, () => r.poisson(3));
    const pm = poisson.reduce((s, v) => s + v, 0) / n;
    const pv = poisson.reduce((s, v) => s + (v - pm) ** 2, 0) / n;
    expect(pm).toBeCloseTo(3, 1);
    expect(pv).toBeCloseTo(3, 0); // variance = mean
    const uniforms = Array.from({ length: n }, () => r.next());
    expect(Math.min(...uniforms)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uniforms)).toBeLessThan(1);
  });
});

describe('field photo', () => {
  it('is a valid PNG of the requested size, different per seed', () => {
    const png = fieldPhoto(42, 64, 48);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(64);
    expect(png.readUInt32BE(20)).toBe(48);
    const idatAt = png.indexOf('IDAT');
    const raw = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + png.readUInt32BE(idatAt - 4)));
    expect(raw.length).toBe(48 * (1 + 64 * 3));
    expect(png.subarray(-8, -4).toString('ascii')).toBe('IEND');
    expect(fieldPhoto(43, 64, 48).equals(png)).toBe(false);
    expect(fieldPhoto(42, 64, 48).equals(png)).toBe(true);
  });
});

describe('command line', () => {
  it('reads start times and device counts, refusing what it cannot read', () => {
    const now = new Date('2026-11-22T00:00:00Z');
    expect(parseStart('-6h', now).toISOString()).toBe('2026-11-21T18:00:00.000Z');
    expect(parseStart('-2d', now).toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(parseStart('2026-11-01T08:00:00+08:00', now).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseStart(undefined, now)).toBe(now);
    expect(() => parseStart('yesterday', now)).toThrow(/--start/);
    expect(parseCounts('air=5,video=2')).toEqual({ air: 5, video: 2 });
    expect(() => parseCounts('noise=3')).toThrow(/family=count/);
    expect(() => parseCounts('air=x')).toThrow(/family=count/);
  });
});
