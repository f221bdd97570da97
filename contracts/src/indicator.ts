/** Performance indicators of the closed loop (综合评价): counts, rates, score and grade (docs/domain/governance.md). */
export const INDICATOR_SCOPES = ['grid', 'community', 'street', 'district', 'department', 'worker'] as const;
export type IndicatorScope = (typeof INDICATOR_SCOPES)[number];

/** Code length of the unit of each area scope (a prefix of the unit grid's code). */
export const SCOPE_CODE_LENGTH: Readonly<Record<'grid' | 'community' | 'street' | 'district', number>> = {
  district: 6,
  street: 9,
  community: 12,
  grid: 15,
};

/** Counts over the incidents reported in the period, for one unit of the scope. */
export interface IndicatorCounts {
  reported: number;
  voided: number;
  filed: number;
  verified: number;
  verifiedOnTime: number;
  dispatched: number;
  dispatchedOnTime: number;
  dueToClose: number;
  closed: number;
  closedOnTime: number;
  reworked: number;
  extended: number;
  reinspected: number;
  reinspectedOnTime: number;
  overdue: number;
  publicFound: number;
  /** Mean minutes from dispatch to acceptance (响应) and from dispatch to handled (处置), or null. */
  meanResponseMinutes: number | null;
  meanHandlingMinutes: number | null;
}

export interface IndicatorRates {
  /** 结案率 = closed / due to close. */
  closureRate: number | null;
  /** 按期结案率 = closed on time / due to close. */
  onTimeClosureRate: number | null;
  /** 返工率 = reworked / dispatched. */
  reworkRate: number | null;
  /** 延期率 = extended / dispatched. */
  extensionRate: number | null;
  /** 按时派遣率 = dispatched by the dispatch deadline / dispatched. */
  onTimeDispatchRate: number | null;
  /** 准确派遣率 = (dispatched − reworked) / dispatched. */
  accurateDispatchRate: number | null;
  /** 按时核实率 = verified by the verification deadline / verified. */
  onTimeVerificationRate: number | null;
  /** 按时核查率 = re-inspected by the re-inspection deadline / re-inspected. */
  onTimeReinspectionRate: number | null;
  /** 有效上报率 = filed / (filed + voided). */
  validReportRate: number | null;
  /** 漏报率 = filed from public or 12345 reports / filed. */
  missedReportRate: number | null;
}

export const GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type Grade = (typeof GRADES)[number];

export interface IndicatorRow {
  scope: IndicatorScope;
  code: string;
  name: string | null;
  counts: IndicatorCounts;
  /** Percentages with two decimals (75.82 means 75.82 %); null when the denominator is 0. */
  rates: IndicatorRates;
  /** The score graded: 按期结案率 (the headline figure of city rankings), 0–100. */
  score: number | null;
  grade: Grade | null;
}

export interface IndicatorReport {
  scope: IndicatorScope;
  code: string | null;
  from: string;
  to: string;
  /** The time "due to close" is judged at: the end of the period, or now if that is earlier. */
  asOf: string;
  rows: IndicatorRow[];
  /** All the rows together. */
  total: IndicatorRow;
}

/** A percentage with two decimals, or null when there is nothing to divide by (737/972 → 75.82). */
export function percent(numerator: number, denominator: number): number | null {
  if (denominator <= 0) return null;
  return Math.round((numerator / denominator) * 10_000) / 100;
}

export function ratesOf(c: IndicatorCounts): IndicatorRates {
  return {
    closureRate: percent(c.closed, c.dueToClose),
    onTimeClosureRate: percent(c.closedOnTime, c.dueToClose),
    reworkRate: percent(c.reworked, c.dispatched),
    extensionRate: percent(c.extended, c.dispatched),
    onTimeDispatchRate: percent(c.dispatchedOnTime, c.dispatched),
    accurateDispatchRate: percent(c.dispatched - c.reworked, c.dispatched),
    onTimeVerificationRate: percent(c.verifiedOnTime, c.verified),
    onTimeReinspectionRate: percent(c.reinspectedOnTime, c.reinspected),
    validReportRate: percent(c.filed, c.filed + c.voided),
    missedReportRate: percent(c.publicFound, c.filed),
  };
}

/** Grades used by city practice (docs/domain/governance.md): A ≥ 90, B 75–90, C 60–75, D 40–60, E < 40. */
export function gradeOf(score: number | null): Grade | null {
  if (score === null) return null;
  if (score >= 90) return 'A';
  if (score >= 75) return 'B';
  if (score >= 60) return 'C';
  if (score >= 40) return 'D';
  return 'E';
}

const COUNT_KEYS = [
  'reported',
  'voided',
  'filed',
  'verified',
  'verifiedOnTime',
  'dispatched',
  'dispatchedOnTime',
  'dueToClose',
  'closed',
  'closedOnTime',
  'reworked',
  'extended',
  'reinspected',
  'reinspectedOnTime',
  'overdue',
  'publicFound',
] as const;

/** Sums counts; mean times are weighted by the incidents they average over. */
export function sumCounts(rows: readonly (IndicatorCounts & { responded?: number; handled?: number })[]): IndicatorCounts {
  const total = Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as unknown as IndicatorCounts;
  let responseWeight = 0;
  let responseSum = 0;
  let handlingWeight = 0;
  let handlingSum = 0;
  for (const row of rows) {
    for (const k of COUNT_KEYS) total[k] += row[k];
    if (row.meanResponseMinutes !== null && row.responded) {
      responseSum += row.meanResponseMinutes * row.responded;
      responseWeight += row.responded;
    }
    if (row.meanHandlingMinutes !== null && row.handled) {
      handlingSum += row.meanHandlingMinutes * row.handled;
      handlingWeight += row.handled;
    }
  }
  total.meanResponseMinutes = responseWeight > 0 ? Math.round((responseSum / responseWeight) * 10) / 10 : null;
  total.meanHandlingMinutes = handlingWeight > 0 ? Math.round((handlingSum / handlingWeight) * 10) / 10 : null;
  return total;
}

// ---------------------------------------------------------------------------------------------------------------
// Role indicators (GB/T 30428.4 style): each role's measures, a weighted composite score and its grade.

/** Whose work a role indicator judges: supervisors (监督员), intake (受理), dispatch (派遣), departments (处置), areas. */
export const INDICATOR_ROLES = ['supervisor', 'intake', 'dispatch', 'department', 'area'] as const;
export type IndicatorRole = (typeof INDICATOR_ROLES)[number];

/** Periods a role report is split into (China calendar, UTC+8). */
export const INDICATOR_PERIODS = ['day', 'month', 'quarter'] as const;
export type IndicatorPeriod = (typeof INDICATOR_PERIODS)[number];

/** One measure of a role: numerator / denominator as a percentage; `lower` measures count (100 − rate) in the score. */
export interface RoleMeasure {
  key: string;
  zh: string;
  en: string;
  numerator: string;
  denominator: string;
  better: 'higher' | 'lower';
  /** Weight in the composite score (the weights of a role add up to 100). */
  weight: number;
}

/**
 * The measures and weights of every role, in one place (docs/domain/indicators.md). Change a weight here; the
 * server, the CSV and the console follow.
 */
export const ROLE_MEASURES: Readonly<Record<IndicatorRole, readonly RoleMeasure[]>> = {
  supervisor: [
    { key: 'validReportRate', zh: '有效上报率', en: 'valid report rate', numerator: 'reportsValid', denominator: 'reportsJudged', better: 'higher', weight: 30 },
    { key: 'onTimeVerificationRate', zh: '按时核实率', en: 'on-time verification rate', numerator: 'verifiedOnTime', denominator: 'verified', better: 'higher', weight: 25 },
    { key: 'onTimeReinspectionRate', zh: '按时核查率', en: 'on-time re-inspection rate', numerator: 'reinspectedOnTime', denominator: 'reinspected', better: 'higher', weight: 25 },
    { key: 'missedReportRate', zh: '漏报率', en: 'missed-report rate', numerator: 'missed', denominator: 'gridFiled', better: 'lower', weight: 20 },
  ],
  intake: [
    { key: 'onTimeIntakeRate', zh: '按时受理率', en: 'on-time intake rate', numerator: 'takenOnTime', denominator: 'toTake', better: 'higher', weight: 100 },
  ],
  dispatch: [
    { key: 'accurateDispatchRate', zh: '准确派遣率', en: 'accurate dispatch rate', numerator: 'dispatchedAccurately', denominator: 'dispatched', better: 'higher', weight: 50 },
    { key: 'onTimeDispatchRate', zh: '按时派遣率', en: 'on-time dispatch rate', numerator: 'dispatchedOnTime', denominator: 'dispatched', better: 'higher', weight: 50 },
  ],
  department: [
    { key: 'handlingRate', zh: '处置率', en: 'handling rate', numerator: 'handled', denominator: 'dueToHandle', better: 'higher', weight: 30 },
    { key: 'onTimeHandlingRate', zh: '按时处置率', en: 'on-time handling rate', numerator: 'handledOnTime', denominator: 'dueToHandle', better: 'higher', weight: 50 },
    { key: 'reworkRate', zh: '返工率', en: 'rework rate', numerator: 'reworked', denominator: 'handled', better: 'lower', weight: 20 },
  ],
  area: [
    { key: 'closureRate', zh: '结案率', en: 'closure rate', numerator: 'closed', denominator: 'dueToClose', better: 'higher', weight: 30 },
    { key: 'onTimeClosureRate', zh: '按期结案率', en: 'on-time closure rate', numerator: 'closedOnTime', denominator: 'dueToClose', better: 'higher', weight: 40 },
    { key: 'reworkRate', zh: '返工率', en: 'rework rate', numerator: 'reworked', denominator: 'dispatched', better: 'lower', weight: 15 },
    { key: 'missedReportRate', zh: '漏报率', en: 'missed-report rate', numerator: 'publicFound', denominator: 'filed', better: 'lower', weight: 15 },
  ],
};

/** Each measure of the role as a percentage with two decimals, null without a denominator. */
export function roleRates(role: IndicatorRole, counts: Readonly<Record<string, number>>): Record<string, number | null> {
  return Object.fromEntries(ROLE_MEASURES[role].map((m) => [m.key, percent(counts[m.numerator] ?? 0, counts[m.denominator] ?? 0)]));
}

/**
 * The weighted composite score, 0–100 with two decimals: Σ wᵢ·sᵢ / Σ wᵢ over the measures that have a value,
 * where sᵢ is the rate, or 100 − rate for a measure where lower is better. A measure without a denominator drops
 * out (its weight with it); null when none has a value.
 */
export function compositeScore(measures: readonly RoleMeasure[], rates: Readonly<Record<string, number | null>>): number | null {
  let sum = 0;
  let weight = 0;
  for (const m of measures) {
    const rate = rates[m.key];
    if (rate === null || rate === undefined || m.weight <= 0) continue;
    sum += m.weight * (m.better === 'lower' ? 100 - rate : rate);
    weight += m.weight;
  }
  return weight > 0 ? Math.round((sum / weight) * 100) / 100 : null;
}

/** The measures, rates, score and grade of one unit of a role. */
export function roleScore(role: IndicatorRole, counts: Readonly<Record<string, number>>): { rates: Record<string, number | null>; score: number | null; grade: Grade | null } {
  const rates = roleRates(role, counts);
  const score = compositeScore(ROLE_MEASURES[role], rates);
  return { rates, score, grade: gradeOf(score) };
}

const CST_MS = 8 * 3600_000;

/** The first instant (UTC) of the China-calendar day, month or quarter containing `at`. */
export function periodStart(at: Date, period: IndicatorPeriod): Date {
  const cst = new Date(at.getTime() + CST_MS);
  const y = cst.getUTCFullYear();
  const m = cst.getUTCMonth();
  const start =
    period === 'day' ? Date.UTC(y, m, cst.getUTCDate()) : period === 'month' ? Date.UTC(y, m, 1) : Date.UTC(y, m - (m % 3), 1);
  return new Date(start - CST_MS);
}

/** The first instant of the next period after the one starting at `start`. */
export function nextPeriod(start: Date, period: IndicatorPeriod): Date {
  const cst = new Date(start.getTime() + CST_MS);
  const y = cst.getUTCFullYear();
  const m = cst.getUTCMonth();
  const d = cst.getUTCDate();
  const next = period === 'day' ? Date.UTC(y, m, d + 1) : Date.UTC(y, m + (period === 'month' ? 1 : 3), 1);
  return new Date(next - CST_MS);
}

/** How a period is named: 2026-12-06, 2026-12, 2026-Q4 (China calendar). */
export function periodLabel(start: Date, period: IndicatorPeriod): string {
  const cst = new Date(start.getTime() + CST_MS).toISOString();
  if (period === 'day') return cst.slice(0, 10);
  if (period === 'month') return cst.slice(0, 7);
  return `${cst.slice(0, 4)}-Q${Math.ceil(Number(cst.slice(5, 7)) / 3)}`;
}

/** One unit of a role in one period. */
export interface RoleIndicatorRow {
  period: string;
  periodStart: string;
  code: string;
  name: string | null;
  counts: Record<string, number>;
  rates: Record<string, number | null>;
  score: number | null;
  grade: Grade | null;
}

export interface RoleIndicatorReport {
  role: IndicatorRole;
  period: IndicatorPeriod;
  from: string;
  to: string;
  asOf: string;
  measures: readonly RoleMeasure[];
  rows: RoleIndicatorRow[];
}
