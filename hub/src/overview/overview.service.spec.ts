import { dayStartCst, scopePrefix } from './overview.service';

describe('dayStartCst', () => {
  it('is midnight China Standard Time (UTC+8) of the day containing the instant', () => {
    expect(dayStartCst(new Date('2026-12-06T09:30:00Z')).toISOString()).toBe('2026-12-05T16:00:00.000Z');
    // 23:59 UTC is already the next day in China.
    expect(dayStartCst(new Date('2026-12-06T23:59:00Z')).toISOString()).toBe('2026-12-06T16:00:00.000Z');
    expect(dayStartCst(new Date('2026-12-05T16:00:00Z')).toISOString()).toBe('2026-12-05T16:00:00.000Z');
    expect(dayStartCst(new Date('2026-12-05T15:59:59.999Z')).toISOString()).toBe('2026-12-04T16:00:00.000Z');
  });
});

describe('scopePrefix', () => {
  it('is the scope itself below the city, and the shared GB/T 2260 digits of a city’s districts', () => {
    expect(scopePrefix(null)).toBeNull();
    expect(scopePrefix('140105')).toBe('140105');
    expect(scopePrefix('140105001')).toBe('140105001');
    expect(scopePrefix('140100')).toBe('1401'); // 太原市 → 140105 小店区, 140106 迎泽区
    expect(scopePrefix('110000')).toBe('11'); // 北京市 → 110101 东城区
  });
});
