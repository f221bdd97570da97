import { WATER_ITEMS } from '@gridhub/contracts';
import { isoTime, z } from '../common/api-schema';
import { WATER_QUALITY_KINDS } from './water.service';

const waterClass = z.literal([1, 2, 3, 4, 5, 6]);
const waterItem = z.enum(WATER_ITEMS);
const classLabel = { klass: waterClass, classRoman: z.string(), labelZh: z.string(), labelEn: z.string() };

const stationSchema = z.object({
  id: z.string(),
  name: z.string(),
  gridCode: z.string().nullable(),
  kind: z.string().nullable(),
  waterbody: z.enum(['river', 'lake']),
  targetClass: z.object({ klass: waterClass, labelZh: z.string(), labelEn: z.string(), classRoman: z.string() }).nullable(),
  warningLevelM: z.number().nullable(),
  guaranteedLevelM: z.number().nullable(),
});

/** One GB 3838-2002 evaluation: of a sample (a device message) or of a China day's means (`end` then). */
const evaluationSchema = z.object({
  time: isoTime,
  end: isoTime.optional(),
  values: z.partialRecord(waterItem, z.number()),
  temperatureC: z.number().optional(),
  ...classLabel,
  limitingItems: z.array(waterItem),
  items: z.partialRecord(waterItem, waterClass),
  notAssessed: z.array(waterItem).optional(),
  /** Only where the station has a target class. */
  missesTarget: z.boolean().optional(),
  exceedances: z
    .array(
      z.object({
        item: waterItem,
        value: z.number(),
        klass: waterClass,
        limit: z.union([z.number(), z.tuple([z.number(), z.number()]).readonly()]),
        times: z.number().nullable(),
      }),
    )
    .optional(),
});

/** GET /api/v1/water/quality: `samples` for kind=sample, `days` for kind=daily. */
export const waterQualitySchema = z.object({
  kind: z.enum(WATER_QUALITY_KINDS),
  from: isoTime,
  to: isoTime,
  station: stationSchema,
  standard: z.string(),
  summary: z.object({
    evaluated: z.number().int(),
    worst: z.object(classLabel).nullable(),
    missingTarget: z.number().int().optional(),
  }),
  samples: z.array(evaluationSchema).optional(),
  days: z.array(evaluationSchema).optional(),
});
export type WaterQualityResponse = z.infer<typeof waterQualitySchema>;

const levelPointSchema = z.object({
  time: isoTime,
  levelM: z.number(),
  state: z.enum(['normal', 'above_warning', 'above_guaranteed', 'unknown']),
  aboveWarningM: z.number().optional(),
  aboveGuaranteedM: z.number().optional(),
});
const hourlyRainSchema = z.object({ hour: isoTime, end: isoTime, mm: z.number(), samples: z.number().int() });

/** GET /api/v1/water/level. */
export const waterLevelSchema = z.object({
  from: isoTime,
  to: isoTime,
  station: stationSchema,
  level: z.object({
    unit: z.string(),
    warningLevelM: z.number().nullable(),
    guaranteedLevelM: z.number().nullable(),
    latest: levelPointSchema.nullable(),
    peak: levelPointSchema.nullable(),
    aboveWarningReadings: z.number().int(),
    aboveGuaranteedReadings: z.number().int(),
    points: z.array(levelPointSchema),
  }),
  rainfall: z.object({
    unit: z.string(),
    totalMm: z.number(),
    maxHourly: hourlyRainSchema.nullable(),
    interval: z.array(z.object({ time: isoTime, mm: z.number() })),
    hourly: z.array(hourlyRainSchema),
  }),
});
export type WaterLevelResponse = z.infer<typeof waterLevelSchema>;
