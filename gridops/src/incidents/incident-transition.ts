import { BadRequestException } from '@nestjs/common';
import { distanceM } from '@gridhub/ingest';
import { EvaluationGrade, IncidentAction, IncidentStatus } from '@gridhub/contracts';
import { TaskNotice } from '../dispatch/incident-notifier';
import { IncidentCategory } from './incident-categories';
import { Plan } from './incident-plan';
import { suspensionPlan } from './incident-suspension';
import { Actor, Incident, IncidentEvent, IncidentPatch } from './incident.types';
import { StepClock } from './step-clock';

/**
 * The loop's transitions (docs/domain/governance.md), without I/O: given the incident as locked, its category,
 * the action's input, the actor and the time, what changes — the columns (patch), the trail entries, whom the
 * tablets tell and what the consoles hear. Who may do what is `refusalOf` (@gridhub/contracts), checked by the
 * service before a plan is made; what the plan needs read first (chosen workers) comes in `Prepared`.
 */

export type ActionInput = { action: IncidentAction } & {
  workerId?: string;
  reason?: string;
  note?: string;
  lon?: number;
  lat?: number;
  attachmentIds?: string[];
  hours?: number;
  valid?: boolean;
  grade?: EvaluationGrade;
  dispatch?: boolean;
};

/** What an action needs read before the row is locked (no second connection is taken while it is). */
export interface Prepared {
  worker?: { id: string; name: string } | null;
  /** Reinspection: who checks the work (another worker than the handler where there is one). */
  reinspector?: { id: string; name: string } | null;
}

/** The system as the actor of intake and timers. */
export const SYSTEM: Actor = { sub: 'system', username: 'system', role: 'system', workerId: null };
/** A new step's clock runs: no suspension carried over from the step before. */
const CLOCK_RUNNING: IncidentPatch = { suspendedAt: null, suspension: null, suspensionPending: null };

/** The plan of an action taken by a person (steps 2–7). Throws a 400 when the input lacks what the action needs. */
export function planAction(
  input: ActionInput,
  i: Incident,
  category: IncidentCategory,
  prepared: Prepared,
  actor: Actor,
  now: Date,
  steps: StepClock,
): Plan {
  const to = (status: IncidentStatus | null, extra: Partial<IncidentEvent> = {}): IncidentEvent => ({
    action: input.action,
    fromStatus: i.status,
    toStatus: status ?? i.status,
    actor: actor.username,
    at: now,
    lon: input.lon ?? null,
    lat: input.lat ?? null,
    note: input.note ?? input.reason ?? null,
    attachments: input.attachmentIds ?? [],
    detail: { role: actor.role },
    ...extra,
  });
  const seq = i.stepSeq + 1;
  const limits = category.limits;
  switch (input.action) {
    case 'request_verification': {
      const w = prepared.worker!;
      const due = steps.due(category, 'verify', now, limits.verifyMinutes);
      const patch: IncidentPatch = {
        status: 'verifying',
        verifierWorkerId: w.id,
        verificationRequestedAt: now,
        verifyDueAt: due.at,
        stepBasis: due.basis,
        verifiedAt: null,
        verifiedValid: null,
        stepSeq: seq,
        stepStartedAt: now,
      };
      return {
        patch,
        events: [to('verifying', { detail: { role: actor.role, workerId: w.id, workerName: w.name, dueAt: due.at.toISOString(), basis: due.basis } })],
        tasks: [{ workerId: w.id, type: 'task.assigned', step: 'verify', reason: 'request_verification' }],
      };
    }
    case 'verify': {
      if (input.valid === undefined) throw new BadRequestException('verify needs valid: true (the report is real) or false');
      return {
        patch: { verifiedAt: now, verifiedValid: input.valid },
        events: [to(null, { detail: { role: actor.role, valid: input.valid } })],
        tasks: [],
      };
    }
    case 'file': {
      const due = steps.due(category, 'dispatch', now, limits.dispatchMinutes);
      return {
        patch: { status: 'filed', filedAt: now, dispatchDueAt: due.at, stepBasis: due.basis, stepSeq: seq, stepStartedAt: now },
        events: [to('filed', { detail: { role: actor.role, autoDispatch: input.dispatch !== false, dueAt: due.at.toISOString(), basis: due.basis } })],
        tasks: withdraw(i.verifierWorkerId, 'file'),
      };
    }
    case 'void':
      if (!input.reason?.trim()) throw new BadRequestException('void needs a reason');
      return { patch: { status: 'voided', voidedAt: now }, events: [to('voided')], tasks: withdraw(i.verifierWorkerId, 'void') };
    case 'dispatch':
      return dispatchPlan(i, category, prepared.worker!, now, steps, { action: 'dispatch', actor, note: input.note ?? null });
    case 'accept':
      return {
        patch: { status: 'accepted', acceptedAt: i.acceptedAt ?? now },
        events: [to('accepted')],
        tasks: [],
      };
    case 'reject': {
      if (!input.reason?.trim()) throw new BadRequestException('reject needs a reason');
      const due = steps.due(category, 'dispatch', now, limits.dispatchMinutes);
      return {
        patch: {
          status: 'filed',
          assigneeWorkerId: null,
          acceptDueAt: null,
          extensionPending: null,
          ...CLOCK_RUNNING,
          dispatchDueAt: due.at,
          stepBasis: due.basis,
          stepSeq: seq,
          stepStartedAt: now,
        },
        events: [to('filed', { detail: { role: actor.role, workerId: i.assigneeWorkerId } })],
        tasks: withdraw(i.assigneeWorkerId, 'reject'),
        live: { rejected: true, reason: input.reason },
      };
    }
    case 'check_in':
      return {
        patch: { status: 'in_progress', arrivedAt: i.arrivedAt ?? now },
        events: [to('in_progress', { detail: { role: actor.role, distanceM: Math.round(distanceM(input.lon!, input.lat!, i.lon, i.lat)) } })],
        tasks: [],
      };
    case 'handle': {
      if (!input.note?.trim()) throw new BadRequestException('handle needs a note saying what was done');
      const r = prepared.reinspector ?? null;
      const due = steps.due(category, 'reinspect', now, limits.reinspectMinutes);
      const reinspectDueAt = due.at;
      return {
        patch: {
          ...CLOCK_RUNNING,
          stepBasis: due.basis,
          status: 'reinspecting',
          handledAt: now,
          reinspectorWorkerId: r?.id ?? null,
          reinspectionRequestedAt: now,
          reinspectDueAt,
          reinspectedAt: null,
          reinspectionPassed: null,
          extensionPending: null,
          stepSeq: seq,
          stepStartedAt: now,
        },
        events: [
          to('handled'),
          {
            action: 'start_reinspection',
            fromStatus: 'handled',
            toStatus: 'reinspecting',
            actor: 'system:dispatch',
            at: now,
            detail: { workerId: r?.id ?? null, ...(r ? { workerName: r.name } : { by: 'any_supervisor' }), dueAt: reinspectDueAt.toISOString(), basis: due.basis },
          },
        ],
        tasks: r ? [{ workerId: r.id, type: 'task.assigned', step: 'reinspect', reason: 'handle' }] : [],
        live: { reinspectorWorkerId: r?.id ?? null },
      };
    }
    case 'request_extension': {
      if (!input.hours || !input.reason?.trim()) throw new BadRequestException('request_extension needs hours and a reason');
      return {
        patch: { extensionPending: { hours: input.hours, reason: input.reason, requestedBy: actor.username, requestedAt: now.toISOString() } },
        events: [to(null, { detail: { role: actor.role, hours: input.hours } })],
        tasks: [],
        live: { extensionRequested: input.hours },
      };
    }
    case 'approve_extension': {
      // refusalOf has checked that a request waits and the clock runs (ACTION_RULES.approve_extension.when).
      const pending = i.extensionPending!;
      // 延期: the hours count on the handling limit's basis (working hours for a working-time limit).
      const basis = i.stepBasis ?? 'natural';
      const dueAt = steps.add(i.dueAt ?? now, pending.hours * 60, basis);
      return {
        patch: {
          dueAt,
          extensionPending: null,
          extensionCount: i.extensionCount + 1,
          extended: true,
          overdue: i.overdue && dueAt.getTime() <= now.getTime(),
          stepSeq: seq,
        },
        events: [to(null, { note: input.note ?? pending.reason, detail: { role: actor.role, hours: pending.hours, basis, previousDueAt: i.dueAt?.toISOString() ?? null, dueAt: dueAt.toISOString() } })],
        tasks: i.assigneeWorkerId ? [{ workerId: i.assigneeWorkerId, type: 'task.updated', step: 'handle', reason: 'approve_extension' }] : [],
      };
    }
    case 'refuse_extension': {
      return {
        patch: { extensionPending: null },
        events: [to(null, { detail: { role: actor.role, hours: i.extensionPending!.hours } })],
        tasks: i.assigneeWorkerId ? [{ workerId: i.assigneeWorkerId, type: 'task.updated', step: 'handle', reason: 'refuse_extension' }] : [],
      };
    }
    case 'request_suspension':
    case 'approve_suspension':
    case 'refuse_suspension':
    case 'resume':
      return suspensionPlan(input.action, input, i, category, actor, now, steps, to);
    case 'reinspect_pass':
      return { patch: { reinspectedAt: now, reinspectionPassed: true }, events: [to(null)], tasks: [] };
    case 'reinspect_fail': {
      if (!input.reason?.trim()) throw new BadRequestException('reinspect_fail needs a reason');
      // 返工: back to the same handler, with a fresh handling period.
      const plan = dispatchPlan(i, category, { id: i.assigneeWorkerId!, name: i.assigneeName ?? '' }, now, steps, {
        action: 'reinspect_fail',
        actor,
        note: input.reason,
        rework: true,
      });
      plan.patch = { ...plan.patch, reinspectedAt: now, reinspectionPassed: false, reworkCount: i.reworkCount + 1 };
      return plan;
    }
    case 'close':
      return {
        patch: { status: 'closed', closedAt: now },
        events: [to('closed')],
        tasks: i.assigneeWorkerId ? [{ workerId: i.assigneeWorkerId, type: 'task.updated', step: null, reason: 'close' }] : [],
      };
    case 'evaluate':
      if (!input.grade) throw new BadRequestException('evaluate needs a grade');
      return { patch: { status: 'evaluated', evaluatedAt: now, evaluationGrade: input.grade }, events: [to('evaluated', { detail: { role: actor.role, grade: input.grade } })], tasks: [] };
  }
}

/** A filed incident nobody is on duty for: it waits for the dispatcher, with the dispatch limit running. */
export function awaitDispatcherPlan(i: Incident, category: IncidentCategory, now: Date, steps: StepClock): Plan {
  const due = steps.due(category, 'dispatch', i.filedAt ?? now, category.limits.dispatchMinutes);
  return {
    patch: { dispatchDueAt: due.at, stepBasis: due.basis, stepSeq: i.stepSeq + 1, stepStartedAt: i.filedAt ?? now },
    events: [],
    tasks: [],
  };
}

/** A dispatch (or re-dispatch for rework) to `worker`: handling clock, acceptance clock, the tablet told. */
export function dispatchPlan(
  i: Incident,
  category: IncidentCategory,
  worker: { id: string; name: string },
  now: Date,
  steps: StepClock,
  how: { action: string; actor: Actor; note: string | null; rework?: boolean; reassign?: boolean },
): Plan {
  const limits = category.limits;
  // A reassignment keeps the handling clock; a first dispatch, a dispatch after rejection or rework starts it.
  const keepClock = how.reassign || (i.status === 'dispatched' && !how.rework);
  const handling = steps.due(category, 'handle', now, limits.handleMinutes[i.priority]);
  const kept = keepClock && i.dueAt !== null;
  const dueAt = kept ? i.dueAt! : handling.at;
  const patch: IncidentPatch = {
    status: 'dispatched',
    assigneeWorkerId: worker.id,
    dispatchedAt: i.dispatchedAt ?? now,
    dueAt,
    stepBasis: kept ? (i.stepBasis ?? handling.basis) : handling.basis,
    acceptDueAt: steps.due(category, 'accept', now, limits.acceptMinutes).at,
    stepSeq: i.stepSeq + 1,
    stepStartedAt: keepClock && i.stepStartedAt ? i.stepStartedAt : now,
    ...(keepClock ? {} : { overdue: false, ...CLOCK_RUNNING }),
    ...(how.reassign || (i.status === 'dispatched' && !how.rework) ? { reassignCount: i.reassignCount + 1 } : {}),
  };
  const previous = i.assigneeWorkerId && i.assigneeWorkerId !== worker.id ? i.assigneeWorkerId : null;
  return {
    patch,
    events: [
      {
        action: how.action,
        fromStatus: i.status,
        toStatus: 'dispatched',
        actor: how.actor.username === 'system' ? 'system:dispatch' : how.actor.username,
        at: now,
        note: how.note,
        detail: {
          role: how.actor.role,
          workerId: worker.id,
          workerName: worker.name,
          dueAt: dueAt.toISOString(),
          basis: patch.stepBasis,
          acceptDueAt: patch.acceptDueAt!.toISOString(),
          ...(previous ? { previousWorkerId: previous } : {}),
          ...(how.rework ? { rework: i.reworkCount + 1 } : {}),
        },
      },
    ],
    tasks: [
      { workerId: worker.id, type: how.rework ? 'task.updated' : 'task.assigned', step: 'handle', reason: how.action },
      ...(previous ? withdraw(previous, how.action) : []),
    ],
  };
}

function withdraw(workerId: string | null, reason: string): TaskNotice[] {
  return workerId ? [{ workerId, type: 'task.updated', step: null, reason, withdrawn: true }] : [];
}
