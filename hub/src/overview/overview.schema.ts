import { ALERT_KINDS, ALERT_SOURCES, ALERT_STATUSES, SENSOR_FAMILIES, WARNING_COLOURS, WATER_ITEMS } from '@gridhub/contracts';
import { isoTime, z } from '@gridhub/ingest';

const waterClass = z.literal([1, 2, 3, 4, 5, 6]);
const period = z.object({ from: isoTime, to: isoTime });

/** HJ 633-2012 AQI with its level, colour and category. */
const aqiSummarySchema = z.object({ aqi: z.number(), level: z.number().int(), colour: z.string(), categoryZh: z.string(), categoryEn: z.string() });

/** GET /api/v1/overview: the overview screen's data in one answer. */
export const overviewSchema = z.object({
  generatedAt: isoTime,
  scope: z.string().nullable(),
  day: period,
  counters: z.object({
    reportedToday: z.number().int(),
    filedToday: z.number().int(),
    closedToday: z.number().int(),
    open: z.number().int(),
    overdue: z.number().int(),
    onTimeClosureRate: z.number().nullable(),
    closureRate: z.number().nullable(),
    ratePeriod: period,
  }),
  areas: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      level: z.string(),
      openIncidents: z.number().int(),
      aqi: aqiSummarySchema.nullable(),
      water: z.object({ klass: waterClass, classRoman: z.string(), labelZh: z.string(), labelEn: z.string(), stations: z.number().int() }).nullable(),
    }),
  ),
  air: z.object({
    time: isoTime.nullable(),
    city: aqiSummarySchema.nullable(),
    ranking: z.array(
      aqiSummarySchema.extend({
        rank: z.number().int(),
        deviceId: z.string(),
        name: z.string(),
        gridCode: z.string().nullable(),
        primaryPollutants: z.array(z.string()),
      }),
    ),
  }),
  water: z.object({
    total: z.number().int(),
    stations: z.array(
      z.object({
        deviceId: z.string(),
        name: z.string(),
        gridCode: z.string().nullable(),
        online: z.boolean(),
        time: isoTime,
        klass: waterClass,
        classRoman: z.string(),
        labelZh: z.string(),
        labelEn: z.string(),
        limitingItems: z.array(z.enum(WATER_ITEMS)),
        targetClass: z.string().nullable(),
        missesTarget: z.boolean().nullable(),
      }),
    ),
  }),
  warnings: z.object({
    counts: z.record(z.enum(WARNING_COLOURS), z.number().int()),
    total: z.number().int(),
    items: z.array(
      z.object({
        id: z.string(),
        severity: z.enum(WARNING_COLOURS),
        status: z.enum(ALERT_STATUSES),
        capMsgType: z.enum(['Alert', 'Update', 'Cancel']),
        source: z.enum(ALERT_SOURCES),
        family: z.enum(SENSOR_FAMILIES),
        kind: z.enum(ALERT_KINDS),
        title: z.string().nullable(),
        titleEn: z.string().nullable(),
        eventType: z.string().nullable(),
        deviceName: z.string(),
        gridCode: z.string().nullable(),
        count: z.number().int(),
        raisedAt: isoTime,
        updatedAt: isoTime,
      }),
    ),
  }),
  trend: z.object({
    hours: z.array(isoTime),
    alerts: z.record(z.enum(SENSOR_FAMILIES), z.array(z.number().int())),
    incidents: z.array(z.number().int()),
    aqi: z.array(z.number().nullable()),
  }),
  workers: z.object({
    total: z.number().int(),
    available: z.number().int(),
    busy: z.number().int(),
    items: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), openTasks: z.number().int(), community: z.string().nullable() })),
  }),
  ticker: z.array(
    z.object({
      id: z.string(),
      code: z.string(),
      title: z.string(),
      category: z.string(),
      categoryZh: z.string().nullable(),
      categoryEn: z.string().nullable(),
      status: z.string(),
      priority: z.string(),
      overdue: z.boolean(),
      gridCode: z.string().nullable(),
      gridName: z.string().nullable(),
      createdAt: isoTime,
    }),
  ),
});
export type OverviewResponse = z.infer<typeof overviewSchema>;
