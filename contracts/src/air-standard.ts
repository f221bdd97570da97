/**
 * Ambient air quality standard — GB 3095 (环境空气质量标准), the concentration limits a day is judged against for
 * compliance (达标), by the edition in force on that China calendar day (docs/domain/air-quality.md):
 * - GB 3095-2012 up to 2026-02-28;
 * - GB 3095—2026 transition stage, 2026-03-01 … 2030-12-31: PM2.5 level-2 limits 60 (24-hour) and 30 (annual);
 *   the other pollutants keep the 2012 limits, since the revised PM10, SO2 and NO2 limits apply from stage 2 only;
 * - GB 3095—2026 stage 2 from 2031-01-01: PM2.5 50 (24-hour) and 25 (annual); PM10, SO2 and NO2 revised too.
 * Level-2 (二级) limits, those of residential, commercial, industrial and rural areas (二类区), where cities are.
 * Pure functions: no clock, no I/O. µg/m³, CO in mg/m³.
 */
import { type Pollutant, reportedConcentration } from './aqi';

export const AIR_STANDARD_STAGES = ['GB 3095-2012', 'GB 3095-2026 transition', 'GB 3095-2026'] as const;
export type AirStandardStage = (typeof AIR_STANDARD_STAGES)[number];

/** Starts (epoch ms) of the stages, midnight China Standard Time (UTC+8). */
const STAGE_STARTS: readonly [AirStandardStage, number][] = [
  ['GB 3095-2026', Date.UTC(2030, 11, 31, 16)],
  ['GB 3095-2026 transition', Date.UTC(2026, 1, 28, 16)],
  ['GB 3095-2012', -Infinity],
];

/** The stage of GB 3095 in force for the China calendar day starting at `dayStart`. */
export function airStandardAt(dayStart: Date | number): AirStandardStage {
  const ms = typeof dayStart === 'number' ? dayStart : dayStart.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`a valid day is needed to choose the GB 3095 stage, got ${String(dayStart)}`);
  return STAGE_STARTS.find(([, from]) => ms >= from)![0];
}

/** The daily pollutants a day is judged on: 24-hour means, O3 by its daily maximum 8-hour mean. */
export const DAILY_LIMIT_POLLUTANTS = ['so2', 'no2', 'pm10', 'co', 'o3_8h', 'pm25'] as const satisfies readonly Pollutant[];
export type DailyLimitPollutant = (typeof DAILY_LIMIT_POLLUTANTS)[number];

const LIMITS_2012: Readonly<Record<DailyLimitPollutant, number>> = { so2: 150, no2: 80, pm10: 150, co: 4, o3_8h: 160, pm25: 75 };

/**
 * Level-2 24-hour limits by stage. `null`: the stage revises the limit, and its value is not tabulated here yet (the
 * PM10, SO2 and NO2 limits of stage 2, from 2031): a day then is not judged on that pollutant, and says so.
 */
export const DAILY_LIMITS: Readonly<Record<AirStandardStage, Readonly<Record<DailyLimitPollutant, number | null>>>> = {
  'GB 3095-2012': LIMITS_2012,
  'GB 3095-2026 transition': { ...LIMITS_2012, pm25: 60 },
  'GB 3095-2026': { so2: null, no2: null, pm10: null, co: 4, o3_8h: 160, pm25: 50 },
};

/** Level-2 annual PM2.5 limits by stage (年平均). */
export const ANNUAL_PM25_LIMIT: Readonly<Record<AirStandardStage, number>> = {
  'GB 3095-2012': 35,
  'GB 3095-2026 transition': 30,
  'GB 3095-2026': 25,
};

export interface PollutantCompliance {
  /** The daily value, at reporting precision. */
  value: number;
  limit: number;
  exceeds: boolean;
  /** 超标倍数 = (value − limit) / limit, two decimals; 0 when within the limit. */
  multiple: number;
}

export interface DailyCompliance {
  stage: AirStandardStage;
  /** 达标: every judged pollutant within its limit (and at least one judged). */
  compliant: boolean;
  items: Partial<Record<DailyLimitPollutant, PollutantCompliance>>;
  exceeding: DailyLimitPollutant[];
  /** Pollutants measured but without a tabulated limit in this stage. */
  notJudged: DailyLimitPollutant[];
}

/**
 * Judges one station-day: its daily values (24-hour means; `o3_8h` the daily maximum 8-hour mean) against the
 * level-2 24-hour limits of the stage in force on the day. Null when no pollutant could be judged.
 */
export function dailyCompliance(daily: Partial<Record<Pollutant, number>>, dayStart: Date | number): DailyCompliance | null {
  const stage = airStandardAt(dayStart);
  const items: Partial<Record<DailyLimitPollutant, PollutantCompliance>> = {};
  const exceeding: DailyLimitPollutant[] = [];
  const notJudged: DailyLimitPollutant[] = [];
  for (const p of DAILY_LIMIT_POLLUTANTS) {
    const raw = daily[p];
    if (raw === undefined || raw === null || !Number.isFinite(raw)) continue;
    const limit = DAILY_LIMITS[stage][p];
    if (limit === null) {
      notJudged.push(p);
      continue;
    }
    const value = reportedConcentration(p, raw);
    const exceeds = value > limit;
    items[p] = { value, limit, exceeds, multiple: exceeds ? Math.round(((value - limit) / limit) * 100) / 100 : 0 };
    if (exceeds) exceeding.push(p);
  }
  if (Object.keys(items).length === 0) return null;
  return { stage, compliant: exceeding.length === 0, items, exceeding, notJudged };
}
