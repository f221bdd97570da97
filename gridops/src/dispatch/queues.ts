/** BullMQ queues and job names of grid operations, declared once. */
export const INCIDENT_TIMERS_QUEUE = 'incident-timers';

export const INCIDENT_TIMER_JOBS = {
  handlingDeadline: 'handling-deadline',
} as const;
export type IncidentTimerJob = (typeof INCIDENT_TIMER_JOBS)[keyof typeof INCIDENT_TIMER_JOBS];

export interface HandlingDeadlineData {
  incidentId: string;
}
