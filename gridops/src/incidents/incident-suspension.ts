import { BadRequestException } from '@nestjs/common';
import { IncidentCategory } from './incident-categories';
import { EntryOf, Plan } from './incident-plan';
import { Actor, Incident } from './incident.types';
import { StepClock } from './step-clock';

export type SuspensionAction = 'request_suspension' | 'approve_suspension' | 'refuse_suspension' | 'resume';

/**
 * 挂账/缓办 (docs/working-time.md): the assignee or the command centre asks, with a reason, to stop the handling
 * clock (work that cannot go on now: waiting for a permit, the season, another authority); the shift lead
 * approves or refuses; the command centre resumes. While stopped there are no supervision timers, the incident
 * is not overdue and cannot be extended; on resume the deadline is what was left, counted from then. Every step
 * is on the trail with the minutes used, left and stopped.
 */
export function suspensionPlan(
  action: SuspensionAction,
  input: { reason?: string; note?: string },
  i: Incident,
  category: IncidentCategory,
  actor: Actor,
  now: Date,
  steps: StepClock,
  entry: EntryOf,
): Plan {
  const toAssignee = (reason: string) => (i.assigneeWorkerId ? [{ workerId: i.assigneeWorkerId, type: 'task.updated' as const, step: 'handle' as const, reason }] : []);
  switch (action) {
    case 'request_suspension': {
      if (!input.reason?.trim()) throw new BadRequestException('request_suspension needs a reason (why the work cannot go on now)');
      const pending = { reason: input.reason.trim(), requestedBy: actor.username, requestedAt: now.toISOString() };
      return {
        patch: { suspensionPending: pending },
        events: [entry(null, { note: pending.reason, detail: { role: actor.role } })],
        tasks: [],
        live: { suspensionRequested: true },
      };
    }
    case 'approve_suspension': {
      // refusalOf has checked that a request waits and the clock runs (ACTION_RULES.approve_suspension.when).
      const pending = i.suspensionPending!;
      const { patch, suspension } = steps.suspend(i, pending, actor.username, now);
      return {
        patch,
        events: [
          entry(null, {
            note: input.note ?? pending.reason,
            detail: {
              role: actor.role,
              clock: 'stopped',
              reason: pending.reason,
              requestedBy: pending.requestedBy,
              basis: suspension.basis,
              elapsedMinutes: suspension.elapsedMinutes,
              remainingMinutes: suspension.remainingMinutes,
              dueAt: i.dueAt?.toISOString() ?? null,
            },
          }),
        ],
        tasks: toAssignee('approve_suspension'),
        live: { suspended: true },
      };
    }
    case 'refuse_suspension': {
      return {
        patch: { suspensionPending: null },
        events: [entry(null, { detail: { role: actor.role, reason: i.suspensionPending!.reason } })],
        tasks: toAssignee('refuse_suspension'),
      };
    }
    case 'resume': {
      // refusalOf has checked that the clock is stopped (ACTION_RULES.resume.when); the suspension is stored with it.
      const suspension = i.suspension!;
      const { patch, stoppedMinutes } = steps.resume(i, now);
      // The acceptance clock restarts too when the task still waits to be accepted.
      if (i.status === 'dispatched') patch.acceptDueAt = steps.due(category, 'accept', now, category.limits.acceptMinutes).at;
      return {
        patch,
        events: [
          entry(null, {
            detail: {
              role: actor.role,
              clock: 'restarted',
              basis: suspension.basis,
              stoppedMinutes,
              remainingMinutes: suspension.remainingMinutes,
              previousDueAt: i.dueAt?.toISOString() ?? null,
              dueAt: patch.dueAt!.toISOString(),
            },
          }),
        ],
        tasks: toAssignee('resume'),
        live: { suspended: false },
      };
    }
  }
}
