import { BadRequestException, UnprocessableEntityException } from '@nestjs/common';
import { parseWorkingHours, workingCalendar } from '@gridhub/contracts';
import { IncidentCategory } from './incident-categories';
import { intakeOf, unsaved } from './incident-report';
import { acceptanceTimeoutPlan, stepDeadlinePlan } from './incident-timer.service';
import { ActionInput, dispatchPlan, planAction, Prepared, SYSTEM } from './incident-transition';
import { Actor, Incident } from './incident.types';
import { StepClock } from './step-clock';
import { WorkingCalendarService } from './working-calendar.service';

/**
 * The loop's transitions without a database: the plan each action makes from the incident as locked. Working
 * time is 08:30–12:00 and 14:00–18:00 (China time) on workdays, National Day 2026 off.
 */
const calendar = workingCalendar({
  periods: parseWorkingHours('08:30-12:00,14:00-18:00'),
  utcOffsetMinutes: 480,
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-10-10'],
});
const steps = new StepClock({ calendar } as unknown as WorkingCalendarService);
const cst = (local: string) => new Date(`${local}+08:00`);
const minutes = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 60_000;

const category = (overrides: Partial<IncidentCategory> = {}): IncidentCategory => ({
  code: 'garbage_exposed',
  kind: 'event',
  majorCode: 'city',
  majorNameZh: '市容环境',
  majorNameEn: 'City appearance',
  nameZh: '暴露垃圾',
  nameEn: 'Exposed garbage',
  defaultPriority: 'normal',
  departmentCode: null,
  skill: null,
  emergency: false,
  limits: { verifyMinutes: 30, dispatchMinutes: 20, acceptMinutes: 10, handleMinutes: { low: 480, normal: 240, high: 120, urgent: 60 }, reinspectMinutes: 60 },
  basis: { verify: 'natural', dispatch: 'natural', accept: 'natural', handle: 'natural', reinspect: 'natural' },
  aroundTheClock: false,
  enabled: true,
  ...overrides,
});

const now = cst('2026-11-23T09:00:00'); // a Monday
const incident = (overrides: Partial<Incident> = {}): Incident => ({
  ...unsaved({
    category: 'garbage_exposed',
    title: '暴露垃圾',
    description: '',
    priority: 'normal',
    status: 'filed',
    source: 'public',
    sourceRef: null,
    lon: 112.55,
    lat: 37.87,
    gridCode: '140105001001001',
    createdAt: cst('2026-11-23T08:00:00'),
    filedAt: cst('2026-11-23T08:30:00'),
  }),
  id: 'i1',
  code: 'GH20261123001',
  stepSeq: 1,
  ...overrides,
});

const dispatcher: Actor = { sub: 'u1', username: 'dispatcher', role: 'dispatcher', workerId: null };
const lead: Actor = { sub: 'u2', username: 'lead', role: 'shift_lead', workerId: null };
const worker: Actor = { sub: 'u3', username: 'worker01', role: 'grid_worker', workerId: 'w1' };
const w1 = { id: 'w1', name: '张三' };
const w2 = { id: 'w2', name: '李四' };

const plan = (input: ActionInput, i: Incident, actor: Actor, prepared: Prepared = {}, cat = category()) => planAction(input, i, cat, prepared, actor, now, steps);

describe('incident transitions', () => {
  it('dispatches a filed incident: handling and acceptance clocks start, the tablet gets the task', () => {
    const p = plan({ action: 'dispatch' }, incident(), dispatcher, { worker: w1 });
    expect(p.patch).toMatchObject({ status: 'dispatched', assigneeWorkerId: 'w1', dispatchedAt: now, stepSeq: 2, stepStartedAt: now, stepBasis: 'natural', overdue: false });
    expect(minutes(now, p.patch.dueAt!)).toBe(240);
    expect(minutes(now, p.patch.acceptDueAt!)).toBe(10);
    expect(p.events).toHaveLength(1);
    expect(p.events[0]).toMatchObject({ action: 'dispatch', fromStatus: 'filed', toStatus: 'dispatched', actor: 'dispatcher', detail: { workerId: 'w1', workerName: '张三' } });
    expect(p.tasks).toEqual([{ workerId: 'w1', type: 'task.assigned', step: 'handle', reason: 'dispatch' }]);
  });

  it('keeps the handling clock on a reassignment and withdraws the task from the first worker', () => {
    const dueAt = cst('2026-11-23T11:00:00');
    const i = incident({ status: 'dispatched', assigneeWorkerId: 'w1', dueAt, stepStartedAt: cst('2026-11-23T08:40:00'), stepBasis: 'natural', dispatchedAt: cst('2026-11-23T08:40:00') });
    const p = plan({ action: 'dispatch' }, i, dispatcher, { worker: w2 });
    expect(p.patch).toMatchObject({ assigneeWorkerId: 'w2', dueAt, stepStartedAt: cst('2026-11-23T08:40:00'), reassignCount: 1, stepSeq: 2 });
    expect(p.patch).not.toHaveProperty('overdue');
    expect(p.events[0]!.detail).toMatchObject({ previousWorkerId: 'w1' });
    expect(p.tasks).toEqual([
      { workerId: 'w2', type: 'task.assigned', step: 'handle', reason: 'dispatch' },
      { workerId: 'w1', type: 'task.updated', step: null, reason: 'dispatch', withdrawn: true },
    ]);
  });

  it('refuses a rejection without a reason; with one the incident is filed again and the task withdrawn', () => {
    const i = incident({ status: 'dispatched', assigneeWorkerId: 'w1', dueAt: cst('2026-11-23T13:00:00') });
    expect(() => plan({ action: 'reject' }, i, worker)).toThrow(BadRequestException);
    const p = plan({ action: 'reject', reason: '不在我的网格' }, i, worker);
    expect(p.patch).toMatchObject({ status: 'filed', assigneeWorkerId: null, acceptDueAt: null, suspendedAt: null, stepSeq: 2 });
    expect(minutes(now, p.patch.dispatchDueAt!)).toBe(20);
    expect(p.events[0]).toMatchObject({ action: 'reject', fromStatus: 'dispatched', toStatus: 'filed', note: '不在我的网格', detail: { workerId: 'w1' } });
    expect(p.tasks).toEqual([{ workerId: 'w1', type: 'task.updated', step: null, reason: 'reject', withdrawn: true }]);
    expect(p.live).toEqual({ rejected: true, reason: '不在我的网格' });
  });

  it('hands a handled incident to a supervisor for re-inspection, in two trail entries', () => {
    const i = incident({ status: 'in_progress', assigneeWorkerId: 'w1' });
    expect(() => plan({ action: 'handle' }, i, worker, { reinspector: w2 })).toThrow(BadRequestException);
    const p = plan({ action: 'handle', note: '已清运' }, i, worker, { reinspector: w2 });
    expect(p.patch).toMatchObject({ status: 'reinspecting', handledAt: now, reinspectorWorkerId: 'w2', stepSeq: 2 });
    expect(minutes(now, p.patch.reinspectDueAt!)).toBe(60);
    expect(p.events.map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ['handle', 'in_progress', 'handled'],
      ['start_reinspection', 'handled', 'reinspecting'],
    ]);
    expect(p.tasks).toEqual([{ workerId: 'w2', type: 'task.assigned', step: 'reinspect', reason: 'handle' }]);
  });

  it('sends failed work back to the same handler with a fresh handling period (返工)', () => {
    const i = incident({ status: 'reinspecting', assigneeWorkerId: 'w1', assigneeName: '张三', reinspectorWorkerId: 'w2', dueAt: cst('2026-11-23T08:50:00'), overdue: true });
    const p = plan({ action: 'reinspect_fail', reason: '仍有垃圾' }, i, { ...worker, workerId: 'w2' });
    expect(p.patch).toMatchObject({ status: 'dispatched', assigneeWorkerId: 'w1', reworkCount: 1, reinspectionPassed: false, reinspectedAt: now, overdue: false });
    expect(minutes(now, p.patch.dueAt!)).toBe(240);
    expect(p.events[0]).toMatchObject({ action: 'reinspect_fail', note: '仍有垃圾', detail: { rework: 1 } });
    expect(p.tasks).toEqual([{ workerId: 'w1', type: 'task.updated', step: 'handle', reason: 'reinspect_fail' }]);
  });

  it('counts an approved extension on the handling limit’s working time, across the lunch break and the night', () => {
    const dueAt = cst('2026-11-23T11:00:00');
    const i = incident({
      status: 'in_progress',
      assigneeWorkerId: 'w1',
      dueAt,
      stepBasis: 'working',
      extensionPending: { hours: 8, reason: '等待配件', requestedBy: 'worker01', requestedAt: now.toISOString() },
    });
    const p = plan({ action: 'approve_extension' }, i, lead);
    // 11:00 + 8 working hours: 1 h to noon, 4 h in the afternoon, 3 h on Tuesday morning from 08:30.
    expect(p.patch).toMatchObject({ dueAt: cst('2026-11-24T11:30:00'), extensionPending: null, extensionCount: 1, extended: true, stepSeq: 2 });
    expect(p.events[0]!.detail).toMatchObject({ hours: 8, basis: 'working', previousDueAt: dueAt.toISOString() });
  });

  it('stops the handling clock on an approved suspension and restarts it with what was left', () => {
    const i = incident({
      status: 'in_progress',
      assigneeWorkerId: 'w1',
      stepStartedAt: cst('2026-11-23T08:00:00'),
      dueAt: cst('2026-11-23T12:00:00'),
      stepBasis: 'natural',
      suspensionPending: { reason: '等待审批', requestedBy: 'worker01', requestedAt: now.toISOString() },
    });
    const stop = plan({ action: 'approve_suspension' }, i, lead);
    expect(stop.patch.suspendedAt).toEqual(now);
    expect(stop.events[0]!.detail).toMatchObject({ clock: 'stopped', elapsedMinutes: 60, remainingMinutes: 180 });
    const stopped = { ...i, ...stop.patch } as Incident;
    const later = cst('2026-11-24T09:00:00');
    const go = planAction({ action: 'resume' }, stopped, category(), {}, lead, later, steps);
    expect(go.patch.dueAt).toEqual(cst('2026-11-24T12:00:00'));
    expect(go.events[0]!.detail).toMatchObject({ clock: 'restarted', remainingMinutes: 180, stoppedMinutes: 24 * 60 });
  });

  it('closes and evaluates, refusing an evaluation without a grade', () => {
    const close = plan({ action: 'close' }, incident({ status: 'reinspecting', assigneeWorkerId: 'w1', reinspectionPassed: true }), dispatcher);
    expect(close.patch).toEqual({ status: 'closed', closedAt: now });
    expect(close.tasks).toEqual([{ workerId: 'w1', type: 'task.updated', step: null, reason: 'close' }]);
    expect(() => plan({ action: 'evaluate' }, incident({ status: 'closed' }), dispatcher)).toThrow(BadRequestException);
    expect(plan({ action: 'evaluate', grade: 'satisfied' }, incident({ status: 'closed' }), dispatcher).patch).toMatchObject({ status: 'evaluated', evaluationGrade: 'satisfied' });
  });
});

describe('incident timers', () => {
  const handling = incident({ status: 'accepted', assigneeWorkerId: 'w1', stepSeq: 3, dueAt: now });
  const data = { incidentId: 'i1', step: 'handle' as const, seq: 3, percent: 100 as const, dueAt: now.toISOString() };

  it('marks the handling step overdue at 100 %, once, and tells the assignee', () => {
    const p = stepDeadlinePlan(handling, data, now)!;
    expect(p.patch).toEqual({ overdue: true });
    expect(p.events[0]).toMatchObject({ action: 'overdue', actor: 'system:timer', timerKey: 'handle:i1:3:100' });
    expect(p.tasks).toEqual([{ workerId: 'w1', type: 'task.updated', step: 'handle', reason: 'overdue' }]);
    expect(stepDeadlinePlan({ ...handling, overdue: true }, data, now)).toBeNull();
  });

  it('warns at 50 % without changing the incident; does nothing once the step moved on or its clock stopped', () => {
    const p = stepDeadlinePlan(handling, { ...data, percent: 50 }, now)!;
    expect(p.patch).toEqual({});
    expect(p.events[0]).toMatchObject({ action: 'supervise', detail: { step: 'handle', percent: 50 } });
    expect(p.events[0]!.note).toContain('处置已用时 50%');
    expect(stepDeadlinePlan({ ...handling, stepSeq: 4 }, data, now)).toBeNull();
    expect(stepDeadlinePlan({ ...handling, status: 'reinspecting' }, data, now)).toBeNull();
    expect(stepDeadlinePlan({ ...handling, suspendedAt: now }, data, now)).toBeNull();
  });

  it('reassigns an unaccepted task to a backup, or alerts the shift lead when there is none', () => {
    const waiting = incident({ status: 'dispatched', assigneeWorkerId: 'w1', stepSeq: 2, dueAt: cst('2026-11-23T13:00:00') });
    const timeout = { incidentId: 'i1', seq: 2, workerId: 'w1' };
    const reassigned = acceptanceTimeoutPlan(waiting, timeout, category(), w2, ['w1'], now, steps)!;
    expect(reassigned.patch).toMatchObject({ assigneeWorkerId: 'w2', reassignCount: 1, dueAt: cst('2026-11-23T13:00:00') });
    expect(reassigned.events[0]).toMatchObject({ action: 'reassign', actor: 'system:timer', timerKey: 'accept:i1:2' });
    const escalated = acceptanceTimeoutPlan(waiting, timeout, category(), null, ['w1', 'w2'], now, steps)!;
    expect(escalated.patch).toEqual({ escalatedAt: now });
    expect(escalated.events[0]).toMatchObject({ action: 'escalate', timerKey: 'accept:i1:2', detail: { workerId: 'w1', tried: ['w1', 'w2'] } });
    expect(escalated.live).toMatchObject({ escalated: true });
    expect(acceptanceTimeoutPlan({ ...waiting, status: 'accepted' }, timeout, category(), w2, [], now, steps)).toBeNull();
  });
});

describe('intake', () => {
  const locate = () => '140105001001001';
  const citizen: Actor = { sub: 'public', username: 'public', role: 'system', workerId: null };

  it('files a sensor breach at once, verified; a public report waits for intake with its 受理 deadline', () => {
    const sensor = intakeOf({ category: 'garbage_exposed', lon: 112.55, lat: 37.87, source: 'sensor' }, category(), null, SYSTEM, now, locate, steps);
    expect(sensor.fileAtOnce).toBe(true);
    expect(sensor.incident).toMatchObject({ status: 'filed', verifiedAt: now, filedAt: now, intakeDueAt: null, gridCode: '140105001001001' });
    expect(sensor.first).toMatchObject({ action: 'file', toStatus: 'filed' });
    const report = intakeOf({ category: 'garbage_exposed', lon: 112.55, lat: 37.87, source: 'public', description: ' 路边垃圾 ' }, category(), null, citizen, now, locate, steps);
    expect(report.fileAtOnce).toBe(false);
    expect(report.incident).toMatchObject({ status: 'reported', verifiedAt: null, priority: 'normal', description: '路边垃圾', title: '暴露垃圾' });
    expect(minutes(now, report.incident.intakeDueAt!)).toBe(20);
    expect(report.first).toMatchObject({ action: 'report', note: '路边垃圾' });
  });

  it('makes an emergency urgent and filed whatever the source said; a place is required without a component', () => {
    const alarm = intakeOf({ category: 'garbage_exposed', lon: 112.55, lat: 37.87, source: 'public', emergency: true, priority: 'low' }, category(), null, citizen, now, locate, steps);
    expect(alarm.incident).toMatchObject({ status: 'filed', priority: 'urgent', emergency: true });
    expect(() => intakeOf({ category: 'garbage_exposed', source: 'public' }, category(), null, citizen, now, locate, steps)).toThrow(UnprocessableEntityException);
  });

  it('plans the first dispatch of a new incident before it is inserted', () => {
    const { incident: fresh } = intakeOf({ category: 'garbage_exposed', lon: 112.55, lat: 37.87, source: 'sensor' }, category(), null, SYSTEM, now, locate, steps);
    const p = dispatchPlan(unsaved(fresh), category(), w1, now, steps, { action: 'dispatch', actor: SYSTEM, note: null });
    expect(p.patch).toMatchObject({ status: 'dispatched', stepSeq: 1, assigneeWorkerId: 'w1' });
    expect(p.events[0]).toMatchObject({ actor: 'system:dispatch', fromStatus: 'filed' });
  });
});
