import { gradeOf, IndicatorCounts, percent, ratesOf, sumCounts } from './indicator';

const counts = (over: Partial<IndicatorCounts> = {}): IndicatorCounts => ({
  reported: 0, voided: 0, filed: 0, verified: 0, verifiedOnTime: 0, dispatched: 0, dispatchedOnTime: 0, dueToClose: 0, closed: 0,
  closedOnTime: 0, reworked: 0, extended: 0, reinspected: 0, reinspectedOnTime: 0, overdue: 0, publicFound: 0,
  meanResponseMinutes: null, meanHandlingMinutes: null, ...over,
});

describe('indicator formulas', () => {
  it('reproduces a published city figure: 737 closed on time of 972 due is 75.82 %', () => {
    expect(percent(737, 972)).toBe(75.82);
    expect(ratesOf(counts({ dueToClose: 972, closed: 900, closedOnTime: 737 }))).toMatchObject({ onTimeClosureRate: 75.82, closureRate: 92.59 });
  });

  it('has no rate without a denominator', () => {
    expect(percent(0, 0)).toBeNull();
    expect(Object.values(ratesOf(counts())).every((v) => v === null)).toBe(true);
  });

  it('derives accurate dispatch as (dispatched − reworked) / dispatched and valid reports as filed / (filed + voided)', () => {
    const r = ratesOf(counts({ dispatched: 40, reworked: 4, extended: 2, filed: 40, voided: 10, publicFound: 8 }));
    expect(r).toMatchObject({ accurateDispatchRate: 90, reworkRate: 10, extensionRate: 5, validReportRate: 80, missedReportRate: 20 });
  });

  it('grades A ≥ 90, B 75–90, C 60–75, D 40–60, E < 40', () => {
    expect([95, 90, 89.99, 75, 74.99, 60, 59.99, 40, 39.99, 0].map(gradeOf)).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D', 'E', 'E']);
    expect(gradeOf(null)).toBeNull();
  });

  it('sums units, weighting mean times by the incidents behind them', () => {
    const total = sumCounts([
      { ...counts({ reported: 3, closed: 1, meanResponseMinutes: 10, meanHandlingMinutes: 100 }), responded: 1, handled: 1 },
      { ...counts({ reported: 5, closed: 2, meanResponseMinutes: 40, meanHandlingMinutes: 40 }), responded: 3, handled: 2 },
    ]);
    expect(total).toMatchObject({ reported: 8, closed: 3, meanResponseMinutes: 32.5, meanHandlingMinutes: 60 });
  });
});
