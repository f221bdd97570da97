import { breaches } from './rule.types';

describe('threshold check', () => {
  it('breaches an "above" rule only strictly above the threshold', () => {
    const rule = { operator: 'above' as const, threshold: 150 };
    expect(breaches(rule, 150.1)).toBe(true);
    expect(breaches(rule, 150)).toBe(false);
    expect(breaches(rule, 20)).toBe(false);
  });

  it('breaches a "below" rule only strictly below the threshold', () => {
    const rule = { operator: 'below' as const, threshold: 5 };
    expect(breaches(rule, 4.9)).toBe(true);
    expect(breaches(rule, 5)).toBe(false);
  });
});
