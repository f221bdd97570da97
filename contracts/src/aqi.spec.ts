import {
  aqiCategory,
  aqiLevel,
  BREAKPOINTS,
  BreakpointColumn,
  dailyAqi,
  hasIndexablePollutant,
  hourlyAqi,
  iaqi,
  IAQI_STEPS,
  roundHalfEven,
} from './aqi';

/** These cases are HJ 633-2012's; aqi-2026.spec.ts holds the 2026 edition and the change between them. */
const E12 = 'HJ 633-2012' as const;

const COLUMNS = Object.keys(BREAKPOINTS[E12]) as BreakpointColumn[];

describe('IAQI on the HJ 633-2012 breakpoint table', () => {
  describe.each(COLUMNS)('column %s', (column) => {
    const bp: readonly number[] = BREAKPOINTS[E12][column];

    it.each(bp.map((c, i) => [c, IAQI_STEPS[i]!]))('concentration %p at a breakpoint gives IAQI %p', (c, expected) => {
      expect(iaqi(column, c, E12)).toBe(expected);
    });

    it('interpolates linearly between neighbouring breakpoints, rounding up', () => {
      for (let i = 1; i < bp.length; i++) {
        const lo = bp[i - 1]!;
        const hi = bp[i]!;
        const iLo = IAQI_STEPS[i - 1]!;
        const iHi = IAQI_STEPS[i]!;
        const mid = (lo + hi) / 2;
        expect(iaqi(column, mid, E12)).toBe(Math.ceil((iLo + iHi) / 2));
        // just above a breakpoint the index already moves to the next integer
        const justAbove = lo + (hi - lo) / 1000;
        expect(iaqi(column, justAbove, E12)).toBe(iLo + 1);
        // just below the next breakpoint it has not reached it... but rounds up to it
        const justBelow = hi - (hi - lo) / 1000;
        expect(iaqi(column, justBelow, E12)).toBe(iHi);
      }
    });
  });

  it.each<[BreakpointColumn, number, number]>([
    ['pm25_24h', 60, 82], // 50/40 × 25 + 50 = 81.25
    ['so2_24h', 300, 124], // 50/325 × 150 + 100 = 123.08
    ['so2_1h', 575, 125],
    ['no2_24h', 60, 75],
    ['no2_1h', 150, 75],
    ['pm10_24h', 200, 125],
    ['co_24h', 3, 75],
    ['co_1h', 7.5, 75],
    ['o3_1h', 180, 75],
    ['o3_8h', 130, 75],
    ['o3_8h', 500, 244], // 100/535 × 235 + 200 = 243.93
    ['pm25_24h', 420, 447], // 100/150 × 70 + 400 = 446.67
    ['co_24h', 50, 417], // 100/12 × 2 + 400 = 416.67
  ])('%s %p → %p (worked by hand)', (column, c, expected) => {
    expect(iaqi(column, c, E12)).toBe(expected);
  });

  it('reports 500 above the top of a full column', () => {
    expect(iaqi('pm25_24h', 501, E12)).toBe(500);
    expect(iaqi('pm25_24h', 9999, E12)).toBe(500);
    expect(iaqi('so2_24h', 2621, E12)).toBe(500);
    expect(iaqi('co_1h', 151, E12)).toBe(500);
    expect(iaqi('o3_1h', 1500, E12)).toBe(500);
  });

  it('does not index SO2 1-hour or O3 8-hour above 800 (notes a and b)', () => {
    expect(iaqi('so2_1h', 800, E12)).toBe(200);
    expect(iaqi('so2_1h', 801, E12)).toBeNull();
    expect(iaqi('o3_8h', 800, E12)).toBe(300);
    expect(iaqi('o3_8h', 801, E12)).toBeNull();
  });

  it('refuses negative and non-finite concentrations', () => {
    expect(() => iaqi('pm25_24h', -1, E12)).toThrow(RangeError);
    expect(() => iaqi('pm25_24h', Number.NaN, E12)).toThrow(RangeError);
    expect(() => hourlyAqi({ pm25: Number.POSITIVE_INFINITY }, E12)).toThrow(/pm25/);
  });
});

describe('levels, categories and colours', () => {
  it.each([
    [0, 1], [50, 1], [51, 2], [100, 2], [101, 3], [150, 3], [151, 4], [200, 4], [201, 5], [300, 5], [301, 6], [500, 6],
  ])('AQI %p is level %p', (aqi, level) => {
    expect(aqiLevel(aqi)).toBe(level);
  });

  it('names each level in Chinese and English with its colour', () => {
    expect(aqiCategory(20)).toMatchObject({ levelZh: '一级', categoryZh: '优', categoryEn: 'excellent', colour: { rgb: [0, 228, 0] } });
    expect(aqiCategory(80)).toMatchObject({ levelZh: '二级', categoryZh: '良', colour: { rgb: [255, 255, 0] } });
    expect(aqiCategory(120)).toMatchObject({ levelZh: '三级', categoryZh: '轻度污染', colour: { rgb: [255, 126, 0] } });
    expect(aqiCategory(180)).toMatchObject({ levelZh: '四级', categoryZh: '中度污染', colour: { rgb: [255, 0, 0] } });
    expect(aqiCategory(250)).toMatchObject({ levelZh: '五级', categoryZh: '重度污染', colour: { rgb: [153, 0, 76], hex: '#99004c' } });
    expect(aqiCategory(400)).toMatchObject({ levelZh: '六级', categoryZh: '严重污染', colour: { rgb: [126, 0, 35], hex: '#7e0023' } });
  });

  it('refuses a negative AQI', () => {
    expect(() => aqiLevel(-1)).toThrow(RangeError);
  });
});

describe('hourly AQI', () => {
  it('indexes SO2, NO2, CO and O3 on their 1-hour columns and PM on the 24-hour columns', () => {
    const r = hourlyAqi({ so2: 150, no2: 100, co: 5, o3: 160, pm10: 50, pm25: 35 }, E12);
    expect(r.iaqi).toEqual({ so2: 50, no2: 50, co: 50, o3: 50, pm10: 50, pm25: 50 });
    expect(r).toMatchObject({ kind: 'hourly', aqi: 50, level: 1, categoryZh: '优', primaryPollutants: [], exceedingPollutants: [] });
    expect(r.columns).toMatchObject({ so2: 'so2_1h', no2: 'no2_1h', co: 'co_1h', o3: 'o3_1h', pm10: 'pm10_24h', pm25: 'pm25_24h' });
  });

  it('takes the largest IAQI as the AQI and names the primary pollutant only above 50', () => {
    const r = hourlyAqi({ pm25: 60, pm10: 80, no2: 40 }, E12);
    expect(r.iaqi).toEqual({ pm25: 82, pm10: 65, no2: 20 });
    expect(r).toMatchObject({ aqi: 82, level: 2, categoryZh: '良', categoryEn: 'good', primaryPollutants: ['pm25'] });
  });

  it('names every pollutant tied at the largest IAQI', () => {
    const r = hourlyAqi({ pm25: 75, pm10: 150, so2: 20 }, E12);
    expect(r.aqi).toBe(100);
    expect(r.primaryPollutants).toEqual(['pm10', 'pm25']);
    const three = hourlyAqi({ pm25: 115, pm10: 250, no2: 700, co: 1 }, E12);
    expect(three.primaryPollutants).toEqual(['no2', 'pm10', 'pm25']);
    expect(three.exceedingPollutants).toEqual(['no2', 'pm10', 'pm25']);
  });

  it('has no primary pollutant at AQI 50 even with ties', () => {
    const r = hourlyAqi({ pm25: 35, pm10: 50 }, E12);
    expect(r.aqi).toBe(50);
    expect(r.primaryPollutants).toEqual([]);
  });

  it('indexes an SO2 1-hour value above 800 by its 24-hour mean (HJ 633 note a)', () => {
    const r = hourlyAqi({ so2: 900, so2_24h: 300, pm25: 20 }, E12);
    expect(r.iaqi.so2).toBe(124);
    expect(r.columns.so2).toBe('so2_24h');
    expect(r).toMatchObject({ aqi: 124, level: 3, primaryPollutants: ['so2'], notIndexed: [] });
    // exactly 800 stays on the 1-hour column
    expect(hourlyAqi({ so2: 800, so2_24h: 300 }, E12).iaqi.so2).toBe(200);
  });

  it('leaves SO2 unindexed (and says so) when its 1-hour value exceeds 800 without a 24-hour mean', () => {
    const r = hourlyAqi({ so2: 900, pm25: 60 }, E12);
    expect(r.iaqi.so2).toBeUndefined();
    expect(r.notIndexed).toEqual(['so2']);
    expect(r.aqi).toBe(82);
    expect(() => hourlyAqi({ so2: 900 }, E12)).toThrow(/24-hour/);
  });

  it('indexes an O3 8-hour value above 800 by the 1-hour value (HJ 633 note b)', () => {
    const r = hourlyAqi({ o3: 1000, o3_8h: 850 }, E12);
    expect(r.iaqi).toEqual({ o3: 400, o3_8h: 400 });
    expect(r.columns.o3_8h).toBe('o3_1h');
    expect(r.primaryPollutants).toEqual(['o3', 'o3_8h']);
    expect(r.level).toBe(6);
    const below = hourlyAqi({ o3: 300, o3_8h: 800 }, E12);
    expect(below.iaqi).toEqual({ o3: 150, o3_8h: 300 });
    expect(below.primaryPollutants).toEqual(['o3_8h']);
  });

  it('reports 500 and marks the pollutant when a concentration is above the scale', () => {
    const r = hourlyAqi({ pm25: 620, pm10: 100 }, E12);
    expect(r).toMatchObject({ aqi: 500, level: 6, categoryZh: '严重污染', aboveScale: ['pm25'], primaryPollutants: ['pm25'] });
  });

  it('rounds concentrations to reporting precision (GB/T 8170) before indexing', () => {
    expect(hourlyAqi({ pm25: 35.4 }, E12).aqi).toBe(50);
    expect(hourlyAqi({ pm25: 35.5 }, E12).concentrations.pm25).toBe(36); // half to even
    expect(hourlyAqi({ pm25: 36.5 }, E12).concentrations.pm25).toBe(36);
    expect(hourlyAqi({ pm25: 35.5 }, E12).aqi).toBe(52); // 50 + 1.25 → 52
    expect(hourlyAqi({ co: 5.04 }, E12).aqi).toBe(50);
    expect(hourlyAqi({ co: 5.06 }, E12).concentrations.co).toBe(5.1);
  });

  it('tells whether anything can be indexed', () => {
    expect(hasIndexablePollutant({ so2: 900 }, 'hourly', E12)).toBe(false);
    expect(hasIndexablePollutant({ so2: 900, so2_24h: 300 }, 'hourly', E12)).toBe(true);
    expect(hasIndexablePollutant({ so2: 900 }, 'daily', E12)).toBe(true);
    expect(hasIndexablePollutant({ o3_8h: 850 }, 'hourly', E12)).toBe(false);
    expect(hasIndexablePollutant({ o3_8h: 850, o3: 900 }, 'hourly', E12)).toBe(true);
    expect(hasIndexablePollutant({ o3_8h: 800 }, 'hourly', E12)).toBe(true);
    expect(hasIndexablePollutant({ pm25: 0 }, 'hourly', E12)).toBe(true);
  });

  it('refuses an empty set of concentrations', () => {
    expect(hasIndexablePollutant({}, 'hourly', E12)).toBe(false);
    expect(() => hourlyAqi({}, E12)).toThrow(/no pollutant/);
  });
});

describe('daily AQI', () => {
  it('indexes 24-hour means on the 24-hour columns', () => {
    const r = dailyAqi({ so2: 50, no2: 40, co: 2, pm10: 50, pm25: 35, o3: 160, o3_8h: 100 }, E12);
    expect(r.iaqi).toEqual({ so2: 50, no2: 50, co: 50, pm10: 50, pm25: 50, o3: 50, o3_8h: 50 });
    expect(r.kind).toBe('daily');
    expect(r.columns).toMatchObject({ so2: 'so2_24h', no2: 'no2_24h', co: 'co_24h', o3: 'o3_1h', o3_8h: 'o3_8h' });
  });

  it('indexes the same NO2 value differently in hourly and daily reports', () => {
    expect(hourlyAqi({ no2: 100 }, E12).aqi).toBe(50);
    expect(dailyAqi({ no2: 100 }, E12).aqi).toBe(110);
  });

  it('indexes SO2 above 800 on the 24-hour column (no special case in a daily report)', () => {
    expect(dailyAqi({ so2: 900 }, E12).aqi).toBe(213); // 200 + 100 × 100 / 800 = 212.5
  });

  it('replaces the O3 8-hour IAQI by the 1-hour one above 800', () => {
    const r = dailyAqi({ o3: 900, o3_8h: 820, pm25: 50 }, E12);
    // O3 1-hour 900: 300 + 100 × 100 / 200 = 350; PM2.5 50: 50 + 50 × 15 / 40 = 68.75
    expect(r.iaqi).toEqual({ o3: 350, o3_8h: 350, pm25: 69 });
    expect(r.columns.o3_8h).toBe('o3_1h');
    expect(r.primaryPollutants).toEqual(['o3', 'o3_8h']);
    expect(dailyAqi({ o3_8h: 820, pm25: 50 }, E12)).toMatchObject({ aqi: 69, notIndexed: ['o3_8h'] });
  });
});

describe('roundHalfEven', () => {
  it.each([
    [2.5, 0, 2], [3.5, 0, 4], [2.4, 0, 2], [2.6, 0, 3], [2.25, 1, 2.2], [2.35, 1, 2.4], [0.05, 1, 0], [0.15, 1, 0.2], [7, 0, 7],
  ])('%p to %p places → %p', (value, decimals, expected) => {
    expect(roundHalfEven(value, decimals)).toBe(expected);
  });
});
