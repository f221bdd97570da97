import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock } from '@gridhub/ingest';
import {
  CHINA_UTC_OFFSET_MINUTES,
  parseCalendarOverrides,
  parseWorkingHours,
  WorkingCalendar,
  workingCalendar,
  WorkingCalendarData,
} from '@gridhub/contracts';
import { GRIDOPS_SETTINGS, GridopsSettings } from '../gridops.options';

/** The shape of chinese-days' data file: date → "English name,中文名,days". */
interface ChineseDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** China's public holidays and make-up workdays (调休) as published by the State Council, from `chinese-days`. */
export function chineseDays(): ChineseDays {
  return JSON.parse(readFileSync(require.resolve('chinese-days/dist/chinese-days.json'), 'utf8')) as ChineseDays;
}

/**
 * The national holidays and make-up workdays of `chinese-days`, with the city's own overrides laid over them (a day
 * the city declares off or worked is that, whatever the package says).
 */
export function mergedDays(days: ChineseDays, overrides: string): ChineseDays {
  const own = parseCalendarOverrides(overrides);
  const holidays = { ...days.holidays };
  const workdays = { ...days.workdays };
  for (const d of own.holidays) {
    delete workdays[d];
    holidays[d] ??= 'City holiday,本市休息日,1';
  }
  for (const d of own.workdays) {
    delete holidays[d];
    workdays[d] ??= 'City workday,本市调休上班,1';
  }
  return { holidays, workdays };
}

/**
 * The city's working calendar (docs/working-time.md): its working hours (GRIDHUB_WORKING_HOURS, default
 * 08:30–12:00 and 14:00–18:00) on workdays, with the national holidays and make-up workdays of the maintained
 * `chinese-days` package and the city's own overrides (GRIDHUB_CALENDAR_OVERRIDES). A year neither covers counts
 * Monday–Friday as workdays (warned at start).
 */
@Injectable()
export class WorkingCalendarService implements OnModuleInit {
  private readonly logger = new Logger(WorkingCalendarService.name);
  readonly calendar: WorkingCalendar;
  /** Years the holiday data covers. */
  readonly years: ReadonlySet<string>;
  private readonly days: ChineseDays;

  constructor(
    @Inject(GRIDOPS_SETTINGS) private readonly settings: GridopsSettings,
    private readonly clock: Clock,
  ) {
    this.days = mergedDays(chineseDays(), settings.calendarOverrides);
    this.calendar = workingCalendar({
      periods: parseWorkingHours(settings.workingHours),
      utcOffsetMinutes: CHINA_UTC_OFFSET_MINUTES,
      holidays: Object.keys(this.days.holidays),
      workdays: Object.keys(this.days.workdays),
    });
    this.years = new Set([...Object.keys(this.days.holidays), ...Object.keys(this.days.workdays)].map((d) => d.slice(0, 4)));
  }

  onModuleInit(): void {
    const year = new Date(this.clock.now().getTime() + CHINA_UTC_OFFSET_MINUTES * 60_000).getUTCFullYear();
    for (const y of [year, year + 1].map(String)) {
      if (!this.years.has(y)) {
        this.logger.warn(`no public-holiday data for ${y} in chinese-days: Monday–Friday count as workdays that year (update the package once the State Council publishes ${y}'s arrangement, or give the days in GRIDHUB_CALENDAR_OVERRIDES)`);
      }
    }
  }

  /** The calendar as JSON for the browser, holidays and make-up workdays from `from` to `to` (YYYY-MM-DD). */
  data(from: string, to: string): WorkingCalendarData & { from: string; to: string; names: Record<string, string> } {
    const within = (d: string) => d >= from && d <= to;
    const holidays = Object.keys(this.days.holidays).filter(within).sort();
    const workdays = Object.keys(this.days.workdays).filter(within).sort();
    const names: Record<string, string> = {};
    for (const d of [...holidays, ...workdays]) names[d] = (this.days.holidays[d] ?? this.days.workdays[d] ?? '').split(',')[1] ?? '';
    return { workingHours: this.settings.workingHours, utcOffsetMinutes: this.calendar.utcOffsetMinutes, holidays, workdays, from, to, names };
  }
}
