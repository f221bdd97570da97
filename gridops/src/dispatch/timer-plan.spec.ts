import { parseWorkingHours, workingCalendar } from '@gridhub/contracts';
import { Incident } from '../incidents/incident.types';
import { timerChanges, timerPlan as plan3 } from './timer-plan';

/** National Day 2026: 1–7 Oct off, Saturday 10 Oct worked. */
const calendar = workingCalendar({
  periods: parseWorkingHours('08:30-12:00,14:00-18:00'),
  utcOffsetMinutes: 480,
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-10-10'],
});
const timerPlan = (i: Incident, now: Date) => plan3(i, now, calendar);
const cst = (local: string) => new Date(`${local}+08:00`);

const t = (minutes: number) => new Date(Date.UTC(2026, 10, 22, 0, minutes));
const incident = (overrides: Partial<Incident>) =>
  ({
    id: 'i1',
    status: 'dispatched',
    stepSeq: 1,
    stepStartedAt: t(0),
    verifyDueAt: null,
    verifiedAt: null,
    dispatchDueAt: null,
    dueAt: t(100),
    acceptDueAt: t(10),
    assigneeWorkerId: 'w1',
    reinspectDueAt: null,
    reinspectionPassed: null,
    ...overrides,
  }) as Incident;

describe('timerPlan', () => {
  it('plans warnings at 50, 80 and 100 % of a dispatched step plus the acceptance timeout', () => {
    const plan = timerPlan(incident({}), t(0));
    expect(plan.map((p) => [p.id, p.at.toISOString()])).toEqual([
      ['step-handle-i1-1-50', t(50).toISOString()],
      ['step-handle-i1-1-80', t(80).toISOString()],
      ['step-handle-i1-1-100', t(100).toISOString()],
      ['accept-i1-1', t(10).toISOString()],
    ]);
  });

  it('leaves out warnings already past but keeps the deadline itself', () => {
    expect(timerPlan(incident({ status: 'accepted' }), t(90)).map((p) => p.id)).toEqual(['step-handle-i1-1-100']);
  });

  it('has no timers once a step is done', () => {
    expect(timerPlan(incident({ status: 'closed' }), t(0))).toEqual([]);
    expect(timerPlan(incident({ status: 'reinspecting', reinspectDueAt: t(30), reinspectionPassed: true }), t(0))).toEqual([]);
  });
});

describe('timerPlan on working time', () => {
  it('puts the supervision points at 50 and 80 % of the working time, across the National Day holiday', () => {
    // 16 working hours from Wednesday 30 Sep 10:00: due Friday 9 Oct 11:00.
    const i = incident({ stepStartedAt: cst('2026-09-30T10:00:00'), dueAt: cst('2026-10-09T11:00:00'), stepBasis: 'working', acceptDueAt: null });
    expect(timerPlan(i, cst('2026-09-30T10:00:00')).map((p) => [p.kind === 'step' ? p.percent : null, p.at.toISOString()])).toEqual([
      [50, cst('2026-10-08T10:30:00').toISOString()],
      [80, cst('2026-10-08T17:18:00').toISOString()],
      [100, cst('2026-10-09T11:00:00').toISOString()],
    ]);
  });

  it('has no timers while the clock is stopped (挂账)', () => {
    expect(timerPlan(incident({ suspendedAt: t(5) }), t(6))).toEqual([]);
  });
});

describe('timerChanges', () => {
  it('cancels only the acceptance timeout on accept and moves everything on a new step number', () => {
    const dispatched = timerPlan(incident({}), t(1));
    const accepted = timerPlan(incident({ status: 'accepted' }), t(1));
    expect(timerChanges(dispatched, accepted)).toEqual({ cancel: [dispatched[3]], schedule: [] });
    const extended = timerPlan(incident({ status: 'accepted', stepSeq: 2, dueAt: t(200) }), t(1));
    const change = timerChanges(accepted, extended);
    expect(change.cancel.map((c) => c.id)).toEqual(['step-handle-i1-1-50', 'step-handle-i1-1-80', 'step-handle-i1-1-100']);
    expect(change.schedule.map((c) => c.id)).toEqual(['step-handle-i1-2-50', 'step-handle-i1-2-80', 'step-handle-i1-2-100']);
  });
});
