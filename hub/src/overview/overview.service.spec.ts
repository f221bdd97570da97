import { dayStartCst } from './overview.service';

describe('dayStartCst', () => {
  it('is midnight China Standard Time (UTC+8) of the day containing the instant', () => {
    expect(dayStartCst(new Date('2026-12-06T09:30:00Z')).toISOString()).toBe('2026-12-05T16:00:00.000Z');
    // 23:59 UTC is already the next day in China.
    expect(dayStartCst(new Date('2026-12-06T23:59:00Z')).toISOString()).toBe('2026-12-06T16:00:00.000Z');
    expect(dayStartCst(new Date('2026-12-05T16:00:00Z')).toISOString()).toBe('2026-12-05T16:00:00.000Z');
    expect(dayStartCst(new Date('2026-12-05T15:59:59.999Z')).toISOString()).toBe('2026-12-04T16:00:00.000Z');
  });
});
