import { Bureau, SensorFamily, WarningColour } from '@gridhub/contracts';

/**
 * What a rule watches:
 * - `above` / `below`: a metric's value against a level;
 * - `rate_of_change`: how fast a metric moves, per minute or hour (e.g. a river rising 0.5 m/h);
 * - `no_data`: a device (or one of its metrics) silent for N minutes;
 * - `aqi_level`: the hourly AQI level (HJ 633-2012, 1–6) from the station's latest pollutant values;
 * - `water_class`: the single-factor water class (GB 3838-2002) worse than a target class.
 */
export const RULE_KINDS = ['above', 'below', 'rate_of_change', 'no_data', 'aqi_level', 'water_class'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const RULE_ACTIONS = ['notify', 'incident', 'both'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];
export const RATE_UNITS = ['minute', 'hour'] as const;
export type RateUnit = (typeof RATE_UNITS)[number];
export const RATE_DIRECTIONS = ['rise', 'fall', 'any'] as const;
export type RateDirection = (typeof RATE_DIRECTIONS)[number];

/** Active hours and days in Asia/Shanghai (UTC+8, no daylight saving). `from` > `to` spans midnight. */
export interface RuleSchedule {
  /** ISO weekdays, Monday = 1 … Sunday = 7; absent = every day. */
  days?: number[];
  /** "HH:MM", inclusive; absent = from midnight. */
  from?: string;
  /** "HH:MM", exclusive; absent = to midnight. */
  to?: string;
}

export interface RuleScope {
  /** Only this device. */
  deviceId?: string | null;
  /** Only devices in this grid or below it (a unit grid, community, street or district code). */
  gridCode?: string | null;
}

/** A rule as stored and as the API shows it. */
export interface Rule {
  id: number;
  name: string;
  nameEn: string | null;
  family: SensorFamily;
  /** The metric watched; null for AQI, water-class rules and a "no data at all" rule. */
  metric: string | null;
  kind: RuleKind;
  /**
   * The raise level: a value (above/below), a rate per `ratePer` (rate_of_change), minutes (no_data), an AQI
   * level 1–6 (aqi_level, raise at ≥), a class 1–5 the water must not be worse than (water_class; null = the
   * station's own target class).
   */
  threshold: number | null;
  /** Hysteresis: the level at which an active alert clears; null = the raise level. */
  clearThreshold: number | null;
  ratePer: RateUnit | null;
  rateDirection: RateDirection | null;
  /** Raise only once the condition has held continuously this long (0 = at once). */
  durationS: number;
  schedule: RuleSchedule | null;
  scope: RuleScope;
  severity: WarningColour;
  actions: RuleAction;
  notifyBureau: Bureau | null;
  /** Incident category created when the rule raises an alert and its actions include `incident`. */
  incidentCategory: string | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type RuleDefinition = Omit<Rule, 'id' | 'createdAt' | 'updatedAt'>;

/** The original threshold-only shape (still accepted by RuleRepository.insert). */
export interface ThresholdRule {
  id: number;
  name: string;
  family: SensorFamily;
  metric: string;
  operator: 'above' | 'below';
  threshold: number;
  severity: WarningColour;
  /** Incident category created when the rule raises an alert; null = alert only. */
  incidentCategory: string | null;
  enabled: boolean;
}

/**
 * What a rule is when it says nothing more: raise and clear at the same level, at once, everywhere, always,
 * notifying no bureau and filing no incident.
 */
export const RULE_DEFAULTS = {
  nameEn: null,
  metric: null,
  threshold: null,
  clearThreshold: null,
  ratePer: null,
  rateDirection: null,
  durationS: 0,
  schedule: null,
  scope: {},
  actions: 'notify',
  notifyBureau: null,
  incidentCategory: null,
  enabled: true,
} as const satisfies Partial<RuleDefinition>;

/** A threshold rule in the full shape: raise and clear at the same level, at once, everywhere, always. */
export function fromThresholdRule(rule: Omit<ThresholdRule, 'id'>): RuleDefinition {
  return {
    ...RULE_DEFAULTS,
    name: rule.name,
    family: rule.family,
    metric: rule.metric,
    kind: rule.operator,
    threshold: rule.threshold,
    severity: rule.severity,
    actions: rule.incidentCategory ? 'both' : 'notify',
    notifyBureau: rule.family === 'air' ? 'environment' : rule.family === 'water' ? 'water' : null,
    incidentCategory: rule.incidentCategory,
    enabled: rule.enabled,
  };
}

/** True when `value` breaches the rule: strictly above (or below) its threshold. */
export function breaches(rule: Pick<ThresholdRule, 'operator' | 'threshold'>, value: number): boolean {
  return rule.operator === 'above' ? value > rule.threshold : value < rule.threshold;
}

/** The bureau that watches a family by default. */
export function bureauOf(family: SensorFamily): Bureau | null {
  return family === 'air' ? 'environment' : family === 'water' ? 'water' : null;
}

export function createsIncident(rule: Pick<Rule, 'actions' | 'incidentCategory'>): boolean {
  return rule.actions !== 'notify' && rule.incidentCategory !== null;
}
