import { Incident } from '../incidents/incident.types';
import { timerChanges, timerPlan } from './timer-plan';

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
