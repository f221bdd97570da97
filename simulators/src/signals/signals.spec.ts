import { EMERGENCY_EVENT_TYPES, PayloadValidator, VIDEO_EVENT_TYPES } from '@gridhub/ingest';
import { METRICS } from '@gridhub/contracts';
import { CityOptions, Outgoing, SimCity, SimDevice } from '../city';
import { chinaHour } from '../clock';
import { Environment } from './environment';
import { levelOfFlow, oxygenSaturation } from './water';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = new Date('2026-11-20T00:00:00+08:00');
const at = (ms: number) => new Date(START.getTime() + ms);

/** A city like the demo's: 4 air stations, 3 river stations north → south, 2 cameras, 4 emergency sensors. */
const DEVICES: SimDevice[] = [
  ...[0, 1, 2, 3].map((i) => ({ id: `air-00${i + 1}`, family: 'air' as const, lon: 112.548 + i * 0.002, lat: 37.855 - i * 0.001 })),
  ...[0, 1, 2].map((i) => ({
    id: `water-00${i + 1}`,
    family: 'water' as const,
    lon: 112.5461,
    lat: 37.855 - i * 0.0018,
    attributes: { kind: 'river', warning_level_m: 777.5, guaranteed_level_m: 778.8, interval_s: 300 },
  })),
  { id: 'cam-001', family: 'video', lon: 112.549, lat: 37.855, attributes: { bearing_deg: 90 } },
  { id: 'cam-002', family: 'video', lon: 112.553, lat: 37.852, attributes: { bearing_deg: 270 } },
  ...['smoke', 'gas', 'manhole', 'waterlogging'].map((sensor, i) => ({
    id: `emg-00${i + 1}`,
    family: 'emergency' as const,
    lon: 112.55 + i * 0.001,
    lat: 37.853,
    attributes: { sensor },
  })),
];

/** Four days: a smog episode (build-up from day 0.25, heavy on day 2, front on day 3) and a storm on day 1. */
function storyCity(seed: number, overrides: Partial<CityOptions> = {}): SimCity {
  return new SimCity(DEVICES, {
    seed,
    start: START,
    intervals: { air: 900, water: 600 },
    videoRateScale: 3,
    emergencyRateScale: 100,
    environment: {
      season: 'winter',
      smogPerDay: 0,
      stormsPerDay: 0,
      episodes: [{ startAt: at(6 * HOUR), buildUpHours: 40, heavyHours: 16, peak: 0.85 }],
      storms: [{ startAt: at(30 * HOUR), hours: 5, peakMmPerHour: 30 }],
    },
    ...overrides,
  });
}

const readings = (messages: Outgoing[], deviceId: string, metric: string) =>
  messages
    .filter((m) => m.deviceId === deviceId && m.kind === 'data')
    .map((m) => ({ at: m.at, value: (m.payload['readings'] as Record<string, number>)[metric]! }));

function pearson(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe('simulated city', () => {
  const messages = storyCity(7).advance(at(4 * DAY));

  it('is deterministic for a seed and differs between seeds', () => {
    const again = storyCity(7).advance(at(4 * DAY));
    expect(JSON.stringify(again)).toBe(JSON.stringify(messages));
    const other = storyCity(8).advance(at(4 * DAY));
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(messages));
  });

  it('gives the same stream whether advanced in one go or in small steps', () => {
    const city = storyCity(7);
    const stepped: Outgoing[] = [];
    // Below the environment's one-minute step (a live fleet at real time) for a day, then in 7-minute strides.
    for (let t = 25_000; t <= DAY; t += 25_000) {
      const batch = city.advance(at(t));
      for (const m of batch) expect(m.at.getTime()).toBeLessThanOrEqual(t + START.getTime());
      stepped.push(...batch);
    }
    for (let t = DAY + 7 * 60_000; t <= 4 * DAY; t += 7 * 60_000) stepped.push(...city.advance(at(t)));
    stepped.push(...city.advance(at(4 * DAY)));
    expect(JSON.stringify(stepped)).toBe(JSON.stringify(messages));
  });

  it('keeps one device stream unchanged when other devices are added', () => {
    const alone = new SimCity([DEVICES[0]!], { seed: 7, start: START, intervals: { air: 900 }, environment: storyCity(7).environment.options });
    const fromAlone = alone.advance(at(2 * DAY)).filter((m) => m.deviceId === 'air-001');
    expect(JSON.stringify(fromAlone)).toBe(JSON.stringify(messages.filter((m) => m.deviceId === 'air-001' && m.at <= at(2 * DAY))));
  });

  it('publishes only payloads the hub validates (units, ranges, event types), in time order', () => {
    const validator = new PayloadValidator();
    expect(messages.length).toBeGreaterThan(3000);
    for (const m of messages) {
      if (m.kind === 'status') {
        expect(m.payload).toEqual({ status: 'online' });
        continue;
      }
      const buffer = Buffer.from(JSON.stringify(m.payload));
      const result = m.kind === 'data' ? validator.validateData(m.family, buffer) : validator.validateEvent(m.family, buffer);
      if (!result.ok) throw new Error(`${m.topic} ${buffer.toString()}: ${result.reason}`);
      expect(result.deviceTime.getTime()).toBe(m.at.getTime());
      expect(m.topic).toBe(`gridhub/v1/${m.family}/${m.deviceId}/${m.kind}`);
    }
    for (let i = 1; i < messages.length; i++) expect(messages[i]!.at.getTime()).toBeGreaterThanOrEqual(messages[i - 1]!.at.getTime());
    // Every metric of the families the simulator covers, and only known ones.
    const airMetrics = new Set(messages.filter((m) => m.family === 'air' && m.kind === 'data').flatMap((m) => Object.keys(m.payload['readings'] as object)));
    for (const metric of airMetrics) expect(Object.keys(METRICS.air)).toContain(metric);
    for (const metric of ['pm25', 'pm10', 'so2', 'no2', 'o3', 'co', 'temp_c', 'rh_pct', 'wind_ms', 'wind_deg', 'pressure_hpa']) expect(airMetrics).toContain(metric);
    const waterMetrics = new Set(messages.filter((m) => m.family === 'water').flatMap((m) => Object.keys(m.payload['readings'] as object)));
    expect([...waterMetrics].sort()).toEqual(Object.keys(METRICS.water).sort());
  });

  it('stays within physical ranges and keeps the pollutants consistent', () => {
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => ok || problems.push(what);
    for (const m of messages.filter((x) => x.kind === 'data')) {
      const r = m.payload['readings'] as Record<string, number>;
      const where = `${m.deviceId} ${m.at.toISOString()}`;
      for (const [metric, value] of Object.entries(r)) {
        const spec = METRICS[m.family][metric]!;
        check(Number.isFinite(value) && value >= spec.min && value <= spec.max, `${where} ${metric}=${value}`);
      }
      if (m.family === 'air') {
        check(r['pm10']! >= r['pm25']!, `${where} PM10 < PM2.5`); // PM2.5 is a part of PM10
        check(r['temp_c']! > -30 && r['temp_c']! < 25, `${where} temp ${r['temp_c']} for Taiyuan in November`);
      } else {
        check(r['ph']! > 5.5 && r['ph']! < 9.5, `${where} pH ${r['ph']}`);
        // No supersaturation beyond what photosynthesis adds.
        check(r['do_mgl']! < oxygenSaturation(r['temp_c']!) + 1.5, `${where} DO ${r['do_mgl']} at ${r['temp_c']} °C`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('builds a winter smog episode over days to heavy pollution (AQI > 200) and clears it with a cold front', () => {
    const pm = readings(messages, 'air-001', 'pm25');
    const mean = (from: number, to: number) => {
      const xs = pm.filter((p) => p.at >= at(from) && p.at < at(to)).map((p) => p.value);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(mean(0, 6 * HOUR)).toBeLessThan(115); // before: good to light
    expect(mean(6 * HOUR, 24 * HOUR)).toBeLessThan(mean(24 * HOUR, 46 * HOUR)); // build-up over days
    expect(mean(48 * HOUR, 62 * HOUR)).toBeGreaterThan(150); // heavy: PM2.5 > 150 µg/m³ ⇒ IAQI > 200 (HJ 633-2012)
    expect(Math.max(...pm.map((p) => p.value))).toBeLessThan(600);
    expect(mean(70 * HOUR, 80 * HOUR)).toBeLessThan(75); // the front cleared it within hours
    const wind = readings(messages, 'air-001', 'wind_ms');
    const windAt = (h: number) => wind.filter((p) => p.at >= at(h * HOUR) && p.at < at((h + 4) * HOUR)).map((p) => p.value);
    expect(Math.max(...windAt(50))).toBeLessThan(4); // stagnant under the inversion
    expect(Math.max(...windAt(64))).toBeGreaterThan(6); // the front's north-westerly
    const dirs = readings(messages, 'air-001', 'wind_deg').filter((p) => p.at >= at(64 * HOUR) && p.at < at(68 * HOUR));
    expect(dirs.filter((p) => p.value > 260 && p.value < 360).length / dirs.length).toBeGreaterThan(0.7);
  });

  it('correlates PM10, CO and SO2 with PM2.5; O3 peaks in the afternoon and moves against NO2', () => {
    const pick = (metric: string) => readings(messages, 'air-002', metric).map((p) => p.value);
    const pm25 = pick('pm25');
    expect(pearson(pm25, pick('pm10'))).toBeGreaterThan(0.9);
    expect(pearson(pm25, pick('co'))).toBeGreaterThan(0.9);
    expect(pearson(pm25, pick('so2'))).toBeGreaterThan(0.8);
    expect(pearson(pick('no2'), pick('o3'))).toBeLessThan(-0.2);
    // Mean O3 by hour of day on a clean summer week: the maximum falls in the afternoon.
    const summer = new SimCity([DEVICES[0]!], {
      seed: 3,
      start: new Date('2026-07-01T00:00:00+08:00'),
      intervals: { air: 1800 },
      environment: { season: 'summer', smogPerDay: 0, stormsPerDay: 0 },
    }).advance(new Date('2026-07-08T00:00:00+08:00'));
    const byHour = Array.from({ length: 24 }, () => [] as number[]);
    for (const m of summer) byHour[Math.floor(chinaHour(m.at))]!.push((m.payload['readings'] as Record<string, number>)['o3']!);
    const means = byHour.map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
    const peak = means.indexOf(Math.max(...means));
    expect(peak).toBeGreaterThanOrEqual(12);
    expect(peak).toBeLessThanOrEqual(17);
    expect(Math.max(...means)).toBeGreaterThan(120); // summer afternoons reach O3 > 160 at times
    expect(Math.min(...means)).toBeLessThan(40);
  });

  it('drives the river with the storm: lagged rise over the warning level, later downstream, then recession', () => {
    const rain = readings(messages, 'water-001', 'rain_mm');
    const total = rain.reduce((s, p) => s + p.value, 0);
    // 5 h sine^1.5 arch of 30 mm/h peak: 30 × 5 × ∫₀¹ sin(πx)^1.5 dx (≈ 0.556) ≈ 83 mm of rain
    expect(total).toBeGreaterThan(80);
    expect(total).toBeLessThan(87);
    const peakOf = (id: string) => readings(messages, id, 'level_m').reduce((a, b) => (b.value > a.value ? b : a));
    const up = peakOf('water-001');
    const down = peakOf('water-003');
    expect(up.value).toBeGreaterThan(777.5); // over the warning level
    expect(up.value).toBeLessThan(779.5);
    expect(up.at.getTime()).toBeGreaterThan(at(32.5 * HOUR).getTime()); // the rain peaked at 32.5 h: the river answers later
    expect(down.at.getTime()).toBeGreaterThan(up.at.getTime() + 20 * 60_000);
    expect(Math.abs(down.value - up.value)).toBeLessThan(0.5);
    const before = readings(messages, 'water-001', 'level_m').filter((p) => p.at < at(30 * HOUR));
    for (const p of before) expect(p.value).toBeLessThan(776.4);
    const late = readings(messages, 'water-001', 'level_m').filter((p) => p.at > at(90 * HOUR));
    for (const p of late) expect(p.value).toBeLessThan(776.6);
  });

  it('fouls the water after the storm: DO down, turbidity, NH3-N, COD and TP up, recovering later', () => {
    const window = (metric: string, from: number, to: number) =>
      readings(messages, 'water-002', metric)
        .filter((p) => p.at >= at(from * HOUR) && p.at < at(to * HOUR))
        .map((p) => p.value);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const before = (m: string) => avg(window(m, 20, 30));
    const after = (m: string) => avg(window(m, 34, 42));
    expect(after('do_mgl')).toBeLessThan(before('do_mgl') - 1.5);
    expect(after('turbidity_ntu')).toBeGreaterThan(before('turbidity_ntu') * 5);
    expect(after('nh3n_mgl')).toBeGreaterThan(2.0); // worse than class V (GB 3838-2002) for a while
    expect(before('nh3n_mgl')).toBeLessThan(1.0); // class III before
    expect(after('cod_mgl')).toBeGreaterThan(before('cod_mgl') * 1.5);
    expect(after('tp_mgl')).toBeGreaterThan(before('tp_mgl') * 2);
    expect(avg(window('nh3n_mgl', 84, 96))).toBeLessThan(1.0);
  });

  it('uses a rating curve anchored at the warning level', () => {
    expect(levelOfFlow(84, 777.5)).toBeCloseTo(777.5, 6);
    expect(levelOfFlow(18, 777.5)).toBeCloseTo(776.2, 1);
    expect(levelOfFlow(200, 777.5)).toBeGreaterThan(778.8);
  });
});

describe('camera detections', () => {
  const days = 10;
  const city = new SimCity(DEVICES.filter((d) => d.family === 'video'), {
    seed: 11,
    start: START,
    environment: { smogPerDay: 0, stormsPerDay: 0 },
    heartbeats: false,
  });
  const events = city.advance(at(days * DAY));

  it('arrive as a Poisson process per type at about the configured rates', () => {
    const situations = new Map<string, Outgoing>();
    for (const e of events) situations.set(String(e.payload['track_id']), e);
    const perCameraDay = situations.size / 2 / days;
    // Expected from the rate table integrated over the day: ≈ 18 situations per camera per day.
    expect(perCameraDay).toBeGreaterThan(13);
    expect(perCameraDay).toBeLessThan(24);
    const types = new Set([...situations.values()].map((e) => String(e.payload['type'])));
    for (const t of ['garbage_exposed', 'illegal_parking', 'street_vending']) expect(types).toContain(t);
    for (const t of types) expect(VIDEO_EVENT_TYPES as readonly string[]).toContain(t);
    // Street vending happens at lunch and in the evening, not at 3 a.m.
    const vendingHours = [...situations.values()].filter((e) => e.payload['type'] === 'street_vending').map((e) => chinaHour(e.at));
    expect(vendingHours.filter((h) => h >= 23 || h < 6)).toHaveLength(0);
    // Inter-arrival times of one type are exponential: their coefficient of variation is near 1.
    const parking = [...situations.values()].filter((e) => e.payload['type'] === 'illegal_parking' && e.deviceId === 'cam-001').map((e) => e.at.getTime());
    const gaps = parking.slice(1).map((t, i) => t - parking[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
    expect(sd / mean).toBeGreaterThan(0.7);
  });

  it('repeats one situation a few times within minutes at the same place with the same track id', () => {
    const byTrack = new Map<string, Outgoing[]>();
    for (const e of events) byTrack.set(String(e.payload['track_id']), [...(byTrack.get(String(e.payload['track_id'])) ?? []), e]);
    const repeated = [...byTrack.values()].filter((list) => list.length > 1);
    expect(repeated.length / byTrack.size).toBeGreaterThan(0.5);
    for (const list of byTrack.values()) {
      expect(list.length).toBeLessThanOrEqual(5);
      expect(new Set(list.map((e) => e.payload['type'])).size).toBe(1);
      const span = list[list.length - 1]!.at.getTime() - list[0]!.at.getTime();
      expect(span).toBeLessThanOrEqual(4 * 240_000);
      for (const e of list) {
        const dLat = ((e.payload['lat'] as number) - (list[0]!.payload['lat'] as number)) * 111_320;
        const dLon = ((e.payload['lon'] as number) - (list[0]!.payload['lon'] as number)) * 111_320 * Math.cos((37.85 * Math.PI) / 180);
        expect(Math.hypot(dLat, dLon)).toBeLessThan(10);
        expect(e.payload['confidence']).toBeGreaterThanOrEqual(0.3);
        expect(e.payload['confidence']).toBeLessThanOrEqual(0.99);
      }
    }
  });

  it('sees waterlogging only when it rains hard', () => {
    const wet = new SimCity(DEVICES.filter((d) => d.family === 'video'), {
      seed: 12,
      start: START,
      heartbeats: false,
      videoRateScale: 0,
      environment: { smogPerDay: 0, stormsPerDay: 0, storms: [{ startAt: at(2 * HOUR), hours: 6, peakMmPerHour: 35 }] },
    }).advance(at(DAY));
    expect(wet.length).toBeGreaterThan(0);
    for (const e of wet) {
      expect(e.payload['type']).toBe('waterlogging');
      expect(e.at.getTime()).toBeGreaterThan(at(2 * HOUR).getTime());
      expect(e.at.getTime()).toBeLessThan(at(8 * HOUR + 20 * 60_000).getTime());
    }
  });
});

describe('emergency sensors', () => {
  it('alarm rarely and restore every alarm once, never two alarms open at a time', () => {
    const city = new SimCity(DEVICES.filter((d) => d.family === 'emergency'), {
      seed: 5,
      start: START,
      heartbeats: false,
      emergencyRateScale: 200,
      environment: { smogPerDay: 0, stormsPerDay: 0, storms: [{ startAt: at(DAY), hours: 4, peakMmPerHour: 40 }] },
    });
    const events = city.advance(at(20 * DAY));
    const types = new Set(events.map((e) => String(e.payload['type'])));
    for (const t of types) expect(EMERGENCY_EVENT_TYPES as readonly string[]).toContain(t);
    for (const t of ['smoke_alarm', 'gas_leak', 'manhole_cover', 'water_logging', 'restore']) expect(types).toContain(t);
    for (const device of ['emg-001', 'emg-002', 'emg-003', 'emg-004']) {
      const own = events.filter((e) => e.deviceId === device);
      let open: string | null = null;
      for (const e of own) {
        const type = String(e.payload['type']);
        if (type === 'restore') {
          expect(e.payload['restores']).toBe(open);
          open = null;
        } else {
          expect(open).toBeNull();
          open = type;
        }
      }
    }
    const gas = events.find((e) => e.payload['type'] === 'gas_leak')!;
    expect(gas.payload['lel_pct']).toBeCloseTo((gas.payload['ppm'] as number) / 500, 0); // CH4: 100 % LEL = 50,000 ppm
    const logging = events.filter((e) => e.payload['type'] === 'water_logging');
    for (const e of logging) expect(e.at.getTime()).toBeGreaterThan(at(DAY).getTime()); // only once the storm came
  });

  it('raises a scripted alarm and its restore', () => {
    const city = new SimCity(DEVICES.filter((d) => d.id === 'emg-002'), { seed: 1, start: START, heartbeats: false, emergencyRateScale: 0 });
    city.alarm('emg-002', at(10 * 60_000), 20);
    const events = city.advance(at(HOUR));
    expect(events.map((e) => [e.payload['type'], e.at.getTime() - START.getTime()])).toEqual([
      ['gas_leak', 10 * 60_000],
      ['restore', 30 * 60_000],
    ]);
  });
});

describe('environment', () => {
  it('starts random smog episodes only in the heating season', () => {
    const winter = new Environment(1, new Date('2026-12-01T00:00:00+08:00'), { smogPerDay: 1, stormsPerDay: 0 });
    const summer = new Environment(1, new Date('2026-07-01T00:00:00+08:00'), { smogPerDay: 1, stormsPerDay: 0 });
    let winterSmog = 0;
    let summerSmog = 0;
    winter.advanceTo(new Date('2026-12-11T00:00:00+08:00'), (e) => (winterSmog += e.smog === 'clean' ? 0 : 1));
    summer.advanceTo(new Date('2026-07-11T00:00:00+08:00'), (e) => (summerSmog += e.smog === 'clean' ? 0 : 1));
    expect(winterSmog).toBeGreaterThan(0);
    expect(summerSmog).toBe(0);
  });

  it('compresses episodes with tempo but not their peak', () => {
    const peak = (tempo: number) => {
      const env = new Environment(1, START, { tempo, smogPerDay: 0, stormsPerDay: 0, storms: [{ startAt: at(HOUR), hours: 4 / tempo, peakMmPerHour: 30 }] });
      const reach = env.reach('r');
      let max = 0;
      let when = 0;
      env.advanceTo(at(2 * DAY), (e) => {
        if (reach.flow > max) {
          max = reach.flow;
          when = e.time.getTime() - START.getTime();
        }
      });
      return { max, when };
    };
    const slow = peak(1);
    const fast = peak(20);
    expect(fast.max).toBeCloseTo(slow.max, -1);
    expect(fast.when).toBeLessThan(slow.when / 3);
  });
});
