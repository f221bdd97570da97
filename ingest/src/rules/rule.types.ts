import { SensorFamily } from '../contracts/families';

export const WARNING_COLOURS = ['blue', 'yellow', 'orange', 'red'] as const;
export type WarningColour = (typeof WARNING_COLOURS)[number];

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

/** True when `value` breaches the rule: strictly above (or below) its threshold. */
export function breaches(rule: Pick<ThresholdRule, 'operator' | 'threshold'>, value: number): boolean {
  return rule.operator === 'above' ? value > rule.threshold : value < rule.threshold;
}
