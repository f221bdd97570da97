/**
 * A station's AQI and water class from its latest values: what the rules judge and what the map colours, one code.
 */
import { type AqiEdition, aqiEditionAt, hasIndexablePollutant, hourlyAqi, type HourlyConcentrations, type Pollutant } from './aqi';
import { parseWaterClass, waterClass, type WaterClassResult, type Waterbody, WATER_ITEMS, type WaterItem } from './water-class';

/** Air metrics that enter the hourly AQI (HJ 633). */
export const AQI_METRICS = ['so2', 'no2', 'pm10', 'co', 'o3', 'pm25'] as const;
/** Water metrics that enter the GB 3838-2002 class, plus the temperature used for DO saturation. */
export const WATER_CLASS_METRICS = [...WATER_ITEMS, 'temp_c'] as const;

/** Latest values older than this, relative to the newest, are not combined into one index (a stale PM10 is not "now"). */
const FRESH_MS = 2 * 3600_000;

/** Latest value per metric; the time as a Date (server) or ISO 8601 text (the wire). */
export type LatestValues = Readonly<Record<string, { value: number; time: Date | string } | undefined>>;

const msOf = (time: Date | string): number => (typeof time === 'string' ? Date.parse(time) : time.getTime());

function fresh(latest: LatestValues, metrics: readonly string[]): { values: Record<string, number>; newest: number } {
  const times = metrics.map((m) => {
    const v = latest[m];
    return v && Number.isFinite(v.value) ? msOf(v.time) : -Infinity;
  });
  const newest = Math.max(...times);
  const values: Record<string, number> = {};
  for (const m of metrics) {
    const v = latest[m];
    if (v && Number.isFinite(v.value) && newest - msOf(v.time) <= FRESH_MS) values[m] = v.value;
  }
  return { values, newest };
}

/**
 * The hourly AQI and its level from a station's latest pollutant values, under the edition in force at the newest of
 * them (the readings' time, not the clock's); null when none can be indexed.
 */
export function aqiFromLatest(latest: LatestValues): LatestAqi | null {
  const { values, newest } = fresh(latest, AQI_METRICS);
  if (!Number.isFinite(newest)) return null;
  const concentrations = values as HourlyConcentrations;
  const edition = aqiEditionAt(newest);
  if (!hasIndexablePollutant(concentrations, 'hourly', edition)) return null;
  const result = hourlyAqi(concentrations, edition);
  return { aqi: result.aqi, level: result.level, edition, primary: result.primaryPollutants };
}

export interface LatestAqi {
  aqi: number;
  level: number;
  edition: AqiEdition;
  primary: Pollutant[];
}

/** GB 3838-2002 assesses reservoirs and lakes (湖、库) alike; every other station's water as a river's. */
export function waterbodyOf(attributes: Readonly<Record<string, unknown>>): Waterbody {
  return attributes['kind'] === 'reservoir' || attributes['kind'] === 'lake' ? 'lake' : 'river';
}

/**
 * The GB 3838-2002 single-factor result from a station's latest values (those within 2 hours of its newest, as for
 * the AQI): what the rules judge, the map colours and the overview shows. Null when none of the items measured has
 * a limit for this waterbody (nothing, or only TN at a river).
 */
export function waterResultFromLatest(latest: LatestValues, attributes: Readonly<Record<string, unknown>>): WaterClassResult | null {
  const { values } = fresh(latest, WATER_CLASS_METRICS);
  const waterbody = waterbodyOf(attributes);
  const sample: Partial<Record<WaterItem, number>> = {};
  for (const item of WATER_ITEMS) if (values[item] !== undefined) sample[item] = values[item];
  if (!WATER_ITEMS.some((item) => sample[item] !== undefined && (item !== 'tn_mgl' || waterbody === 'lake'))) return null;
  const temp = values['temp_c'];
  return waterClass(sample, { waterbody, ...(temp !== undefined ? { temperatureC: temp } : {}) });
}

/** The water class from a station's latest values and the class its `target_class` attribute sets. */
export function waterClassFromLatest(latest: LatestValues, attributes: Readonly<Record<string, unknown>>): { klass: number; target: number | null } | null {
  const result = waterResultFromLatest(latest, attributes);
  return result ? { klass: result.klass, target: parseWaterClass(attributes['target_class']) } : null;
}
