import { compositeScore, nextPeriod, periodLabel, periodStart, ROLE_MEASURES, roleScore } from './indicator';

/** Every expected figure below is worked by hand in the comment beside it. */
describe('role indicators (GB/T 30428.4 style)', () => {
  it('weights add up to 100 for every role', () => {
    for (const measures of Object.values(ROLE_MEASURES)) expect(measures.reduce((s, m) => s + m.weight, 0)).toBe(100);
  });

  it('scores a supervisor: 30·90 + 25·75 + 25·100 + 20·(100 − 7.5) = 8925 → 89.25, grade B', () => {
    // 有效上报率 18/20 = 90 %, 按时核实率 9/12 = 75 %, 按时核查率 8/8 = 100 %, 漏报率 3/40 = 7.5 % (lower is better).
    const r = roleScore('supervisor', { reportsValid: 18, reportsJudged: 20, verifiedOnTime: 9, verified: 12, reinspectedOnTime: 8, reinspected: 8, missed: 3, gridFiled: 40 });
    expect(r.rates).toEqual({ validReportRate: 90, onTimeVerificationRate: 75, onTimeReinspectionRate: 100, missedReportRate: 7.5 });
    expect(r.score).toBe(89.25);
    expect(r.grade).toBe('B');
  });

  it('drops a measure without a denominator with its weight: (2700 + 1875 + 1850) / 75 = 85.67', () => {
    const r = roleScore('supervisor', { reportsValid: 18, reportsJudged: 20, verifiedOnTime: 9, verified: 12, reinspectedOnTime: 0, reinspected: 0, missed: 3, gridFiled: 40 });
    expect(r.rates['onTimeReinspectionRate']).toBeNull();
    expect(r.score).toBe(85.67);
  });

  it('scores dispatch: accurate 36/40 = 90, on time 30/40 = 75 → (50·90 + 50·75)/100 = 82.5, B', () => {
    expect(roleScore('dispatch', { dispatched: 40, dispatchedAccurately: 36, dispatchedOnTime: 30 })).toEqual({
      rates: { accurateDispatchRate: 90, onTimeDispatchRate: 75 },
      score: 82.5,
      grade: 'B',
    });
  });

  it('scores a department: 处置率 16/20 = 80, 按时处置率 12/20 = 60, 返工率 2/16 = 12.5 → (2400 + 3000 + 1750)/100 = 71.5, C', () => {
    const r = roleScore('department', { dueToHandle: 20, handled: 16, handledOnTime: 12, reworked: 2 });
    expect(r.rates).toEqual({ handlingRate: 80, onTimeHandlingRate: 60, reworkRate: 12.5 });
    expect(r).toMatchObject({ score: 71.5, grade: 'C' });
  });

  it('scores an area with the published 737/972: 30·91.56 + 40·75.82 + 15·99 + 15·96 = 8704.6 → 87.05, B', () => {
    // 结案率 890/972 = 91.56, 按期结案率 737/972 = 75.82, 返工率 10/1000 = 1 → 99, 漏报率 40/1000 = 4 → 96.
    // 2746.8 + 3032.8 + 1485 + 1440 = 8704.6; / 100 = 87.046 → 87.05.
    const r = roleScore('area', { dueToClose: 972, closed: 890, closedOnTime: 737, reworked: 10, dispatched: 1000, publicFound: 40, filed: 1000 });
    expect(r.rates).toEqual({ closureRate: 91.56, onTimeClosureRate: 75.82, reworkRate: 1, missedReportRate: 4 });
    expect(r.score).toBe(87.05);
    expect(r.grade).toBe('B');
  });

  it('grades the edges: intake 7/20 = 35 is E, 18/20 = 90 is A, nothing to take is no score', () => {
    expect(roleScore('intake', { toTake: 20, takenOnTime: 7 })).toMatchObject({ score: 35, grade: 'E' });
    expect(roleScore('intake', { toTake: 20, takenOnTime: 18 })).toMatchObject({ score: 90, grade: 'A' });
    expect(roleScore('intake', { toTake: 0, takenOnTime: 0 })).toMatchObject({ score: null, grade: null });
    expect(compositeScore(ROLE_MEASURES.intake, {})).toBeNull();
  });

  it('splits periods on the China calendar', () => {
    // 2026-12-06 00:30 +08:00 is still 2026-12-05 in UTC.
    const at = new Date('2026-12-05T16:30:00Z');
    expect(periodStart(at, 'day').toISOString()).toBe('2026-12-05T16:00:00.000Z');
    expect(periodStart(at, 'month').toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(periodStart(at, 'quarter').toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(nextPeriod(periodStart(at, 'quarter'), 'quarter').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(nextPeriod(periodStart(at, 'day'), 'day').toISOString()).toBe('2026-12-06T16:00:00.000Z');
    expect(periodLabel(periodStart(at, 'day'), 'day')).toBe('2026-12-06');
    expect(periodLabel(periodStart(at, 'month'), 'month')).toBe('2026-12');
    expect(periodLabel(periodStart(at, 'quarter'), 'quarter')).toBe('2026-Q4');
    expect(periodLabel(new Date('2026-03-31T15:59:59Z'), 'quarter')).toBe('2026-Q1');
    expect(periodLabel(new Date('2026-03-31T16:00:00Z'), 'quarter')).toBe('2026-Q2');
  });
});
