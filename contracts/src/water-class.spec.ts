import { exceedances, itemClass, parseWaterClass, saturatedDo, WaterClass, waterClass, WaterItem, waterClassRoman, worseThan } from './water-class';

const river = { waterbody: 'river' as const };
const lake = { waterbody: 'lake' as const };

describe('GB 3838-2002 item classes', () => {
  // limits of classes I–V for the "≤" items (GB 3838-2002 table 1)
  const upper: [WaterItem, 'river' | 'lake', number[]][] = [
    ['codmn_mgl', 'river', [2, 4, 6, 10, 15]],
    ['bod5_mgl', 'river', [3, 3, 4, 6, 10]],
    ['nh3n_mgl', 'river', [0.15, 0.5, 1.0, 1.5, 2.0]],
    ['cod_mgl', 'river', [15, 15, 20, 30, 40]],
    ['tp_mgl', 'river', [0.02, 0.1, 0.2, 0.3, 0.4]],
    ['tp_mgl', 'lake', [0.01, 0.025, 0.05, 0.1, 0.2]],
    ['tn_mgl', 'lake', [0.2, 0.5, 1.0, 1.5, 2.0]],
  ];

  describe.each(upper)('%s (%s)', (item, waterbody, limits) => {
    it('meets a class exactly at its limit and falls to the next class just above it', () => {
      limits.forEach((limit) => {
        // the lowest class whose limit the value meets (COD and BOD5 share the class I and II limits)
        const expected = (limits.indexOf(limit) + 1) as WaterClass;
        expect(itemClass(item, limit, { waterbody })).toBe(expected);
        const above = limit * 1.0001;
        const next = limits.findIndex((l) => above <= l);
        expect(itemClass(item, above, { waterbody })).toBe(next < 0 ? 6 : next + 1);
      });
    });

    it('is class I at zero and 劣V far above class V', () => {
      expect(itemClass(item, 0, { waterbody })).toBe(1);
      expect(itemClass(item, limits[4]! * 10, { waterbody })).toBe(6);
    });
  });

  it('COD 15 is class I (I and II share the limit) and 15.1 is class III', () => {
    expect(itemClass('cod_mgl', 15, river)).toBe(1);
    expect(itemClass('cod_mgl', 15.1, river)).toBe(3);
  });

  it('reads DO the other way round: a class is met at or above its lower limit', () => {
    const cases: [number, WaterClass][] = [
      [9, 1], [7.5, 1], [7.49, 2], [6, 2], [5.99, 3], [5, 3], [4.99, 4], [3, 4], [2.99, 5], [2, 5], [1.99, 6], [0, 6],
    ];
    for (const [value, klass] of cases) expect(itemClass('do_mgl', value, river)).toBe(klass);
  });

  it('counts DO at 90 % saturation as class I when the temperature is known', () => {
    // at 25 °C saturation is 468 / 56.6 = 8.27 mg/L; 90 % of it is 7.44 < 7.5
    expect(saturatedDo(25)).toBeCloseTo(8.2686, 3);
    expect(itemClass('do_mgl', 7.45, { waterbody: 'river', temperatureC: 25 })).toBe(1);
    expect(itemClass('do_mgl', 7.45, river)).toBe(2);
    // at 5 °C saturation is 12.79 mg/L, 90 % = 11.5: 7.5 still meets class I through the fixed limit
    expect(itemClass('do_mgl', 7.5, { waterbody: 'river', temperatureC: 5 })).toBe(1);
  });

  it('pH is class I within 6–9 inclusive and 劣V outside', () => {
    expect(itemClass('ph', 6, river)).toBe(1);
    expect(itemClass('ph', 9, river)).toBe(1);
    expect(itemClass('ph', 7.2, river)).toBe(1);
    expect(itemClass('ph', 5.99, river)).toBe(6);
    expect(itemClass('ph', 9.01, river)).toBe(6);
  });

  it('uses the lake and reservoir TP limits, which are stricter', () => {
    expect(itemClass('tp_mgl', 0.1, river)).toBe(2);
    expect(itemClass('tp_mgl', 0.1, lake)).toBe(4);
    expect(itemClass('tp_mgl', 0.3, river)).toBe(4);
    expect(itemClass('tp_mgl', 0.3, lake)).toBe(6);
  });

  it('does not assess TN for rivers', () => {
    expect(itemClass('tn_mgl', 5, river)).toBeNull();
    const r = waterClass({ tn_mgl: 5, nh3n_mgl: 0.1 }, river);
    expect(r).toMatchObject({ klass: 1, notAssessed: ['tn_mgl'] });
    expect(waterClass({ tn_mgl: 5, nh3n_mgl: 0.1 }, lake)).toMatchObject({ klass: 6, limitingItems: ['tn_mgl'] });
  });

  it('refuses negative and non-finite values', () => {
    expect(() => itemClass('nh3n_mgl', -0.1, river)).toThrow(RangeError);
    expect(() => waterClass({ do_mgl: Number.NaN }, river)).toThrow(/do_mgl/);
  });
});

describe('sample class', () => {
  it('is decided by the worst item, which it names', () => {
    const r = waterClass({ ph: 7.6, do_mgl: 6.8, codmn_mgl: 3.1, nh3n_mgl: 1.2, tp_mgl: 0.15 }, river);
    expect(r.items).toEqual({ ph: 1, do_mgl: 2, codmn_mgl: 2, nh3n_mgl: 4, tp_mgl: 3 });
    expect(r).toMatchObject({ klass: 4, labelZh: 'Ⅳ类', labelEn: 'Class IV', limitingItems: ['nh3n_mgl'] });
  });

  it('names every item tied at the worst class', () => {
    const r = waterClass({ do_mgl: 2.5, nh3n_mgl: 1.8, tp_mgl: 0.35 }, river);
    expect(r).toMatchObject({ klass: 5, labelZh: 'Ⅴ类', limitingItems: ['do_mgl', 'nh3n_mgl', 'tp_mgl'] });
  });

  it('is 劣V beyond class V, and has no limiting item at class I', () => {
    expect(waterClass({ nh3n_mgl: 2.01 }, river)).toMatchObject({ klass: 6, labelZh: '劣Ⅴ类', labelEn: 'Worse than Class V' });
    expect(waterClass({ nh3n_mgl: 0.1, do_mgl: 8 }, river)).toMatchObject({ klass: 1, limitingItems: [] });
  });

  it('refuses a sample without an item to assess', () => {
    expect(() => waterClass({}, river)).toThrow(/no GB 3838 item/);
    expect(() => waterClass({ tn_mgl: 1 }, river)).toThrow(/no GB 3838 item/);
  });
});

describe('target class', () => {
  it('compares classes', () => {
    expect(worseThan(4, 3)).toBe(true);
    expect(worseThan(3, 3)).toBe(false);
    expect(worseThan(6, 5)).toBe(true);
    expect(worseThan(1, 2)).toBe(false);
  });

  it('parses a station’s target class and prints classes', () => {
    expect(parseWaterClass('III')).toBe(3);
    expect(parseWaterClass('VI')).toBeNull();
    expect(parseWaterClass(3)).toBeNull();
    expect(waterClassRoman(6)).toBe('劣V');
    expect(waterClassRoman(2)).toBe('II');
  });

  it('lists the items that miss the target class with the limit and the exceedance multiple', () => {
    const sample = { nh3n_mgl: 1.5, do_mgl: 4, tp_mgl: 0.1, ph: 9.5 };
    const r = waterClass(sample, river);
    expect(exceedances(sample, r, 3, river)).toEqual([
      { item: 'ph', value: 9.5, klass: 6, limit: [6, 9], times: null },
      { item: 'do_mgl', value: 4, klass: 4, limit: 5, times: null },
      { item: 'nh3n_mgl', value: 1.5, klass: 4, limit: 1, times: 0.5 },
    ]);
    expect(exceedances(sample, r, 6, river)).toEqual([]);
  });
});
