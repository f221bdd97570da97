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
