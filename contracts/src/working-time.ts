/**
 * Working time (工作时) — the pure calendar arithmetic of the incident loop's time limits (docs/working-time.md).
 *
 * A limit counts either natural time (自然时: every minute) or working time: only the minutes inside the city's
 * working periods (default 08:30–12:00 and 14:00–18:00) of a workday. A workday is Monday–Friday unless it is
 * a public holiday, or a weekend day declared a make-up workday (调休). The holiday data is an input: the server
 * reads it from a maintained package, the browser receives it from the server; this module has no dependency.
 */

export const TIME_BASES = ['working', 'natural'] as const;
export type TimeBasis = (typeof TIME_BASES)[number];

/** Minutes after local midnight: [start, end). */
export type WorkingPeriod = readonly [number, number];

export interface WorkingCalendarInput {
  /** Working periods of a workday, ascending and not overlapping (minutes after local midnight). */
  periods: readonly WorkingPeriod[];
  /** The city's offset from UTC in minutes (China Standard Time: 480, no daylight saving). */
  utcOffsetMinutes: number;
  /** Public holidays (YYYY-MM-DD, local): off even on a weekday. */
  holidays: Iterable<string>;
  /** Make-up workdays (调休, YYYY-MM-DD, local): worked even on a Saturday or Sunday. */
  workdays: Iterable<string>;
}

export interface WorkingCalendar {
  readonly periods: readonly WorkingPeriod[];
  readonly utcOffsetMinutes: number;
  readonly holidays: ReadonlySet<string>;
  readonly workdays: ReadonlySet<string>;
}

/** The default working hours of a Chinese city administration. */
export const DEFAULT_WORKING_HOURS = '08:30-12:00,14:00-18:00';
export const CHINA_UTC_OFFSET_MINUTES = 480;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Searching farther than this for working time means the calendar has none (no periods, every day off). */
const MAX_DAYS = 3700;

/**
 * Parses working hours written as `HH:MM-HH:MM[,HH:MM-HH:MM…]` (24:00 allowed as an end). Throws a message
 * naming the fault for anything else: unordered, overlapping or empty periods.
 */
export function parseWorkingHours(text: string): WorkingPeriod[] {
  const periods = text.split(',').map((part) => {
    const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(part);
    if (!m) throw new Error(`working hours "${part.trim()}": expected HH:MM-HH:MM`);
    const [start, end] = [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])];
    if (Number(m[2]) > 59 || Number(m[4]) > 59 || start >= end || end > 1440) {
      throw new Error(`working hours "${part.trim()}": the start must be before the end, both within the day`);
    }
    return [start, end] as const;
  });
  for (let k = 1; k < periods.length; k++) {
    if (periods[k]![0] < periods[k - 1]![1]) throw new Error(`working hours "${text}": periods must be ascending and not overlap`);
  }
  return periods;
}

/** A city's own days off and days worked, beside (and over) the national calendar. */
export interface CalendarOverrides {
  holidays: string[];
  workdays: string[];
}

/**
 * Parses `YYYY-MM-DD=off|work[,…]` (GRIDHUB_CALENDAR_OVERRIDES): days a city declares off or worked itself — a local
 * holiday, or next year's arrangement before the holiday package carries it. Throws naming the part that is wrong.
 */
export function parseCalendarOverrides(text: string): CalendarOverrides {
  const out: CalendarOverrides = { holidays: [], workdays: [] };
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const m = /^(\d{4})-(\d{2})-(\d{2})=(off|work)$/.exec(part);
    const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
    if (!m || !day || day.getUTCMonth() !== Number(m[2]) - 1 || day.getUTCDate() !== Number(m[3])) {
      throw new Error(`calendar override "${part}": expected YYYY-MM-DD=off or YYYY-MM-DD=work, a real date`);
    }
    const date = `${m[1]}-${m[2]}-${m[3]}`;
    if (out.holidays.includes(date) || out.workdays.includes(date)) throw new Error(`calendar override "${part}": ${date} is given twice`);
    (m[4] === 'off' ? out.holidays : out.workdays).push(date);
  }
  return out;
}

/** Writes periods back as `HH:MM-HH:MM,…`. */
export function formatWorkingHours(periods: readonly WorkingPeriod[]): string {
  const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return periods.map(([s, e]) => `${hm(s)}-${hm(e)}`).join(',');
}

export function workingCalendar(input: WorkingCalendarInput): WorkingCalendar {
  return {
    periods: input.periods.map(([s, e]) => [s, e] as const),
    utcOffsetMinutes: input.utcOffsetMinutes,
    holidays: new Set(input.holidays),
    workdays: new Set(input.workdays),
  };
}

/** Local midnight (as an instant) of the day `at` falls in. */
function dayStart(at: number, cal: WorkingCalendar): number {
  const offset = cal.utcOffsetMinutes * MINUTE_MS;
  return Math.floor((at + offset) / DAY_MS) * DAY_MS - offset;
}

function dayKey(start: number, cal: WorkingCalendar): string {
  return new Date(start + cal.utcOffsetMinutes * MINUTE_MS).toISOString().slice(0, 10);
}

/** The local date (YYYY-MM-DD) of an instant. */
export function localDate(at: Date, cal: WorkingCalendar): string {
  return dayKey(dayStart(at.getTime(), cal), cal);
}

/** Whether a local date (YYYY-MM-DD) is worked: a make-up workday, or Monday–Friday and not a holiday. */
export function isWorkday(date: string, cal: WorkingCalendar): boolean {
  if (cal.workdays.has(date)) return true;
  if (cal.holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** Whether each day (days since 1970-01-01, local) is worked, per calendar: the arithmetic asks about the same days often. */
const workdayMemo = new WeakMap<WorkingCalendar, Map<number, boolean>>();

function isWorkdayAt(start: number, cal: WorkingCalendar): boolean {
  let memo = workdayMemo.get(cal);
  if (!memo) workdayMemo.set(cal, (memo = new Map()));
  const day = Math.round((start + cal.utcOffsetMinutes * MINUTE_MS) / DAY_MS);
  let worked = memo.get(day);
  if (worked === undefined) {
    worked = isWorkday(dayKey(start, cal), cal);
    memo.set(day, worked);
  }
  return worked;
}

/** The working periods of the day starting at `start`, as instants (none on a day off). */
function periodsOf(start: number, cal: WorkingCalendar): [number, number][] {
  if (!isWorkdayAt(start, cal)) return [];
  return cal.periods.map(([s, e]) => [start + s * MINUTE_MS, start + e * MINUTE_MS]);
}

/**
 * The instant `minutes` working minutes after `start` (before it for a negative count). A deadline that uses up
 * a period exactly falls on the period's end (12:00, not 14:00). Fractions of a minute are kept.
 */
export function addWorkingMinutes(start: Date, minutes: number, cal: WorkingCalendar): Date {
  if (!Number.isFinite(minutes)) throw new Error(`addWorkingMinutes: ${minutes} is not a number of minutes`);
  if (minutes === 0) return new Date(start.getTime());
  const forward = minutes > 0;
  let remaining = Math.abs(minutes) * MINUTE_MS;
  const cursor = start.getTime();
  let day = dayStart(cursor, cal);
  for (let n = 0; n < MAX_DAYS; n++, day += forward ? DAY_MS : -DAY_MS) {
    const periods = periodsOf(day, cal);
    if (!forward) periods.reverse();
    for (const [ps, pe] of periods) {
      if (forward) {
        const from = Math.max(cursor, ps);
        if (from >= pe) continue;
        if (remaining <= pe - from) return new Date(from + remaining);
        remaining -= pe - from;
      } else {
        const to = Math.min(cursor, pe);
        if (to <= ps) continue;
        if (remaining <= to - ps) return new Date(to - remaining);
        remaining -= to - ps;
      }
    }
  }
  throw new Error(`the working calendar has no working time within ${MAX_DAYS} days of ${start.toISOString()}`);
}

/** Working minutes from `from` to `to` (negative when `to` is earlier). */
export function workingMinutesBetween(from: Date, to: Date, cal: WorkingCalendar): number {
  const [a, b] = [from.getTime(), to.getTime()];
  if (b < a) return -workingMinutesBetween(to, from, cal);
  let total = 0;
  for (let day = dayStart(a, cal); day < b; day += DAY_MS) {
    for (const [ps, pe] of periodsOf(day, cal)) {
      const overlap = Math.min(b, pe) - Math.max(a, ps);
      if (overlap > 0) total += overlap;
    }
  }
  return total / MINUTE_MS;
}

/** `minutes` after `start` on the given basis. */
export function addTime(start: Date, minutes: number, basis: TimeBasis, cal: WorkingCalendar): Date {
  return basis === 'natural' ? new Date(start.getTime() + minutes * MINUTE_MS) : addWorkingMinutes(start, minutes, cal);
}

/** Minutes from `from` to `to` on the given basis. */
export function timeBetween(from: Date, to: Date, basis: TimeBasis, cal: WorkingCalendar): number {
  return basis === 'natural' ? (to.getTime() - from.getTime()) / MINUTE_MS : workingMinutesBetween(from, to, cal);
}

/** Whether `at` falls inside working time (a working period of a workday). */
export function isWorkingTime(at: Date, cal: WorkingCalendar): boolean {
  const t = at.getTime();
  return periodsOf(dayStart(t, cal), cal).some(([ps, pe]) => t >= ps && t < pe);
}

/** The calendar facts the browser needs, as JSON (sets as sorted arrays). */
export interface WorkingCalendarData {
  workingHours: string;
  utcOffsetMinutes: number;
  holidays: string[];
  workdays: string[];
}

export function calendarFromData(data: WorkingCalendarData): WorkingCalendar {
  return workingCalendar({ periods: parseWorkingHours(data.workingHours), utcOffsetMinutes: data.utcOffsetMinutes, holidays: data.holidays, workdays: data.workdays });
}
