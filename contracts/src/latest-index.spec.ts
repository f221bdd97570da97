import { aqiFromLatest, waterClassFromLatest, waterResultFromLatest } from './latest-index';

describe('AQI from a station’s latest values (what the rules judge and the map colours)', () => {
  const at = (iso: string, values: Record<string, number>) =>
    Object.fromEntries(Object.entries(values).map(([metric, value]) => [metric, { value, time: iso }]));

  it('uses the edition in force at the readings’ time: PM2.5 61 is 良 at 23:59 on 28 February, 轻度污染 from 1 March', () => {
    // HJ 633-2012: 50 + 50 × 26/40 = 82.5 → 83 (level 2); HJ 633—2026: 100 + 50 × 1/55 = 100.9 → 101 (level 3)
    expect(aqiFromLatest(at('2026-02-28T23:59:00+08:00', { pm25: 61 }))).toEqual({ aqi: 83, level: 2, edition: 'HJ 633-2012', primary: ['pm25'] });
    expect(aqiFromLatest(at('2026-03-01T00:00:00+08:00', { pm25: 61 }))).toEqual({ aqi: 101, level: 3, edition: 'HJ 633-2026', primary: ['pm25'] });
  });

  it('takes Date times (server) and ISO text (wire) alike', () => {
    const asDate = { pm25: { value: 61, time: new Date('2026-03-01T00:00:00+08:00') } };
    expect(aqiFromLatest(asDate)).toEqual(aqiFromLatest(at('2026-03-01T00:00:00+08:00', { pm25: 61 })));
  });

  it('leaves out values more than 2 hours older than the newest, and indexes SO2 > 800 alone under 2026 only', () => {
    const stale = { pm25: { value: 300, time: '2026-03-01T06:00:00+08:00' }, pm10: { value: 51, time: '2026-03-01T09:00:00+08:00' } };
    expect(aqiFromLatest(stale)).toMatchObject({ aqi: 51, primary: ['pm10'] });
    expect(aqiFromLatest(at('2026-03-01T09:00:00+08:00', { so2: 900 }))).toMatchObject({ aqi: 200, level: 4 });
    expect(aqiFromLatest(at('2026-02-28T09:00:00+08:00', { so2: 900 }))).toBeNull();
    expect(aqiFromLatest({})).toBeNull();
  });
});

describe('water class from a station’s latest values', () => {
  it('classes by the worst item and reads the target class', () => {
    const latest = { nh3n_mgl: { value: 1.2, time: '2026-06-01T08:00:00+08:00' }, do_mgl: { value: 6.5, time: '2026-06-01T08:00:00+08:00' } };
    expect(waterClassFromLatest(latest, { target_class: 'III' })).toEqual({ klass: 4, target: 3 });
    expect(waterClassFromLatest({}, {})).toBeNull();
  });

  it('leaves out items more than 2 hours older than the newest, and TN at a river (no limit there)', () => {
    const latest = { nh3n_mgl: { value: 0.4, time: '2026-06-01T09:00:00+08:00' }, do_mgl: { value: 2.5, time: '2026-06-01T06:00:00+08:00' } };
    expect(waterResultFromLatest(latest, {})).toMatchObject({ klass: 2, limitingItems: ['nh3n_mgl'] });
    const tnOnly = { tn_mgl: { value: 1.8, time: '2026-06-01T09:00:00+08:00' } };
    expect(waterResultFromLatest(tnOnly, { kind: 'river' })).toBeNull();
    expect(waterResultFromLatest(tnOnly, { kind: 'reservoir' })).toMatchObject({ klass: 5, limitingItems: ['tn_mgl'] });
  });
});
