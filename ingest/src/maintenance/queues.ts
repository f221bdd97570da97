/** The ingest maintenance queue and its jobs, declared once. */
export const INGEST_MAINTENANCE_QUEUE = 'ingest-maintenance';

export const MAINTENANCE_JOBS = {
  livenessSweep: 'liveness-sweep',
  rollup: 'rollup',
  retention: 'retention',
} as const;
export type MaintenanceJob = (typeof MAINTENANCE_JOBS)[keyof typeof MAINTENANCE_JOBS];
