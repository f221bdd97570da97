import { addTime, timeBetween, WorkingCalendar } from '@gridhub/contracts';
import { Incident } from '../incidents/incident.types';
import { TimedStep, WARNING_PERCENTS, WarningPercent } from './queues';

/** A timer the incident's current state calls for. `id` is its BullMQ job id (deterministic: added once). */
export type TimerSpec =
  | { id: string; kind: 'step'; incidentId: string; step: TimedStep; seq: number; percent: WarningPercent; at: Date; dueAt: Date }
  | { id: string; kind: 'accept'; incidentId: string; seq: number; workerId: string; at: Date };

export const stepTimerId = (incidentId: string, step: TimedStep, seq: number, percent: number) => `step-${step}-${incidentId}-${seq}-${percent}`;
export const acceptTimerId = (incidentId: string, seq: number) => `accept-${incidentId}-${seq}`;

type Timing = Pick<
  Incident,
  | 'id'
  | 'status'
  | 'stepSeq'
  | 'stepStartedAt'
  | 'verifyDueAt'
  | 'verifiedAt'
  | 'dispatchDueAt'
  | 'dueAt'
  | 'acceptDueAt'
  | 'assigneeWorkerId'
  | 'reinspectDueAt'
  | 'reinspectionPassed'
> &
  Partial<Pick<Incident, 'stepBasis' | 'suspendedAt'>>;

/** The timed step an incident is in (null: none running, or its clock stopped), with its deadline. */
export function currentStep(i: Timing): { step: TimedStep; dueAt: Date } | null {
  if (i.suspendedAt) return null;
  switch (i.status) {
    case 'verifying':
      return i.verifiedAt || !i.verifyDueAt ? null : { step: 'verify', dueAt: i.verifyDueAt };
    case 'filed':
      return i.dispatchDueAt ? { step: 'dispatch', dueAt: i.dispatchDueAt } : null;
    case 'dispatched':
    case 'accepted':
    case 'in_progress':
      return i.dueAt ? { step: 'handle', dueAt: i.dueAt } : null;
    case 'reinspecting':
      return i.reinspectionPassed || !i.reinspectDueAt ? null : { step: 'reinspect', dueAt: i.reinspectDueAt };
    default:
      return null;
  }
}

/**
 * Every timer the incident's state calls for: the supervision points of its current step (a point already
 * in the past is left out, except the deadline itself) and, while it waits for acceptance, the acceptance
 * timeout. The points divide the step's time on its basis: 50 % of eight working hours is four working hours
 * in (docs/working-time.md). Comparing the plans before and after a change gives the timers to cancel and add.
 */
export function timerPlan(i: Timing, now: Date, calendar: WorkingCalendar): TimerSpec[] {
  const plan: TimerSpec[] = [];
  const step = currentStep(i);
  if (step) {
    const basis = i.stepBasis ?? 'natural';
    const start = i.stepStartedAt ?? now;
    const span = Math.max(0, timeBetween(start, step.dueAt, basis, calendar));
    for (const percent of WARNING_PERCENTS) {
      const at = percent === 100 ? step.dueAt : addTime(start, (span * percent) / 100, basis, calendar);
      if (percent < 100 && at.getTime() <= now.getTime()) continue;
      plan.push({ id: stepTimerId(i.id, step.step, i.stepSeq, percent), kind: 'step', incidentId: i.id, step: step.step, seq: i.stepSeq, percent, at, dueAt: step.dueAt });
    }
  }
  if (i.status === 'dispatched' && i.acceptDueAt && i.assigneeWorkerId && !i.suspendedAt) {
    plan.push({ id: acceptTimerId(i.id, i.stepSeq), kind: 'accept', incidentId: i.id, seq: i.stepSeq, workerId: i.assigneeWorkerId, at: i.acceptDueAt });
  }
  return plan;
}

/** Timers to cancel (in `before` only) and to schedule (in `after` only). */
export function timerChanges(before: TimerSpec[], after: TimerSpec[]): { cancel: TimerSpec[]; schedule: TimerSpec[] } {
  const afterIds = new Set(after.map((t) => t.id));
  const beforeIds = new Set(before.map((t) => t.id));
  return { cancel: before.filter((t) => !afterIds.has(t.id)), schedule: after.filter((t) => !beforeIds.has(t.id)) };
}
