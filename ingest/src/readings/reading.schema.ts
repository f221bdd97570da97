import { OnWire } from '@gridhub/contracts';
import { Same, z } from '../common/api-schema';
import { deviceSchema } from '../devices/device.schema';
import { BUCKETS } from './timeseries';
import type { SeriesResult } from './timeseries.service';

const rawPoint = z.object({ time: z.string(), value: z.number(), receivedAt: z.string(), flags: z.number().int() });
const bucketPoint = z.object({ time: z.string(), avg: z.number(), min: z.number(), max: z.number(), count: z.number().int(), last: z.number() });

/** Readings of one or more devices: raw points, or buckets (avg, min, max, count, last). */
export const seriesSchema = z.object({
  from: z.string(),
  to: z.string(),
  bucket: z.enum(BUCKETS),
  series: z.array(z.object({ deviceId: z.string(), metric: z.string(), unit: z.string(), points: z.array(z.union([rawPoint, bucketPoint])) })),
});

/** The latest value of every metric per device, as GeoJSON points for the map. */
export const latestSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.string(),
      geometry: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) }),
      properties: deviceSchema.extend({ readings: z.record(z.string(), z.object({ value: z.number(), time: z.string() })) }),
    }),
  ),
});

const _series: Same<z.infer<typeof seriesSchema>, OnWire<SeriesResult>> = true;
void _series;
