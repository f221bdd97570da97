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
