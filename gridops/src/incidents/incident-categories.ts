import { Priority } from './incident-status';

export interface IncidentCategory {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Handling time limit from dispatch, in hours (set by each city; CJ/T 315 gives the framework). */
  handlingHours: Record<Priority, number>;
}

const limits = (urgent: number, high: number, normal: number, low: number): Record<Priority, number> => ({
  urgent,
  high,
  normal,
  low,
});

/** Demo-city defaults (local practice, configurable later per city). */
export const INCIDENT_CATEGORIES: readonly IncidentCategory[] = [
  { code: 'air_pollution', nameZh: '大气污染', nameEn: 'Air pollution', handlingHours: limits(2, 4, 24, 72) },
  { code: 'water_pollution', nameZh: '水体污染', nameEn: 'Water pollution', handlingHours: limits(2, 4, 24, 72) },
  { code: 'flood_warning', nameZh: '水位超警', nameEn: 'Water level warning', handlingHours: limits(1, 2, 12, 24) },
];

export function categoryOf(code: string): IncidentCategory | undefined {
  return INCIDENT_CATEGORIES.find((c) => c.code === code);
}
