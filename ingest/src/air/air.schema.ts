import { AIR_STANDARD_STAGES, AQI_EDITIONS, AqiReport, DAILY_LIMIT_POLLUTANTS, DailyCompliance, EditionSpan, POLLUTANTS } from '@gridhub/contracts';
import { Same, z } from '../common/api-schema';
import { AqiRecomputation, AREA_LEVELS } from './air-quality.service';

const kind = z.enum(['hourly', 'daily']);
const edition = z.enum(AQI_EDITIONS);
const level = z.literal([1, 2, 3, 4, 5, 6]);
const byPollutant = z.partialRecord(z.enum(POLLUTANTS), z.number());

/** What every AQI report carries, whatever it is about (a station, an area, a rank). */
const reportBody = z.object({
  aqi: z.number(),
  level,
  levelZh: z.string(),
  categoryZh: z.string(),
  categoryEn: z.string(),
  colour: z.object({ name: z.string(), rgb: z.tuple([z.number(), z.number(), z.number()]), hex: z.string() }),
  primaryPollutants: z.array(z.enum(POLLUTANTS)),
  exceedingPollutants: z.array(z.enum(POLLUTANTS)).optional(),
  iaqi: byPollutant,
  concentrations: z.record(z.string(), z.number()),
  hours: z.number().int().optional(),
  stations: z.number().int().optional(),
});

/** An hourly or daily AQI report (`AqiReport`). */
export const aqiReportSchema = reportBody.extend({ kind, edition, time: z.string(), end: z.string() });
const editionSpan = z.object({ edition, from: z.string(), to: z.string() });
const stationRef = z.object({ id: z.string(), name: z.string(), gridCode: z.string().nullable() });
const area = z.object({ code: z.string(), name: z.string(), level: z.string(), stations: z.array(stationRef) });
const range = { kind, from: z.string(), to: z.string(), editions: z.array(editionSpan) };

/** A station's reports, an area's (mean concentrations), or an area's per station. */
export const aqiSeriesSchema = z.union([
  z.object({ ...range, station: stationRef, reports: z.array(aqiReportSchema) }),
  z.object({ ...range, area, method: z.string(), reports: z.array(aqiReportSchema) }),
  z.object({ ...range, area, series: z.array(z.object({ deviceId: z.string(), reports: z.array(aqiReportSchema) })) }),
]);

/** Stations or areas ranked by AQI for one hour or day, best first. */
export const aqiRankingSchema = z.union([
  z.object({ kind, level: z.enum(['station', ...AREA_LEVELS]), time: z.null(), items: z.array(z.never()) }),
  z.object({
    kind,
    level: z.enum(['station', ...AREA_LEVELS]),
    edition,
    time: z.string(),
    end: z.string(),
    method: z.string().optional(),
    items: z.array(reportBody.extend({ rank: z.number().int(), deviceId: z.string().optional(), gridCode: z.string().optional(), name: z.string() })),
  }),
]);

const pollutantCompliance = z.object({ value: z.number(), limit: z.number(), exceeds: z.boolean(), multiple: z.number() });
const dailyCompliance = z.object({
  stage: z.enum(AIR_STANDARD_STAGES),
  compliant: z.boolean(),
  items: z.partialRecord(z.enum(DAILY_LIMIT_POLLUTANTS), pollutantCompliance),
  exceeding: z.array(z.enum(DAILY_LIMIT_POLLUTANTS)),
  notJudged: z.array(z.enum(DAILY_LIMIT_POLLUTANTS)),
});

/** Compliance (达标) of each station-day with the GB 3095 level-2 24-hour limits. */
export const complianceSchema = z.object({
  from: z.string(),
  to: z.string(),
  level: z.string(),
  stations: z.array(
    z.object({
      deviceId: z.string(),
      name: z.string(),
      gridCode: z.string().nullable(),
      days: z.array(dailyCompliance.extend({ day: z.string() })),
      judgedDays: z.number().int(),
      compliantDays: z.number().int(),
      complianceRate: z.number().nullable(),
    }),
  ),
});

/** The recomputation after a change of rules: how many reports changed. */
export const recomputationSchema = z.object({
  since: z.string(),
  marked: z.number().int(),
  hours: z.number().int(),
  hourlyChanged: z.number().int(),
  dailyChanged: z.number().int(),
});

const _report: Same<z.infer<typeof aqiReportSchema>, AqiReport> = true;
const _span: Same<z.infer<typeof editionSpan>, EditionSpan> = true;
const _compliance: Same<z.infer<typeof dailyCompliance>, DailyCompliance> = true;
const _recompute: Same<z.infer<typeof recomputationSchema>, AqiRecomputation & { since: string; marked: number }> = true;
void _report;
void _span;
void _compliance;
void _recompute;
