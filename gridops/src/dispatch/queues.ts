/** BullMQ queues and job names of grid operations, declared once. */
export const INCIDENT_TIMERS_QUEUE = 'incident-timers';

export const INCIDENT_TIMER_JOBS = {
  /** A supervision point (督办) of a timed step: 50 %, 80 % or 100 % of the way to its deadline. */
  stepDeadline: 'step-deadline',
  /** The assignee has not accepted in time: a backup gets it, then the shift lead is alerted. */
  acceptanceTimeout: 'acceptance-timeout',
} as const;
export type IncidentTimerJob = (typeof INCIDENT_TIMER_JOBS)[keyof typeof INCIDENT_TIMER_JOBS];

/** The timed steps of the loop: 核实, 派遣, 处置, 核查. */
export const TIMED_STEPS = ['verify', 'dispatch', 'handle', 'reinspect'] as const;
export type TimedStep = (typeof TIMED_STEPS)[number];

/** Warnings at half-time and 80 %; at 100 % the step is overdue (督办 at each). */
export const WARNING_PERCENTS = [50, 80, 100] as const;
export type WarningPercent = (typeof WARNING_PERCENTS)[number];

export interface StepDeadlineData {
  incidentId: string;
  step: TimedStep;
  /** The incident's step number when scheduled: the timer does nothing once the step has moved on. */
  seq: number;
  percent: WarningPercent;
  dueAt: string;
}

export interface AcceptanceTimeoutData {
  incidentId: string;
  seq: number;
  workerId: string;
}

export interface IncidentTimerData {
  [INCIDENT_TIMER_JOBS.stepDeadline]: StepDeadlineData;
  [INCIDENT_TIMER_JOBS.acceptanceTimeout]: AcceptanceTimeoutData;
}
