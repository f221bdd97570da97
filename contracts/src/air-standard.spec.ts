import { airStandardAt, dailyCompliance } from './air-standard';

const day = (iso: string) => Date.parse(`${iso}T00:00:00+08:00`);

describe('GB 3095 stage in force on a China calendar day', () => {
  it('is 2012 to 28 February 2026, the 2026 transition stage to 31 December 2030, then the full 2026 limits', () => {
    expect(airStandardAt(day('2026-02-28'))).toBe('GB 3095-2012');
    expect(airStandardAt(day('2026-03-01'))).toBe('GB 3095-2026 transition');
    expect(airStandardAt(day('2030-12-31'))).toBe('GB 3095-2026 transition');
    expect(airStandardAt(day('2031-01-01'))).toBe('GB 3095-2026');
  });
});

describe('daily compliance (达标) against the level-2 24-hour limits in force', () => {
  it('judges PM2.5 68 within the 2012 limit (75) and over the transition limit (60) by 0.13 times', () => {
    expect(dailyCompliance({ pm25: 68, pm10: 90 }, day('2026-02-28'))).toEqual({
      stage: 'GB 3095-2012', compliant: true, exceeding: [], notJudged: [],
      items: { pm10: { value: 90, limit: 150, exceeds: false, multiple: 0 }, pm25: { value: 68, limit: 75, exceeds: false, multiple: 0 } },
    });
    // (68 − 60) / 60 = 0.133 → 0.13
    expect(dailyCompliance({ pm25: 68, pm10: 90 }, day('2026-03-01'))).toMatchObject({
      stage: 'GB 3095-2026 transition', compliant: false, exceeding: ['pm25'], items: { pm25: { value: 68, limit: 60, exceeds: true, multiple: 0.13 } },
    });
  });

  it('judges at reporting precision: 60.4 is 60 and within; 60.5 rounds half to even to 60, 61.5 to 62', () => {
    expect(dailyCompliance({ pm25: 60.4 }, day('2026-06-01'))!.compliant).toBe(true);
    expect(dailyCompliance({ pm25: 60.5 }, day('2026-06-01'))!.compliant).toBe(true);
    expect(dailyCompliance({ pm25: 61.5 }, day('2026-06-01'))!.items.pm25).toEqual({ value: 62, limit: 60, exceeds: true, multiple: 0.03 });
  });

  it('uses the daily maximum 8-hour O3 and CO in mg/m³', () => {
    expect(dailyCompliance({ o3_8h: 170, co: 4.1 }, day('2026-07-01'))).toMatchObject({ compliant: false, exceeding: ['co', 'o3_8h'] });
  });

  it('from 2031 judges PM2.5 by 50 and says which pollutants it cannot judge yet', () => {
    expect(dailyCompliance({ pm25: 55, so2: 20, no2: 30 }, day('2031-01-01'))).toMatchObject({
      stage: 'GB 3095-2026', compliant: false, exceeding: ['pm25'], notJudged: ['so2', 'no2'],
    });
  });

  it('gives nothing for a day without a judged pollutant', () => {
    expect(dailyCompliance({}, day('2026-07-01'))).toBeNull();
    expect(dailyCompliance({ o3: 300 }, day('2026-07-01'))).toBeNull();
  });
});
