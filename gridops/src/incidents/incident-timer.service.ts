import { Injectable } from '@nestjs/common';
import { ASSIGNED_STATUSES } from '@gridhub/contracts';
import { DispatchService } from '../dispatch/dispatch.service';
import { TaskNotice } from '../dispatch/incident-notifier';
import { AcceptanceTimeoutData, StepDeadlineData } from '../dispatch/queues';
import { IncidentCategory } from './incident-categories';
import { IncidentCategoryService } from './incident-category.service';
import { Plan } from './incident-plan';
import { dispatchPlan, SYSTEM } from './incident-transition';
import { IncidentRepository } from './incident.repository';
import { IncidentService } from './incident.service';
import { Incident } from './incident.types';
import { StepClock } from './step-clock';

type TimedStep = StepDeadlineData['step'];

/**
 * The incident timers' handlers (BullMQ jobs of `incident-timers`, see dispatch/timer-plan.ts for which the state
 * calls for): supervision points of a step (督办) and the acceptance timeout. Each decides under the row lock
 * (IncidentService.change) and does nothing when the step has moved on; a retried job writes nothing twice.
 */
@Injectable()
export class IncidentTimerService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly changes: IncidentService,
    private readonly categories: IncidentCategoryService,
    private readonly dispatcher: DispatchService,
    private readonly steps: StepClock,
  ) {}

  /**
   * A supervision point of a step (督办): at 50 % and 80 % a warning on the trail; at 100 % the step is
   * overdue (the handling step marks the incident overdue). Does nothing when the step has moved on.
   * Returns whether it wrote anything (a retried job writes nothing twice: the entry has the timer's key).
   */
  async onStepDeadline(data: StepDeadlineData): Promise<boolean> {
    const incident = await this.incidents.find(data.incidentId);
    if (!incident) return false;
    const { changed } = await this.changes.change(incident, (i, now) => stepDeadlinePlan(i, data, now));
    return changed;
  }

  /**
   * The assignee did not accept in time: the task goes to a backup (the next candidate not yet tried); when
   * that one does not accept either, or there is none, the shift lead is alerted (escalation).
   */
  async onAcceptanceTimeout(data: AcceptanceTimeoutData): Promise<boolean> {
    const incident = await this.incidents.find(data.incidentId);
    if (!incident || incident.stepSeq !== data.seq || incident.status !== 'dispatched') return false;
    const category = await this.categories.resolve(incident.category);
    const tried = await this.dispatcher.triedWorkers(incident.id);
    const backup = tried.length <= 1 ? await this.dispatcher.choose(incident, category, [...tried, incident.assigneeWorkerId ?? '']) : null;
    const { changed } = await this.changes.change(incident, (i, now) => acceptanceTimeoutPlan(i, data, category, backup, tried, now, this.steps));
    return changed;
  }
}

/** What a supervision point writes on the incident as locked (null: nothing, the step has moved on or is stopped). */
export function stepDeadlinePlan(i: Incident, data: StepDeadlineData, now: Date): Plan | null {
  if (i.stepSeq !== data.seq || !inStep(i, data.step)) return null;
  // A stopped clock (挂账) neither warns nor runs overdue.
  if (i.suspendedAt) return null;
  const overdue = data.step === 'handle' && data.percent === 100;
  if (overdue && i.overdue) return null;
  const worker = supervisedWorker(i, data.step);
  return {
    patch: overdue ? { overdue: true } : {},
    events: [
      {
        action: overdue ? 'overdue' : 'supervise',
        fromStatus: null,
        toStatus: null,
        actor: 'system:timer',
        at: now,
        timerKey: `${data.step}:${data.incidentId}:${data.seq}:${data.percent}`,
        note: overdue ? '处置超期 / handling overdue' : `督办：${stepName(data.step)}已用时 ${data.percent}% / supervision: ${data.percent} % of the ${data.step} time used`,
        detail: { step: data.step, percent: data.percent, dueAt: data.dueAt, ...(data.percent === 100 ? { overdue: true } : {}) },
      },
    ],
    tasks: worker ? [{ workerId: worker, type: 'task.updated', step: taskStep(data.step), reason: overdue ? 'overdue' : 'supervise' }] : [],
    live: { supervision: { step: data.step, percent: data.percent } },
  };
}

/** What an acceptance timeout writes: a reassignment to `backup`, or the shift lead alerted when there is none. */
export function acceptanceTimeoutPlan(
  i: Incident,
  data: AcceptanceTimeoutData,
  category: IncidentCategory,
  backup: { id: string; name: string } | null,
  tried: readonly string[],
  now: Date,
  steps: StepClock,
): Plan | null {
  if (i.stepSeq !== data.seq || i.status !== 'dispatched') return null;
  if (backup) {
    const plan = dispatchPlan(i, category, backup, now, steps, {
      action: 'reassign',
      actor: { ...SYSTEM, username: 'system:timer' },
      note: '接单超时，改派备岗 / not accepted in time: reassigned',
      reassign: true,
    });
    plan.events[0]!.timerKey = `accept:${i.id}:${data.seq}`;
    return plan;
  }
  return {
    patch: { escalatedAt: now },
    events: [
      {
        action: 'escalate',
        fromStatus: null,
        toStatus: null,
        actor: 'system:timer',
        at: now,
        timerKey: `accept:${i.id}:${data.seq}`,
        note: '接单超时，提请值班长处理 / not accepted in time: the shift lead is alerted',
        detail: { workerId: i.assigneeWorkerId, tried },
      },
    ],
    tasks: [],
    live: { escalated: true, escalation: 'acceptance_timeout' },
  };
}

function inStep(i: Incident, step: TimedStep): boolean {
  switch (step) {
    case 'verify':
      return i.status === 'verifying' && !i.verifiedAt;
    case 'dispatch':
      return i.status === 'filed';
    case 'handle':
      return ASSIGNED_STATUSES.includes(i.status);
    case 'reinspect':
      return i.status === 'reinspecting' && !i.reinspectionPassed;
  }
}

function supervisedWorker(i: Incident, step: TimedStep): string | null {
  return step === 'verify' ? i.verifierWorkerId : step === 'reinspect' ? i.reinspectorWorkerId : step === 'handle' ? i.assigneeWorkerId : null;
}

function taskStep(step: TimedStep): TaskNotice['step'] {
  return step === 'dispatch' ? null : step;
}

function stepName(step: TimedStep): string {
  return { verify: '核实', dispatch: '派遣', handle: '处置', reinspect: '核查' }[step];
}
