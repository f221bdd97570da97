import { EngineDevice, RuleEngine, RuleOp } from './rule-engine';
import { isScheduled } from './rule-schedule';
import { Rule } from './rule.types';

const T0 = Date.parse('2026-11-22T02:00:00Z'); // 10:00 in Shanghai, a Sunday
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

let nextId = 1;
const rule = (overrides: Partial<Rule> = {}): Rule => ({
  id: nextId++,
  name: 'test rule',
  nameEn: null,
  family: 'air',
  metric: 'pm25',
  kind: 'above',
  threshold: 150,
  clearThreshold: null,
  ratePer: null,
  rateDirection: null,
  durationS: 0,
  schedule: null,
  scope: {},
  severity: 'orange',
  actions: 'notify',
  notifyBureau: 'environment',
  incidentCategory: null,
  enabled: true,
  createdAt: new Date(T0),
  updatedAt: new Date(T0),
  ...overrides,
});

const GRIDS = [
  { code: '140106', parentCode: null },
  { code: '140106001', parentCode: '140106' },
  { code: '140106001001', parentCode: '140106001' },
  { code: '140106001001001', parentCode: '140106001001' },
  { code: '140105', parentCode: null },
  { code: '140105001', parentCode: '140105' },
  { code: '140105001001', parentCode: '140105001' },
  { code: '140105001001001', parentCode: '140105001001' },
];
const device = (overrides: Partial<EngineDevice> = {}): EngineDevice => ({ id: 'air-001', family: 'air', gridCode: '140106001001001', attributes: {}, ...overrides });

function engineWith(...rules: Rule[]): RuleEngine {
  const engine = new RuleEngine();
  engine.load(rules, GRIDS);
  return engine;
}

const summary = (ops: RuleOp[]) => ops.map((o) => `${o.type}:${o.value}`);
const feed = (engine: RuleEngine, d: EngineDevice, metric: string, series: [number, number][]) =>
  series.map(([minute, value]) => summary(engine.evaluate(d, [{ metric, value, time: at(minute) }])));

describe('rule engine', () => {
  it('raises a threshold rule at once and repeats while breaching; a normal reading clears it', () => {
    const engine = engineWith(rule());
    expect(feed(engine, device(), 'pm25', [[0, 100], [1, 151], [2, 170], [3, 150]])).toEqual([[], ['breach:151'], ['breach:170'], ['clear:150']]);
  });

  it('raises a sustained rule only after the breach has held for the whole duration', () => {
    const engine = engineWith(rule({ durationS: 600 }));
    expect(feed(engine, device(), 'pm25', [[0, 200], [5, 210], [9, 220], [10, 230], [11, 240]])).toEqual([[], [], [], ['breach:230'], ['breach:240']]);
  });

  it('starts the sustained count again when the breach is interrupted', () => {
    const engine = engineWith(rule({ durationS: 600 }));
    expect(feed(engine, device(), 'pm25', [[0, 200], [5, 100], [10, 200], [15, 200], [20, 200]])).toEqual([[], [], [], [], ['breach:200']]);
  });

  it('keeps the breach start durable: a new engine restored from the saved state goes on counting', () => {
    const r = rule({ durationS: 600 });
    const first = engineWith(r);
    feed(first, device(), 'pm25', [[0, 200], [6, 200]]);
    const saved = first.takeDirtyStates();
    expect(saved).toEqual([expect.objectContaining({ ruleId: r.id, deviceId: 'air-001', breachSince: at(0) })]);
    const restarted = engineWith(r);
    restarted.restoreStates(saved);
    expect(feed(restarted, device(), 'pm25', [[10, 200]])).toEqual([['breach:200']]);
  });

  it('clears through the clear level only (hysteresis) and raises anew after a clear', () => {
    const engine = engineWith(rule({ threshold: 150, clearThreshold: 115 }));
    expect(feed(engine, device(), 'pm25', [[0, 160], [1, 140], [2, 120], [3, 149], [4, 115], [5, 140], [6, 151]])).toEqual([
      ['breach:160'],
      [],
      [],
      [],
      ['clear:115'],
      [],
      ['breach:151'],
    ]);
  });

  it('applies hysteresis to "below" rules upwards', () => {
    const engine = engineWith(rule({ family: 'water', metric: 'do_mgl', kind: 'below', threshold: 3, clearThreshold: 3.5 }));
    const d = device({ id: 'water-001', family: 'water' });
    expect(feed(engine, d, 'do_mgl', [[0, 2.9], [1, 3.2], [2, 3.5], [3, 3.4]])).toEqual([['breach:2.9'], [], ['clear:3.5'], []]);
  });

  it('measures the rate of change per hour against the previous reading', () => {
    const engine = engineWith(
      rule({ family: 'water', metric: 'level_m', kind: 'rate_of_change', threshold: 0.5, clearThreshold: 0.2, ratePer: 'hour', rateDirection: 'rise' }),
    );
    const d = device({ id: 'water-001', family: 'water' });
    // 0.2 m/h, then 0.8 m/h (breach), 0.4 m/h (hold), 0.1 m/h (clear), a fall of 2 m/h (not a rise).
    expect(feed(engine, d, 'level_m', [[0, 777.0], [30, 777.1], [60, 777.5], [90, 777.7], [120, 777.75], [150, 776.75]])).toEqual([
      [],
      [],
      ['breach:777.5'],
      [],
      ['clear:777.75'],
      [],
    ]);
  });

  it('watches falls and either direction per minute too', () => {
    const fall = rule({ family: 'water', metric: 'level_m', kind: 'rate_of_change', threshold: 0.05, ratePer: 'minute', rateDirection: 'fall' });
    const any = rule({ family: 'water', metric: 'level_m', kind: 'rate_of_change', threshold: 0.05, ratePer: 'minute', rateDirection: 'any' });
    const engine = engineWith(fall, any);
    const d = device({ id: 'water-001', family: 'water' });
    engine.evaluate(d, [{ metric: 'level_m', value: 10, time: at(0) }]);
    const ops = engine.evaluate(d, [{ metric: 'level_m', value: 9.8, time: at(2) }]); // −0.1 m/min
    expect(ops.map((o) => o.rule.id).sort()).toEqual([fall.id, any.id].sort());
    const rise = engine.evaluate(d, [{ metric: 'level_m', value: 10.0, time: at(4) }]); // +0.1 m/min
    expect(rise.map((o) => `${o.rule.id}:${o.type}`).sort()).toEqual([`${any.id}:breach`, `${fall.id}:clear`].sort());
  });

  it('raises "no data" once for a silent device and clears it when data arrives', () => {
    const silent = rule({ kind: 'no_data', metric: null, threshold: 15 });
    const engine = engineWith(silent);
    const d = device();
    const candidates = (last: number) => [{ device: d, lastTimes: { pm25: at(last) }, since: at(-1000) }];
    expect(engine.evaluateSilence(at(10), candidates(0))).toEqual([]);
    expect(summary(engine.evaluateSilence(at(16), candidates(0)))).toEqual(['breach:16']);
    expect(engine.evaluateSilence(at(30), candidates(0))).toEqual([]);
    expect(summary(engine.evaluate(d, [{ metric: 'pm25', value: 20, time: at(31) }]))).toEqual(['clear:null']);
    // A device that never reported counts from when it was registered.
    const fresh = device({ id: 'air-new' });
    expect(summary(engine.evaluateSilence(at(30), [{ device: fresh, lastTimes: {}, since: at(20) }]))).toEqual([]);
    expect(summary(engine.evaluateSilence(at(36), [{ device: fresh, lastTimes: {}, since: at(20) }]))).toEqual(['breach:16']);
  });

  it('raises only inside the schedule (Asia/Shanghai) but clears at any time', () => {
    const night = rule({ metric: 'noise_db', threshold: 55, schedule: { from: '22:00', to: '06:00' } });
    const engine = engineWith(night);
    // at(0) is 10:00 CST; at(13 * 60) is 23:00 CST.
    expect(feed(engine, device(), 'noise_db', [[0, 70], [13 * 60, 70], [23 * 60, 40]])).toEqual([[], ['breach:70'], ['clear:40']]);
  });

  it('matches grid scopes to devices in the grid or below it, and device scopes to that device only', () => {
    const district = rule({ scope: { gridCode: '140106' } });
    const other = rule({ scope: { gridCode: '140105001' } });
    const own = rule({ scope: { deviceId: 'air-002' } });
    const engine = engineWith(district, other, own);
    const ids = (d: EngineDevice) => engine.evaluate(d, [{ metric: 'pm25', value: 300, time: at(0) }]).map((o) => o.rule.id).sort();
    expect(ids(device())).toEqual([district.id]);
    expect(ids(device({ id: 'air-002', gridCode: '140105001001001' }))).toEqual([other.id, own.id].sort());
    expect(ids(device({ id: 'air-003', gridCode: null }))).toEqual([]);
  });

  it('learns grids added after the rules were loaded', () => {
    const district = rule({ scope: { gridCode: '140106' } });
    const engine = engineWith(district);
    const inNewGrid = device({ gridCode: '140106001001007' });
    expect(engine.evaluate(inNewGrid, [{ metric: 'pm25', value: 300, time: at(0) }])).toEqual([]);
    engine.loadGrids([...GRIDS, { code: '140106001001007', parentCode: '140106001001' }]);
    expect(summary(engine.evaluate(inNewGrid, [{ metric: 'pm25', value: 310, time: at(1) }]))).toEqual(['breach:310']);
  });

  it('lets late readings change nothing', () => {
    const engine = engineWith(rule());
    expect(feed(engine, device(), 'pm25', [[10, 200], [5, 20], [11, 210]])).toEqual([['breach:200'], [], ['breach:210']]);
  });

  it('orders a batch by time and folds it into the operations a sequence of readings causes', () => {
    const engine = engineWith(rule({ clearThreshold: 100 }));
    const ops = engine.evaluate(device(), [
      { metric: 'pm25', value: 90, time: at(3) },
      { metric: 'pm25', value: 200, time: at(1) },
      { metric: 'pm25', value: 210, time: at(2) },
    ]);
    expect(summary(ops)).toEqual(['breach:200', 'breach:210', 'clear:90']);
  });

  it('raises an AQI-level rule from the derived level, with its clear level below', () => {
    const aqi = rule({ kind: 'aqi_level', metric: null, threshold: 5 });
    const engine = engineWith(aqi);
    expect(engine.needsAqi(device())).toBe(true);
    expect(engine.needsAqi(device({ id: 'water-001', family: 'water' }))).toBe(false);
    const step = (level: number, minute: number) => summary(engine.evaluate(device(), [{ metric: 'pm25', value: 1, time: at(minute) }], { aqiLevel: { level, aqi: 0 } }));
    expect([step(4, 0), step(5, 1), step(6, 2), step(5, 3), step(4, 4)]).toEqual([[], ['breach:5'], ['breach:6'], ['breach:5'], ['clear:4']]);
  });

  it('raises a water-class rule when the class is worse than the station’s target class', () => {
    const wc = rule({ family: 'water', kind: 'water_class', metric: null, threshold: null });
    const engine = engineWith(wc);
    const station = device({ id: 'water-001', family: 'water', attributes: { target_class: 'III' } });
    const step = (klass: number, minute: number) => summary(engine.evaluate(station, [{ metric: 'nh3n_mgl', value: 1, time: at(minute) }], { waterClass: { klass } }));
    expect([step(3, 0), step(4, 1), step(6, 2), step(3, 3)]).toEqual([[], ['breach:4'], ['breach:6'], ['clear:3']]);
    // A station without a target class is not judged by a rule that relies on it.
    const noTarget = device({ id: 'water-002', family: 'water' });
    expect(engine.evaluate(noTarget, [{ metric: 'nh3n_mgl', value: 1, time: at(0) }], { waterClass: { klass: 6 } })).toEqual([]);
  });

  it('forgets a manually cleared alert: the ongoing breach raises a new one', () => {
    const r = rule();
    const engine = engineWith(r);
    feed(engine, device(), 'pm25', [[0, 200]]);
    engine.forget(r.id, 'air-001');
    expect(feed(engine, device(), 'pm25', [[1, 200]])).toEqual([['breach:200']]);
  });

  it('indexes a thousand rules so a reading meets only its own', () => {
    const rules = Array.from({ length: 1000 }, (_, i) => rule({ scope: { deviceId: `air-${i}` }, metric: ['pm25', 'pm10', 'no2'][i % 3]! }));
    const engine = engineWith(...rules);
    const ops = engine.evaluate(device({ id: 'air-3' }), [{ metric: 'pm25', value: 999, time: at(0) }]);
    expect(ops.map((o) => o.rule.id)).toEqual([rules[3]!.id]);
  });
});

describe('rule schedule', () => {
  const cst = (iso: string) => new Date(`${iso}+08:00`);
  it('reads days and hours in Asia/Shanghai', () => {
    const office = { days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' };
    expect(isScheduled(office, cst('2026-11-23T08:00:00'))).toBe(true); // Monday
    expect(isScheduled(office, cst('2026-11-23T17:59:00'))).toBe(true);
    expect(isScheduled(office, cst('2026-11-23T18:00:00'))).toBe(false);
    expect(isScheduled(office, cst('2026-11-22T12:00:00'))).toBe(false); // Sunday
    expect(isScheduled(null, cst('2026-11-22T12:00:00'))).toBe(true);
  });

  it('runs a window over midnight as part of the day it began', () => {
    const fridayNight = { days: [5], from: '22:00', to: '06:00' };
    expect(isScheduled(fridayNight, cst('2026-11-27T23:00:00'))).toBe(true); // Friday 23:00
    expect(isScheduled(fridayNight, cst('2026-11-28T05:59:00'))).toBe(true); // Saturday 05:59, Friday's window
    expect(isScheduled(fridayNight, cst('2026-11-28T23:00:00'))).toBe(false); // Saturday night
    expect(isScheduled(fridayNight, cst('2026-11-27T05:00:00'))).toBe(false); // Friday morning: Thursday's window
  });
});
