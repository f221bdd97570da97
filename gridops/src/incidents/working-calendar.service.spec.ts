import { Clock } from '@gridhub/ingest';
import { isWorkday } from '@gridhub/contracts';
import { DEFAULT_GRIDOPS_SETTINGS } from '../gridops.options';
import { chineseDays, mergedDays, WorkingCalendarService } from './working-calendar.service';

const at = (iso: string) => ({ now: () => new Date(iso) }) as Clock;
const service = (calendarOverrides: string, now = '2026-12-06T10:00:00+08:00') =>
  new WorkingCalendarService({ ...DEFAULT_GRIDOPS_SETTINGS, attachmentsDir: '/tmp', calendarOverrides }, at(now));

describe('the city calendar over the national one', () => {
  it('takes the national holidays and make-up workdays as published', () => {
    const cal = service('').calendar;
    expect(isWorkday('2026-10-01', cal)).toBe(false); // National Day
    expect(isWorkday('2026-10-10', cal)).toBe(true); // make-up Saturday
    expect(isWorkday('2026-10-12', cal)).toBe(true); // an ordinary Monday
  });

  it('lays the city’s own days over it: a day off, a day worked, next year before the package has it', () => {
    const overrides = '2026-10-12=off,2026-10-10=off,2026-10-05=work,2027-01-01=off,2027-02-06=work';
    const cal = service(overrides).calendar;
    expect(isWorkday('2026-10-12', cal)).toBe(false);
    expect(isWorkday('2026-10-10', cal)).toBe(false);
    expect(isWorkday('2026-10-05', cal)).toBe(true);
    expect(isWorkday('2027-01-01', cal)).toBe(false); // a Friday
    expect(isWorkday('2027-02-06', cal)).toBe(true); // a Saturday
    const merged = mergedDays(chineseDays(), overrides);
    expect(merged.holidays['2026-10-05']).toBeUndefined();
    expect(merged.workdays['2026-10-10']).toBeUndefined();
  });

  it('names the city’s days for the browser and counts their year as covered', () => {
    const s = service('2027-01-01=off');
    expect(s.data('2027-01-01', '2027-01-31')).toMatchObject({ holidays: ['2027-01-01'], names: { '2027-01-01': '本市休息日' } });
    expect(s.years.has('2027')).toBe(true);
    expect(service('').years.has('2027')).toBe(false);
  });
});
