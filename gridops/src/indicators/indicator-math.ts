import { Grade, IndicatorCounts, IndicatorRates } from './indicator.types';

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

/** Grades used by city practice (../shared/domain/governance.md): A ≥ 90, B 75–90, C 60–75, D 40–60, E < 40. */
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
