import { Injectable } from '@nestjs/common';
import { addTime, TimeBasis, timeBetween, WorkingCalendar } from '@gridhub/contracts';
import { IncidentCategory, LimitStep } from './incident-categories';
import { Incident, IncidentPatch, PendingSuspension, Suspension } from './incident.types';
import { WorkingCalendarService } from './working-calendar.service';

/** How a category's limit counts: natural time for a category around the clock (24 小时制), else its own basis. */
export function limitBasis(category: Pick<IncidentCategory, 'basis' | 'aroundTheClock'>, step: LimitStep): TimeBasis {
  return category.aroundTheClock ? 'natural' : category.basis[step];
}

/**
 * The clock of the loop's steps (docs/working-time.md): deadlines from limits on working or natural time, and
 * stopping and restarting a step's clock (挂账/缓办). The arithmetic is @gridhub/contracts' working-time module.
 */
@Injectable()
export class StepClock {
  constructor(private readonly working: WorkingCalendarService) {}

  get calendar(): WorkingCalendar {
    return this.working.calendar;
  }

  /** The deadline of a limit of `minutes` starting at `from`, and how it counts. */
  due(category: IncidentCategory, step: LimitStep, from: Date, minutes: number): { at: Date; basis: TimeBasis } {
    const basis = limitBasis(category, step);
    return { at: addTime(from, minutes, basis, this.calendar), basis };
  }

  add(from: Date, minutes: number, basis: TimeBasis): Date {
    return addTime(from, minutes, basis, this.calendar);
  }

  between(from: Date, to: Date, basis: TimeBasis): number {
    return timeBetween(from, to, basis, this.calendar);
  }

  /**
   * Stops the handling clock: what was used and what is left are kept (in the step's basis); the step number
   * moves on, so its supervision timers are dropped.
   */
  suspend(i: Incident, pending: PendingSuspension, approvedBy: string, now: Date): { patch: IncidentPatch; suspension: Suspension } {
    const basis = i.stepBasis ?? 'natural';
    const start = i.stepStartedAt ?? now;
    const due = i.dueAt ?? now;
    const suspension: Suspension = {
      ...pending,
      approvedBy,
      at: now.toISOString(),
      step: 'handle',
      basis,
      elapsedMinutes: round(Math.max(0, this.between(start, now, basis))),
      remainingMinutes: round(this.between(now, due, basis)),
    };
    return {
      suspension,
      patch: { suspendedAt: now, suspension, suspensionPending: null, suspensionCount: i.suspensionCount + 1, stepSeq: i.stepSeq + 1 },
    };
  }

  /**
   * Restarts the clock: the deadline is what was left after now, the step's start what was used before now
   * (so the 50 / 80 / 100 % points fall where the unstopped clock would have put them); the time stopped is
   * added to the incident's total.
   */
  resume(i: Incident, now: Date): { patch: IncidentPatch; stoppedMinutes: number } {
    const s = i.suspension!;
    const stoppedMinutes = round(Math.max(0, this.between(i.suspendedAt ?? now, now, s.basis)));
    const dueAt = this.add(now, s.remainingMinutes, s.basis);
    return {
      stoppedMinutes,
      patch: {
        dueAt,
        stepStartedAt: this.add(now, -s.elapsedMinutes, s.basis),
        suspendedAt: null,
        suspension: null,
        suspendedMinutes: round(i.suspendedMinutes + stoppedMinutes),
        overdue: i.overdue || s.remainingMinutes <= 0,
        stepSeq: i.stepSeq + 1,
      },
    };
  }
}

const round = (m: number) => Math.round(m * 1000) / 1000;
