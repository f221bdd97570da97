import { aqiEditionAt, BREAKPOINTS, dailyAqi, hasIndexablePollutant, hourlyAqi, HJ_633_2026_FROM, iaqi } from './aqi';

const E12 = 'HJ 633-2012' as const;
const E26 = 'HJ 633-2026' as const;

describe('the edition in force', () => {
  it('is HJ 633-2012 up to 2026-02-28 23:59 and HJ 633—2026 from 2026-03-01 00:00 China Standard Time', () => {
    expect(aqiEditionAt(new Date('2026-02-28T23:59:00+08:00'))).toBe(E12);
    expect(aqiEditionAt(new Date('2026-02-28T23:59:59.999+08:00'))).toBe(E12);
    expect(aqiEditionAt(new Date('2026-03-01T00:00:00+08:00'))).toBe(E26);
    expect(aqiEditionAt(Date.parse('2026-02-28T16:00:00Z'))).toBe(E26);
    expect(HJ_633_2026_FROM).toBe(Date.parse('2026-03-01T00:00:00+08:00'));
  });

  it('is chosen by the data’s time, whatever the clock says', () => {
    expect(aqiEditionAt(new Date('2025-12-31T10:00:00+08:00'))).toBe(E12);
    expect(aqiEditionAt(new Date('2031-01-01T00:00:00+08:00'))).toBe(E26);
  });

  it('refuses an invalid time instead of guessing', () => {
    expect(() => aqiEditionAt(new Date('not a time'))).toThrow(RangeError);
  });
});

describe('HJ 633—2026 breakpoints', () => {
  it('moves only the IAQI-100 limits of PM2.5 (75 → 60) and PM10 (150 → 120)', () => {
    expect(BREAKPOINTS[E26].pm25_24h).toEqual([0, 35, 60, 115, 150, 250, 350, 500]);
    expect(BREAKPOINTS[E26].pm10_24h).toEqual([0, 50, 120, 250, 350, 420, 500, 600]);
    for (const column of Object.keys(BREAKPOINTS[E12]) as (keyof (typeof BREAKPOINTS)[typeof E12])[]) {
      if (column === 'pm25_24h' || column === 'pm10_24h') continue;
      expect(BREAKPOINTS[E26][column]).toEqual(BREAKPOINTS[E12][column]);
    }
  });

  // Hand-worked: IAQI = (IAQI_Hi − IAQI_Lo) / (BP_Hi − BP_Lo) × (C − BP_Lo) + IAQI_Lo, rounded up.
  it.each([
    // PM2.5: 35 → 50 in both; 36: 50 + 50 × 1/25 = 52 (2012: 50 + 50 × 1/40 = 51.25 → 52)
    ['pm25_24h', 35, 50, 50],
    ['pm25_24h', 36, 52, 52],
    // 60 is the new limit of IAQI 100 (2012: 50 + 50 × 25/40 = 81.25 → 82)
    ['pm25_24h', 60, 100, 82],
    // 61: 100 + 50 × 1/55 = 100.9 → 101 (2012: 50 + 50 × 26/40 = 82.5 → 83)
    ['pm25_24h', 61, 101, 83],
    // 88: 100 + 50 × 28/55 = 125.45 → 126 (2012: 100 + 50 × 13/40 = 116.25 → 117)
    ['pm25_24h', 88, 126, 117],
    ['pm25_24h', 115, 150, 150],
    // PM10: 51: 50 + 50 × 1/70 = 50.7 → 51 (2012: 50.5 → 51); 120 the new IAQI-100 limit (2012: 50 + 50 × 70/100 = 85)
    ['pm10_24h', 51, 51, 51],
    ['pm10_24h', 120, 100, 85],
    // 121: 100 + 50 × 1/130 = 100.4 → 101 (2012: 85.5 → 86); 185: 100 + 50 × 65/130 = 125 (2012: 117.5 → 118)
    ['pm10_24h', 121, 101, 86],
    ['pm10_24h', 185, 125, 118],
    ['pm10_24h', 250, 150, 150],
  ] as const)('%s %d µg/m³ → IAQI %d (HJ 633-2012: %d)', (column, c, in2026, in2012) => {
    expect(iaqi(column, c, E26)).toBe(in2026);
    expect(iaqi(column, c, E12)).toBe(in2012);
  });
});

describe('values above 800 on the short columns', () => {
  it('SO2 1-hour above 800 is IAQI 200 in 2026 (not indexed on the 1-hour scale in 2012)', () => {
    expect(iaqi('so2_1h', 800, E26)).toBe(200);
    expect(iaqi('so2_1h', 801, E26)).toBe(200);
    expect(iaqi('so2_1h', 5000, E26)).toBe(200);
    expect(iaqi('so2_1h', 801, E12)).toBeNull();

    const alone = hourlyAqi({ so2: 900 }, E26);
    expect(alone).toMatchObject({ edition: E26, aqi: 200, level: 4, primaryPollutants: ['so2'], notIndexed: [], aboveScale: [] });
    expect(alone.columns.so2).toBe('so2_1h');
    expect(() => hourlyAqi({ so2: 900 }, E12)).toThrow(/24-hour/);
    expect(hasIndexablePollutant({ so2: 900 }, 'hourly', E26)).toBe(true);
    expect(hasIndexablePollutant({ so2: 900 }, 'hourly', E12)).toBe(false);

    // With the 24-hour mean at hand, 2012 reports SO2 by it (100 + 50 × 150/325 = 123.1 → 124); 2026 keeps 200.
    expect(hourlyAqi({ so2: 900, so2_24h: 300 }, E12).iaqi.so2).toBe(124);
    expect(hourlyAqi({ so2: 900, so2_24h: 300 }, E26).iaqi.so2).toBe(200);
  });

  it('O3 8-hour above 800 is IAQI 300 in 2026 (reported by the 1-hour IAQI in 2012)', () => {
    expect(iaqi('o3_8h', 801, E26)).toBe(300);
    expect(iaqi('o3_8h', 801, E12)).toBeNull();

    // o3 1-hour 1000 → 400 in both; 2012 reports O3 8-hour by it too (a tie), 2026 gives it 300.
    const in2012 = hourlyAqi({ o3: 1000, o3_8h: 850 }, E12);
    const in2026 = hourlyAqi({ o3: 1000, o3_8h: 850 }, E26);
    expect(in2012).toMatchObject({ aqi: 400, iaqi: { o3: 400, o3_8h: 400 }, primaryPollutants: ['o3', 'o3_8h'] });
    expect(in2026).toMatchObject({ aqi: 400, iaqi: { o3: 400, o3_8h: 300 }, primaryPollutants: ['o3'] });

    // Without the 1-hour value: unindexed in 2012 (PM2.5 50 → 69 decides), 300 in 2026.
    expect(dailyAqi({ o3_8h: 820, pm25: 50 }, E12)).toMatchObject({ aqi: 69, notIndexed: ['o3_8h'] });
    expect(dailyAqi({ o3_8h: 820, pm25: 50 }, E26)).toMatchObject({ aqi: 300, level: 5, primaryPollutants: ['o3_8h'], notIndexed: [] });
  });
});

describe('what a 2026 report says', () => {
  it('names its edition and has no 超标污染物, only 首要污染物', () => {
    const r2012 = hourlyAqi({ pm25: 200, pm10: 300, no2: 40 }, E12);
    const r2026 = hourlyAqi({ pm25: 200, pm10: 300, no2: 40 }, E26);
    expect(r2012.edition).toBe(E12);
    expect(r2012.exceedingPollutants).toEqual(['pm10', 'pm25']);
    expect(r2026.edition).toBe(E26);
    expect(r2026).not.toHaveProperty('exceedingPollutants');
    expect(r2026.primaryPollutants).toEqual(['pm25']);
  });

  it('keeps levels, categories and colours', () => {
    const r = hourlyAqi({ pm25: 60 }, E26);
    expect(r).toMatchObject({ aqi: 100, level: 2, categoryZh: '良', colour: { hex: '#ffff00' } });
    expect(hourlyAqi({ pm25: 61 }, E26)).toMatchObject({ aqi: 101, level: 3, categoryZh: '轻度污染', colour: { hex: '#ff7e00' } });
  });
});
