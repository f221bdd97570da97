import { RuleSchedule } from './rule.types';

/** Asia/Shanghai is UTC+8 all year (no daylight saving since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether a rule with this schedule is active at `at`: the weekday (Monday = 1) and the time of day are read in
 * Asia/Shanghai. A window whose `from` is later than its `to` runs over midnight (22:00–06:00), and then
 * the weekday is the one on which the window began.
 */
export function isScheduled(schedule: RuleSchedule | null, at: Date): boolean {
  if (!schedule) return true;
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  const from = schedule.from ? minutesOf(schedule.from) : 0;
  const to = schedule.to ? minutesOf(schedule.to) : 24 * 60;
  const dayOk = (day: number) => !schedule.days || schedule.days.length === 0 || schedule.days.includes(day);
  if (from <= to) return dayOk(weekday) && minute >= from && minute < to;
  // Over midnight: the evening part belongs to today, the morning part to yesterday's window.
  if (minute >= from) return dayOk(weekday);
  if (minute < to) return dayOk(weekday === 1 ? 7 : weekday - 1);
  return false;
}
