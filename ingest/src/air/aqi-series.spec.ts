import { areaReport } from './air-quality.service';
import {
  AirMetric,
  chinaDayStart,
  dailyConcentrations,
  HOUR_MS,
  hourlyConcentrations,
  o3EightHourMean,
  planRefresh,
  refreshWindows,
} from './aqi-series';

type Hours = Map<number, Partial<Record<AirMetric, number>>>;
// 2025-11-20 00:00 +08:00: these hand-worked reports are HJ 633-2012's (before 2026-03-01; aqi-2026.spec.ts has the 2026 edition).
const DAY = Date.parse('2025-11-19T16:00:00Z');
const h = (i: number) => DAY + i * HOUR_MS;
function series(fill: (i: number) => Partial<Record<AirMetric, number>> | undefined, from = -24, to = 48): Hours {
  const m: Hours = new Map();
  for (let i = from; i < to; i++) {
    const v = fill(i);
    if (v) m.set(h(i), v);
  }
  return m;
}

describe('China calendar days', () => {
  it('start at 00:00 UTC+8', () => {
    expect(new Date(chinaDayStart(Date.parse('2026-11-20T15:59:59Z'))).toISOString()).toBe('2026-11-19T16:00:00.000Z');
    expect(new Date(chinaDayStart(Date.parse('2026-11-20T16:00:00Z'))).toISOString()).toBe('2026-11-20T16:00:00.000Z');
  });
});

describe('hourly concentrations', () => {
  it('takes the hour’s means and the O3 8-hour moving mean over the hour and the 7 before it', () => {
    const m = series((i) => ({ o3: 100 + i * 10, pm25: 40 }));
    expect(o3EightHourMean(m, h(10))).toBe(100 + 10 * (3 + 4 + 5 + 6 + 7 + 8 + 9 + 10) / 8); // hours 3..10
    expect(hourlyConcentrations(m, h(10))).toEqual({ o3: 200, pm25: 40, o3_8h: 165 });
  });

  it('needs 6 of the 8 hours for an 8-hour mean', () => {
    const six = series((i) => (i >= 5 && i <= 10 ? { o3: 120 } : undefined));
    expect(o3EightHourMean(six, h(10))).toBe(120);
    const five = series((i) => (i >= 6 && i <= 10 ? { o3: 120 } : undefined));
    expect(o3EightHourMean(five, h(10))).toBeUndefined();
  });

  it('adds the SO2 24-hour moving mean only when the 1-hour value exceeds 800, with 20 hours of data', () => {
    const m = series((i) => ({ so2: i === 10 ? 900 : 100 }));
    // hours −13 … 10: 23 × 100 + 900 over 24
    expect(hourlyConcentrations(m, h(10))?.so2_24h).toBeCloseTo((23 * 100 + 900) / 24, 9);
    expect(hourlyConcentrations(m, h(9))?.so2_24h).toBeUndefined();
    const sparse = series((i) => (i > -5 ? { so2: i === 10 ? 900 : 100 } : undefined));
    expect(hourlyConcentrations(sparse, h(10))?.so2_24h).toBeUndefined(); // hours −4 … 10: 15 < 20
  });

  it('gives nothing for an hour without pollutant means', () => {
    expect(hourlyConcentrations(series(() => ({ pm25: 1 }), 0, 5), h(7))).toBeNull();
  });
});

describe('daily concentrations', () => {
  it('averages the hourly means of the China day and takes the O3 maxima', () => {
    const m = series((i) => ({ pm25: i >= 0 && i < 24 ? 20 + i : 999, o3: i >= 0 && i < 24 ? (i === 14 ? 300 : 100) : 999 }));
    const d = dailyConcentrations(m, DAY)!;
    expect(d.hours).toBe(24);
    expect(d.concentrations.pm25).toBe(20 + 11.5);
    expect(d.concentrations.o3).toBe(300);
    // the 8-hour windows stay inside the day: the best ones hold hour 14 once → (7 × 100 + 300) / 8
    expect(d.concentrations.o3_8h).toBe(125);
  });

  it('drops a pollutant with fewer than 20 hours and the 8-hour maximum with fewer than 14 valid windows', () => {
    const m = series((i) => (i >= 0 && i < 19 ? { pm10: 80, o3: 100 } : i >= 19 && i < 24 ? { no2: 30 } : undefined));
    const d = dailyConcentrations(m, DAY)!;
    expect(d.hours).toBe(24);
    // 19 hours of PM10 and O3, 5 of NO2: no 24-hour mean; O3 8-hour windows ending at hours 7…20 hold ≥ 6 hours: 14
    expect(d.concentrations).toEqual({ o3_8h: 100 });
    const shorter = series((i) => (i >= 0 && i < 18 ? { o3: 100 } : undefined));
    expect(dailyConcentrations(shorter, DAY)!.concentrations).toEqual({}); // 13 valid windows
  });
});

describe('refresh planning', () => {
  it('reads from 23 hours before the first dirty hour to a day after the last, covering whole China days', () => {
    const [w] = refreshWindows([{ deviceId: 'a', hour: new Date(h(5)) }, { deviceId: 'a', hour: new Date(h(30)) }]);
    expect(w).toEqual({ deviceId: 'a', from: new Date(h(-18)), to: new Date(h(54)) });
  });

  it('recomputes the dirty hour, the 23 after it, and its day; lists reports without data for removal', () => {
    const m = series((i) => (i >= 0 && i < 24 ? { pm25: 75, o3: 100 } : undefined));
    const plan = planRefresh([{ deviceId: 'a', hour: new Date(h(20)) }], new Map([['a', m]]));
    expect(plan.hourly.map((r) => r.time.getTime())).toEqual([h(20), h(21), h(22), h(23)]);
    expect(plan.hourly[0]!.result).toMatchObject({ aqi: 100, primaryPollutants: ['pm25'] });
    expect(plan.hourlyRemoved).toEqual([]); // the later hours without data are not touched
    expect(plan.daily).toHaveLength(1);
    expect(plan.daily[0]).toMatchObject({ time: new Date(DAY), hours: 24, result: { aqi: 100 } });
    const gone = planRefresh([{ deviceId: 'b', hour: new Date(h(3)) }], new Map());
    expect(gone.hourly).toEqual([]);
    expect(gone.hourlyRemoved).toEqual([{ deviceId: 'b', time: new Date(h(3)) }]);
    expect(gone.dailyRemoved).toEqual([{ deviceId: 'b', time: new Date(DAY) }]);
  });

  it('stores the SO2 24-hour mean that indexed SO2', () => {
    const m = series((i) => ({ so2: i === 10 ? 900 : 100 }));
    const plan = planRefresh([{ deviceId: 'a', hour: new Date(h(10)) }], new Map([['a', m]]));
    const row = plan.hourly.find((r) => r.time.getTime() === h(10))!;
    expect(row.concentrations).toEqual({ so2: 900, so2_24h: 133 }); // 3200 / 24 = 133.3
    expect(row.result.iaqi.so2).toBe(92); // 24-hour column: 50 + 50 × 83 / 100 = 91.5
  });
});

describe('area reports', () => {
  it('index the mean concentration of each pollutant over the stations that report it', () => {
    const r = areaReport('hourly', new Date(h(0)), [
      { concentrations: { pm25: 60, no2: 50 } },
      { concentrations: { pm25: 90 } },
      { concentrations: { pm25: 30, no2: 150 } },
    ]);
    // PM2.5 mean 60 → 82; NO2 mean 100 → 50 (1-hour column)
    expect(areaReport('hourly', new Date(h(0)), [{ concentrations: { so2: 900 } }])).toBeNull();
    expect(r).toMatchObject({ aqi: 82, stations: 3, primaryPollutants: ['pm25'], iaqi: { pm25: 82, no2: 50 }, concentrations: { pm25: 60, no2: 100 } });
  });
});
