import { GRADES, INDICATOR_PERIODS, INDICATOR_ROLES, INDICATOR_SCOPES, type IndicatorReport, type RoleIndicatorReport } from '@gridhub/contracts';
import { isoTime, Same, z } from '@gridhub/ingest';

const rate = z.number().nullable();
const count = z.number();

/** One row of GET /api/v1/indicators: `IndicatorRow` of @gridhub/contracts. */
const indicatorRowSchema = z.object({
  scope: z.enum(INDICATOR_SCOPES),
  code: z.string(),
  name: z.string().nullable(),
  counts: z.object({
    reported: count,
    voided: count,
    filed: count,
    verified: count,
    verifiedOnTime: count,
    dispatched: count,
    dispatchedOnTime: count,
    dueToClose: count,
    closed: count,
    closedOnTime: count,
    reworked: count,
    extended: count,
    reinspected: count,
    reinspectedOnTime: count,
    overdue: count,
    publicFound: count,
    meanResponseMinutes: z.number().nullable(),
    meanHandlingMinutes: z.number().nullable(),
  }),
  rates: z.object({
    closureRate: rate,
    onTimeClosureRate: rate,
    reworkRate: rate,
    extensionRate: rate,
    onTimeDispatchRate: rate,
    accurateDispatchRate: rate,
    onTimeVerificationRate: rate,
    onTimeReinspectionRate: rate,
    validReportRate: rate,
    missedReportRate: rate,
  }),
  score: z.number().nullable(),
  grade: z.enum(GRADES).nullable(),
});

/** GET /api/v1/indicators: `IndicatorReport`. */
export const indicatorReportSchema = z.object({
  scope: z.enum(INDICATOR_SCOPES),
  code: z.string().nullable(),
  from: isoTime,
  to: isoTime,
  asOf: isoTime,
  rows: z.array(indicatorRowSchema),
  total: indicatorRowSchema,
});

/** GET /api/v1/indicators/roles: `RoleIndicatorReport`. */
export const roleIndicatorReportSchema = z.object({
  role: z.enum(INDICATOR_ROLES),
  period: z.enum(INDICATOR_PERIODS),
  from: isoTime,
  to: isoTime,
  asOf: isoTime,
  measures: z
    .array(
      z.object({
        key: z.string(),
        zh: z.string(),
        en: z.string(),
        numerator: z.string(),
        denominator: z.string(),
        better: z.enum(['higher', 'lower']),
        weight: z.number(),
      }),
    )
    .readonly(),
  rows: z.array(
    z.object({
      period: z.string(),
      periodStart: isoTime,
      code: z.string(),
      name: z.string().nullable(),
      counts: z.record(z.string(), z.number()),
      rates: z.record(z.string(), z.number().nullable()),
      score: z.number().nullable(),
      grade: z.enum(GRADES).nullable(),
    }),
  ),
});

// The schemas describe exactly the contracts' types.
const _report: Same<z.infer<typeof indicatorReportSchema>, IndicatorReport> = true;
const _roles: Same<z.infer<typeof roleIndicatorReportSchema>, RoleIndicatorReport> = true;
void _report;
void _roles;
