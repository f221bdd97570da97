import {
  addTime,
  addWorkingMinutes,
  calendarFromData,
  formatWorkingHours,
  isWorkday,
  isWorkingTime,
  localDate,
  parseCalendarOverrides,
  parseWorkingHours,
  timeBetween,
  workingCalendar,
  workingMinutesBetween,
} from './working-time';

/**
 * The State Council's 2026 holiday arrangement for Mid-Autumn and National Day, written out by hand:
 * 25–27 Sep and 1–7 Oct off; Sunday 20 Sep and Saturday 10 Oct worked (调休).
 */
const cal = workingCalendar({
  periods: parseWorkingHours('08:30-12:00,14:00-18:00'),
  utcOffsetMinutes: 480,
  holidays: ['2026-09-25', '2026-09-26', '2026-09-27', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-20', '2026-10-10'],
});
const cst = (local: string) => new Date(`${local}+08:00`);
const iso = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16);

describe('working days', () => {
  it('works Monday to Friday, not at the weekend', () => {
    expect(isWorkday('2026-09-29', cal)).toBe(true); // Tuesday
    expect(isWorkday('2026-10-17', cal)).toBe(false); // an ordinary Saturday
    expect(isWorkday('2026-10-18', cal)).toBe(false); // Sunday
  });

  it('is off on a public holiday that falls on a weekday, and on at a make-up weekend day', () => {
    expect(isWorkday('2026-10-01', cal)).toBe(false); // Thursday, National Day
    expect(isWorkday('2026-09-25', cal)).toBe(false); // Friday, Mid-Autumn
    expect(isWorkday('2026-10-10', cal)).toBe(true); // Saturday, 调休
    expect(isWorkday('2026-09-20', cal)).toBe(true); // Sunday, 调休
  });

  it('finds the local date of an instant in China Standard Time', () => {
    expect(localDate(new Date('2026-09-30T16:30:00Z'), cal)).toBe('2026-10-01');
    expect(localDate(new Date('2026-09-30T15:59:59Z'), cal)).toBe('2026-09-30');
  });

  it('knows working time inside a period only', () => {
    expect(isWorkingTime(cst('2026-09-30T08:30:00'), cal)).toBe(true);
    expect(isWorkingTime(cst('2026-09-30T12:00:00'), cal)).toBe(false);
    expect(isWorkingTime(cst('2026-09-30T13:59:00'), cal)).toBe(false);
    expect(isWorkingTime(cst('2026-10-02T10:00:00'), cal)).toBe(false);
    expect(isWorkingTime(cst('2026-10-10T10:00:00'), cal)).toBe(true);
  });
});

describe('addWorkingMinutes', () => {
  it('carries a task dispatched before National Day over the holiday', () => {
    // 30 minutes left on 30 Sep, the other 30 on Thursday 8 Oct after the week off.
    expect(iso(addWorkingMinutes(cst('2026-09-30T17:30:00'), 60, cal))).toBe('2026-10-08T09:00');
    // A two-working-day limit (16 h) from 30 Sep 10:00: 6 h left that day, 7.5 h on 8 Oct, 2.5 h on 9 Oct.
    expect(iso(addWorkingMinutes(cst('2026-09-30T10:00:00'), 960, cal))).toBe('2026-10-09T11:00');
  });

  it('counts a make-up Saturday as a workday', () => {
    // Friday 9 Oct 17:00: one hour that day, then Saturday 10 Oct (调休) from 08:30.
    expect(iso(addWorkingMinutes(cst('2026-10-09T17:00:00'), 240, cal))).toBe('2026-10-10T11:30');
    // An ordinary weekend is skipped: Friday 16 Oct 17:00 + 240 → Monday 19 Oct.
    expect(iso(addWorkingMinutes(cst('2026-10-16T17:00:00'), 240, cal))).toBe('2026-10-19T11:30');
  });

  it('ends on a period’s end when the time is used up exactly, and skips lunch and nights', () => {
    expect(iso(addWorkingMinutes(cst('2026-09-29T09:00:00'), 180, cal))).toBe('2026-09-29T12:00');
    expect(iso(addWorkingMinutes(cst('2026-09-29T09:00:00'), 181, cal))).toBe('2026-09-29T14:01');
    expect(iso(addWorkingMinutes(cst('2026-09-29T12:30:00'), 30, cal))).toBe('2026-09-29T14:30');
    expect(iso(addWorkingMinutes(cst('2026-09-29T20:00:00'), 1, cal))).toBe('2026-09-30T08:31');
    expect(iso(addWorkingMinutes(cst('2026-09-29T06:00:00'), 15, cal))).toBe('2026-09-29T08:45');
  });

  it('keeps fractions of a minute', () => {
    expect(addWorkingMinutes(cst('2026-09-29T09:00:00'), 0.5, cal).toISOString()).toBe('2026-09-29T01:00:30.000Z');
  });

  it('counts backwards for a negative number of minutes', () => {
    expect(iso(addWorkingMinutes(cst('2026-10-08T09:00:00'), -60, cal))).toBe('2026-09-30T17:30');
    expect(iso(addWorkingMinutes(cst('2026-09-29T14:30:00'), -60, cal))).toBe('2026-09-29T11:30');
    expect(iso(addWorkingMinutes(cst('2026-09-29T08:30:00'), -1, cal))).toBe('2026-09-28T17:59');
  });

  it('returns the start for zero minutes', () => {
    expect(addWorkingMinutes(cst('2026-10-02T03:00:00'), 0, cal).getTime()).toBe(cst('2026-10-02T03:00:00').getTime());
  });

  it('refuses a calendar without working time and a count that is not a number', () => {
    const never = workingCalendar({ periods: [], utcOffsetMinutes: 480, holidays: [], workdays: [] });
    expect(() => addWorkingMinutes(cst('2026-09-29T09:00:00'), 10, never)).toThrow(/no working time/);
    expect(() => addWorkingMinutes(cst('2026-09-29T09:00:00'), Number.NaN, cal)).toThrow(/not a number/);
  });
});

describe('workingMinutesBetween', () => {
  it('counts only the working periods of workdays', () => {
    // 30 Sep: 7.5 h; 1–7 Oct: nothing; 8 Oct morning: 3.5 h.
    expect(workingMinutesBetween(cst('2026-09-30T08:00:00'), cst('2026-10-08T12:00:00'), cal)).toBe(660);
    expect(workingMinutesBetween(cst('2026-10-01T00:00:00'), cst('2026-10-08T00:00:00'), cal)).toBe(0);
    expect(workingMinutesBetween(cst('2026-10-09T17:00:00'), cst('2026-10-10T11:30:00'), cal)).toBe(240);
    expect(workingMinutesBetween(cst('2026-09-29T11:00:00'), cst('2026-09-29T15:00:00'), cal)).toBe(120);
  });

  it('is negative when the end is earlier', () => {
    expect(workingMinutesBetween(cst('2026-09-29T15:00:00'), cst('2026-09-29T11:00:00'), cal)).toBe(-120);
  });

  it('is the inverse of addWorkingMinutes', () => {
    let start = cst('2026-09-18T07:13:00');
    for (let k = 0; k < 200; k++) {
      const minutes = ((k * 7919) % 4000) + 0.25;
      const end = addWorkingMinutes(start, minutes, cal);
      expect(workingMinutesBetween(start, end, cal)).toBeCloseTo(minutes, 6);
      expect(addWorkingMinutes(end, -minutes, cal).getTime()).toBeGreaterThanOrEqual(start.getTime());
      start = new Date(start.getTime() + 3_600_000 * 5.3);
    }
  });
});

describe('bases and hours', () => {
  it('adds natural time minute for minute', () => {
    expect(iso(addTime(cst('2026-09-30T17:30:00'), 60, 'natural', cal))).toBe('2026-09-30T18:30');
    expect(timeBetween(cst('2026-09-30T17:30:00'), cst('2026-10-08T09:00:00'), 'natural', cal)).toBe(7 * 1440 + 930);
    expect(timeBetween(cst('2026-09-30T17:30:00'), cst('2026-10-08T09:00:00'), 'working', cal)).toBe(60);
  });

  it('parses and writes working hours, refusing malformed ones', () => {
    expect(parseWorkingHours('08:30-12:00,14:00-18:00')).toEqual([[510, 720], [840, 1080]]);
    expect(parseWorkingHours('00:00-24:00')).toEqual([[0, 1440]]);
    expect(formatWorkingHours([[510, 720], [840, 1080]])).toBe('08:30-12:00,14:00-18:00');
    expect(() => parseWorkingHours('8-12')).toThrow(/HH:MM-HH:MM/);
    expect(() => parseWorkingHours('12:00-08:30')).toThrow(/before the end/);
    expect(() => parseWorkingHours('08:30-12:00,11:00-18:00')).toThrow(/overlap/);
    expect(() => parseWorkingHours('08:30-12:60')).toThrow(/within the day/);
  });

  it('rebuilds a calendar from its JSON form (what the browser receives)', () => {
    const data = { workingHours: '09:00-17:00', utcOffsetMinutes: 480, holidays: ['2026-10-01'], workdays: ['2026-10-10'] };
    const browser = calendarFromData(data);
    expect(iso(addWorkingMinutes(cst('2026-09-30T16:00:00'), 120, browser))).toBe('2026-10-02T10:00');
    expect(isWorkday('2026-10-10', browser)).toBe(true);
  });
});

describe('calendar overrides (GRIDHUB_CALENDAR_OVERRIDES)', () => {
  it('reads days off and days worked', () => {
    expect(parseCalendarOverrides('2027-01-01=off, 2027-02-06=work,2027-02-11=off')).toEqual({
      holidays: ['2027-01-01', '2027-02-11'],
      workdays: ['2027-02-06'],
    });
    expect(parseCalendarOverrides('')).toEqual({ holidays: [], workdays: [] });
  });

  it('refuses what is not a real day or names one twice', () => {
    expect(() => parseCalendarOverrides('2027-02-30=off')).toThrow(/a real date/);
    expect(() => parseCalendarOverrides('2027-1-1=off')).toThrow(/expected YYYY-MM-DD=off/);
    expect(() => parseCalendarOverrides('2027-01-01=holiday')).toThrow(/expected YYYY-MM-DD=off/);
    expect(() => parseCalendarOverrides('2027-01-01=off,2027-01-01=work')).toThrow(/given twice/);
  });
});
