/** The ingest maintenance queue and its jobs, declared once. */
export const INGEST_MAINTENANCE_QUEUE = 'ingest-maintenance';

export const MAINTENANCE_JOBS = {
  livenessSweep: 'liveness-sweep',
  rollup: 'rollup',
  retention: 'retention',
  /** "No data" rules checked and stale video alerts expired (was a per-hub setInterval in the rules service). */
  silenceSweep: 'silence-sweep',
} as const;
export type MaintenanceJob = (typeof MAINTENANCE_JOBS)[keyof typeof MAINTENANCE_JOBS];
