import { SensorFamily } from '@gridhub/contracts';
import { isScheduled } from './rule-schedule';
import { Rule } from './rule.types';

/** What the engine needs to know about a device. */
export interface EngineDevice {
  id: string;
  family: SensorFamily;
  gridCode: string | null;
  attributes: Record<string, unknown>;
}

export interface EngineReading {
  metric: string;
  value: number;
  time: Date;
}

/** Values derived from a station's latest readings when a reading arrives. */
export interface DerivedIndices {
  /** Hourly AQI level 1–6 (HJ 633-2012). */
  aqiLevel?: { level: number; aqi: number } | null;
  /** Single-factor water class 1–6 (GB 3838-2002; 6 = worse than class V). */
  waterClass?: { klass: number } | null;
}

/** Durable evaluation state of one (rule, device). */
export interface RuleState {
  ruleId: number;
  deviceId: string;
  /** When the current, uninterrupted breach began (for "sustained for N minutes"); null = not breaching. */
  breachSince: Date | null;
  /** Previous value and time, for rates of change. */
  lastValue: number | null;
  lastTime: Date | null;
}

/**
 * What the engine decided: `breach` raises the (rule, device)'s alert or, if one is active, repeats it;
 * `clear` ends the active alert (the condition went back through the clear level, or data arrived again).
 */
export type RuleOp =
  | { type: 'breach'; rule: Rule; deviceId: string; value: number; at: Date }
  | { type: 'clear'; rule: Rule; deviceId: string; value: number | null; at: Date };

interface Bucket {
  all: Rule[];
  byDevice: Map<string, Rule[]>;
  byGrid: Map<string, Rule[]>;
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000 } as const;
const ROMAN: Record<string, number> = { I: 1, II: 2, III: 3, IV: 4, V: 5 };

/** The water class a station must meet: its `target_class` attribute (I–V). */
export function targetClassOf(device: EngineDevice): number | null {
  const target = device.attributes['target_class'];
  return typeof target === 'string' ? (ROMAN[target] ?? null) : null;
}

/**
 * Evaluates rules in memory: rules are indexed by (family, metric or kind) and scope (everywhere, a device, a
 * grid and everything below it), so a reading only meets the few rules that can apply to it. The engine keeps
 * the per-(rule, device) state and the set of active alerts and returns the state changes a batch causes;
 * it does no I/O and reads time only from the readings and the `now` it is given.
 */
export class RuleEngine {
  private buckets = new Map<string, Bucket>();
  private levelCache = new Map<number, Levels | null>();
  private rulesById = new Map<number, Rule>();
  private parents = new Map<string, string | null>();
  private ancestry = new Map<string, string[]>();
  /** Per (rule, device) state, by device then rule (no key strings on the hot path). */
  private readonly states = new Map<string, Map<number, RuleState>>();
  private readonly dirty = new Set<RuleState>();
  /** Active alerts: device → rules. */
  private readonly active = new Map<string, Set<number>>();
  /** Newest reading time per device and metric: older (late) readings do not drive rule state. */
  private readonly newest = new Map<string, Map<string, number>>();
  /** The rules that apply to a device, per bucket (rebuilt when the rules change or the device moves grid). */
  private candidateCache = new Map<string, { gridCode: string | null; byBucket: Map<string, Rule[]>; byMetric: Map<string, Rule[]> }>();

  /** Replaces the rule set (after CRUD) and the grid hierarchy used for grid scopes. */
  load(rules: Rule[], grids: { code: string; parentCode: string | null }[]): void {
    this.parents = new Map(grids.map((g) => [g.code, g.parentCode]));
    this.ancestry.clear();
    this.candidateCache = new Map();
    this.levelCache = new Map();
    this.buckets = new Map();
    this.rulesById = new Map();
    for (const rule of rules) {
      if (!rule.enabled) continue;
      this.rulesById.set(rule.id, rule);
      const bucketKey = bucketOf(rule);
      let bucket = this.buckets.get(bucketKey);
      if (!bucket) this.buckets.set(bucketKey, (bucket = { all: [], byDevice: new Map(), byGrid: new Map() }));
      if (rule.scope.deviceId) push(bucket.byDevice, rule.scope.deviceId, rule);
      else if (rule.scope.gridCode) push(bucket.byGrid, rule.scope.gridCode, rule);
      else bucket.all.push(rule);
    }
    for (const byRule of this.states.values()) {
      for (const ruleId of [...byRule.keys()]) if (!this.rulesById.has(ruleId)) byRule.delete(ruleId);
    }
  }

  /** Replaces the grid hierarchy only (grids edited since the rules were loaded). */
  loadGrids(grids: { code: string; parentCode: string | null }[]): void {
    const next = new Map(grids.map((g) => [g.code, g.parentCode]));
    if (next.size === this.parents.size && [...next].every(([code, parent]) => this.parents.get(code) === parent)) return;
    this.parents = next;
    this.ancestry.clear();
    this.candidateCache = new Map();
  }

  get ruleCount(): number {
    return this.rulesById.size;
  }

  rule(id: number): Rule | undefined {
    return this.rulesById.get(id);
  }

  restoreStates(states: RuleState[]): void {
    for (const s of states) this.byDevice(this.states, s.deviceId).set(s.ruleId, { ...s });
  }

  restoreActive(keys: { ruleId: number; deviceId: string }[]): void {
    this.active.clear();
    for (const k of keys) this.setActive(k.ruleId, k.deviceId, true);
  }

  /** A changed rule starts again: its breach starts and previous values are forgotten (its active alerts stay). */
  resetStates(ruleId: number): void {
    for (const byRule of this.states.values()) byRule.delete(ruleId);
    for (const state of this.dirty) if (state.ruleId === ruleId) this.dirty.delete(state);
  }

  /** The alert of (rule, device) was cleared elsewhere (by a person): a breach now is a new situation. */
  forget(ruleId: number, deviceId: string): void {
    this.setActive(ruleId, deviceId, false);
    this.resetBreach(ruleId, deviceId);
  }

  isActive(ruleId: number, deviceId: string): boolean {
    return this.active.get(deviceId)?.has(ruleId) ?? false;
  }

  /** States changed since the last call (to be written durably). */
  takeDirtyStates(): RuleState[] {
    const out: RuleState[] = [];
    for (const s of this.dirty) out.push({ ...s });
    this.dirty.clear();
    return out;
  }

  /** Whether a reading of this device needs its AQI level or water class computed. */
  needsAqi(device: EngineDevice): boolean {
    return this.candidates(`aqi|${device.family}`, device).length > 0;
  }

  needsWaterClass(device: EngineDevice): boolean {
    return this.candidates(`wc|${device.family}`, device).length > 0;
  }

  /** Families with "no data" rules (the silence sweep only looks at these). */
  silenceFamilies(): SensorFamily[] {
    return [...this.buckets.keys()].filter((k) => k.startsWith('nd|')).map((k) => k.slice(3) as SensorFamily);
  }

  /** Evaluates one device's readings (any order; applied oldest first) and the indices derived from them. */
  evaluate(device: EngineDevice, readings: EngineReading[], derived: DerivedIndices = {}): RuleOp[] {
    const ops: RuleOp[] = [];
    const sorted = readings.length > 1 ? [...readings].sort((a, b) => a.time.getTime() - b.time.getTime()) : readings;
    let latest: Date | null = null;
    const silenceRules = this.candidates(`nd|${device.family}`, device);
    for (const reading of sorted) {
      const t = reading.time.getTime();
      let newestOf = this.newest.get(device.id);
      if (!newestOf) this.newest.set(device.id, (newestOf = new Map()));
      const newest = newestOf.get(reading.metric);
      if (newest !== undefined && t < newest) continue;
      newestOf.set(reading.metric, t);
      if (!latest || t > latest.getTime()) latest = reading.time;
      for (const rule of this.metricCandidates(device, reading.metric)) {
        this.step(rule, device, reading.value, reading.time, ops);
      }
      // Data arrived: a "no data" alert for this metric (or for the device as a whole) ends.
      for (const rule of silenceRules) {
        if (rule.metric === null || rule.metric === reading.metric) this.endSilence(rule, device, reading.time, ops);
      }
    }
    if (latest) {
      if (derived.aqiLevel) {
        for (const rule of this.candidates(`aqi|${device.family}`, device)) this.step(rule, device, derived.aqiLevel.level, latest, ops);
      }
      if (derived.waterClass) {
        for (const rule of this.candidates(`wc|${device.family}`, device)) this.step(rule, device, derived.waterClass.klass, latest, ops);
      }
    }
    return ops;
  }

  /**
   * "No data for N minutes": a device whose newest reading (of the rule's metric, or of any metric) is older
   * than N minutes at `now`, or that never reported since `since`, breaches.
   */
  evaluateSilence(now: Date, devices: { device: EngineDevice; lastTimes: Record<string, Date>; since: Date }[]): RuleOp[] {
    const ops: RuleOp[] = [];
    for (const { device, lastTimes, since } of devices) {
      for (const rule of this.candidates(`nd|${device.family}`, device)) {
        const times = rule.metric === null ? Object.values(lastTimes) : lastTimes[rule.metric] ? [lastTimes[rule.metric]!] : [];
        const last = times.length > 0 ? Math.max(...times.map((d) => d.getTime())) : since.getTime();
        const silentMin = (now.getTime() - last) / 60_000;
        if (silentMin >= (rule.threshold ?? 0) && isScheduled(rule.schedule, now) && !this.isActive(rule.id, device.id)) {
          this.setActive(rule.id, device.id, true);
          ops.push({ type: 'breach', rule, deviceId: device.id, value: Math.floor(silentMin), at: now });
        }
      }
    }
    return ops;
  }

  private endSilence(rule: Rule, device: EngineDevice, at: Date, ops: RuleOp[]): void {
    if (!this.setActive(rule.id, device.id, false)) return;
    ops.push({ type: 'clear', rule, deviceId: device.id, value: null, at });
  }

  /** One observation of the watched quantity for (rule, device). */
  private step(rule: Rule, device: EngineDevice, observed: number, at: Date, ops: RuleOp[]): void {
    let value = observed;
    if (rule.kind === 'rate_of_change') {
      const state = this.state(rule.id, device.id);
      const { lastValue, lastTime } = state;
      if (lastTime && at.getTime() <= lastTime.getTime()) return;
      // The previous value is kept in memory and saved with the breach start only: saving it on every reading
      // would cost a write per reading, and a restart loses one interval of rate history at most.
      state.lastValue = observed;
      state.lastTime = at;
      if (lastValue === null || !lastTime) return;
      const rate = (observed - lastValue) / ((at.getTime() - lastTime.getTime()) / UNIT_MS[rule.ratePer ?? 'hour']);
      value = rule.rateDirection === 'fall' ? -rate : rule.rateDirection === 'any' ? Math.abs(rate) : rate;
    }
    const levels = this.levels(rule, device);
    if (!levels) return;
    const breaching = levels.up ? (levels.inclusive ? value >= levels.raise : value > levels.raise) : value < levels.raise;
    const active = this.isActive(rule.id, device.id);
    if (active) {
      if (levels.up ? value <= levels.clear : value >= levels.clear) {
        this.setActive(rule.id, device.id, false);
        this.resetBreach(rule.id, device.id);
        ops.push({ type: 'clear', rule, deviceId: device.id, value: observed, at });
      } else if (breaching) {
        ops.push({ type: 'breach', rule, deviceId: device.id, value: observed, at });
      }
      return;
    }
    if (!breaching || !isScheduled(rule.schedule, at)) {
      // "Sustained" means uninterrupted: any reading that is not a breach starts the count again.
      if (rule.durationS > 0) this.resetBreach(rule.id, device.id);
      return;
    }
    if (rule.durationS > 0) {
      const state = this.state(rule.id, device.id);
      if (!state.breachSince) {
        state.breachSince = at;
        this.dirty.add(state);
      }
      if (at.getTime() - state.breachSince.getTime() < rule.durationS * 1000) return;
    }
    this.setActive(rule.id, device.id, true);
    ops.push({ type: 'breach', rule, deviceId: device.id, value: observed, at });
  }

  private resetBreach(ruleId: number, deviceId: string): void {
    const state = this.states.get(deviceId)?.get(ruleId);
    if (state?.breachSince) {
      state.breachSince = null;
      this.dirty.add(state);
    }
  }

  /** Marks (rule, device) active or not; returns whether that changed anything. */
  private setActive(ruleId: number, deviceId: string, on: boolean): boolean {
    if (on) {
      const rules = this.byDevice(this.active, deviceId, () => new Set<number>());
      if (rules.has(ruleId)) return false;
      rules.add(ruleId);
      return true;
    }
    return this.active.get(deviceId)?.delete(ruleId) ?? false;
  }

  private byDevice<T>(map: Map<string, T>, deviceId: string, make: () => T = () => new Map() as T): T {
    let value = map.get(deviceId);
    if (value === undefined) map.set(deviceId, (value = make()));
    return value;
  }

  /**
   * The raise and clear levels of a rule for a device (null when the rule cannot apply to it). `up` rules raise
   * above (or at, `inclusive`) the raise level and clear at or below the clear level; the others the reverse.
   */
  private levels(rule: Rule, device: EngineDevice): Levels | null {
    if (rule.kind === 'water_class') {
      // GB 3838-2002: a larger class number is worse water; the target may be the station's own.
      const target = rule.threshold ?? targetClassOf(device);
      if (target === null) return null;
      return { up: true, inclusive: false, raise: target, clear: rule.clearThreshold ?? target };
    }
    let levels = this.levelCache.get(rule.id);
    if (levels === undefined) {
      levels = compileLevels(rule);
      this.levelCache.set(rule.id, levels);
    }
    return levels;
  }

  private state(ruleId: number, deviceId: string): RuleState {
    const byRule = this.byDevice(this.states, deviceId);
    let state = byRule.get(ruleId);
    if (!state) byRule.set(ruleId, (state = { ruleId, deviceId, breachSince: null, lastValue: null, lastTime: null }));
    return state;
  }

  private candidates(bucketKey: string, device: EngineDevice): Rule[] {
    const cached = this.cacheOf(device);
    let rules = cached.byBucket.get(bucketKey);
    if (!rules) cached.byBucket.set(bucketKey, (rules = this.match(bucketKey, device)));
    return rules;
  }

  /** The metric rules of a device (the hot path: no key string built per reading). */
  private metricCandidates(device: EngineDevice, metric: string): Rule[] {
    const cached = this.cacheOf(device);
    let rules = cached.byMetric.get(metric);
    if (!rules) cached.byMetric.set(metric, (rules = this.match(`m|${device.family}|${metric}`, device)));
    return rules;
  }

  private cacheOf(device: EngineDevice) {
    let cached = this.candidateCache.get(device.id);
    if (!cached || cached.gridCode !== device.gridCode) {
      this.candidateCache.set(device.id, (cached = { gridCode: device.gridCode, byBucket: new Map(), byMetric: new Map() }));
    }
    return cached;
  }

  private match(bucketKey: string, device: EngineDevice): Rule[] {
    const bucket = this.buckets.get(bucketKey);
    if (!bucket) return [];
    const chain = this.ancestorsOf(device.gridCode);
    const out = [...bucket.all];
    for (const rule of bucket.byDevice.get(device.id) ?? []) {
      // A device-scoped rule that also names a grid applies only inside it.
      if (!rule.scope.gridCode || chain.includes(rule.scope.gridCode)) out.push(rule);
    }
    for (const code of chain) out.push(...(bucket.byGrid.get(code) ?? []));
    return out;
  }

  /** The grid itself and every area above it (table grids: code → parent_code). */
  private ancestorsOf(gridCode: string | null): string[] {
    if (!gridCode) return [];
    let chain = this.ancestry.get(gridCode);
    if (!chain) {
      chain = [];
      const seen = new Set<string>();
      for (let code: string | null | undefined = gridCode; code && !seen.has(code); code = this.parents.get(code)) {
        seen.add(code);
        chain.push(code);
      }
      this.ancestry.set(gridCode, chain);
    }
    return chain;
  }
}

interface Levels {
  up: boolean;
  inclusive: boolean;
  raise: number;
  clear: number;
}

function compileLevels(rule: Rule): Levels | null {
  const raise = rule.threshold!;
  switch (rule.kind) {
    case 'above':
    case 'rate_of_change':
      return { up: true, inclusive: false, raise, clear: rule.clearThreshold ?? raise };
    case 'below':
      return { up: false, inclusive: false, raise, clear: rule.clearThreshold ?? raise };
    case 'aqi_level':
      // HJ 633-2012 levels: raise at level ≥ N; clear at level ≤ the clear level (default N − 1).
      return { up: true, inclusive: true, raise, clear: rule.clearThreshold ?? raise - 1 };
    default:
      return null;
  }
}

function bucketOf(rule: Rule): string {
  switch (rule.kind) {
    case 'aqi_level':
      return `aqi|${rule.family}`;
    case 'water_class':
      return `wc|${rule.family}`;
    case 'no_data':
      return `nd|${rule.family}`;
    default:
      return `m|${rule.family}|${rule.metric}`;
  }
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}
