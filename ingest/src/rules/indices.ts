import { hasIndexablePollutant, hourlyAqi, HourlyConcentrations } from '@gridhub/contracts';
import { waterClass, Waterbody, WATER_ITEMS, WaterItem } from '@gridhub/contracts';

/** Air metrics that enter the hourly AQI (HJ 633-2012). */
export const AQI_METRICS = ['so2', 'no2', 'pm10', 'co', 'o3', 'pm25'] as const;
/** Water metrics that enter the GB 3838-2002 class, plus the temperature used for DO saturation. */
export const WATER_CLASS_METRICS = [...WATER_ITEMS, 'temp_c'] as const;

/** Latest values older than this, relative to the newest, are not combined into one index (a stale PM10 is not "now"). */
const FRESH_MS = 2 * 3600_000;

type Latest = Record<string, { value: number; time: Date }>;

function fresh(latest: Latest, metrics: readonly string[]): Record<string, number> {
  const times = metrics.map((m) => latest[m]?.time.getTime() ?? -Infinity);
  const newest = Math.max(...times);
  const out: Record<string, number> = {};
  for (const m of metrics) {
    const v = latest[m];
    if (v && newest - v.time.getTime() <= FRESH_MS) out[m] = v.value;
  }
  return out;
}

/** The hourly AQI and its level from a station's latest pollutant values; null when none can be indexed. */
export function aqiFromLatest(latest: Latest): { aqi: number; level: number } | null {
  const concentrations = fresh(latest, AQI_METRICS) as HourlyConcentrations;
  if (!hasIndexablePollutant(concentrations)) return null;
  const result = hourlyAqi(concentrations);
  return { aqi: result.aqi, level: result.level };
}

/** The single-factor water class from a station's latest values; null when no GB 3838 item was measured. */
export function waterClassFromLatest(latest: Latest, attributes: Record<string, unknown>): { klass: number } | null {
  const values = fresh(latest, WATER_CLASS_METRICS);
  const sample: Partial<Record<WaterItem, number>> = {};
  for (const item of WATER_ITEMS) if (values[item] !== undefined) sample[item] = values[item];
  if (Object.keys(sample).length === 0) return null;
  // Reservoirs are assessed as lakes (GB 3838-2002: 湖、库).
  const waterbody: Waterbody = attributes['kind'] === 'reservoir' ? 'lake' : 'river';
  try {
    const temp = values['temp_c'];
    return { klass: waterClass(sample, { waterbody, ...(temp !== undefined ? { temperatureC: temp } : {}) }).klass };
  } catch {
    return null; // only items without a limit for this waterbody (TN in a river)
  }
}
