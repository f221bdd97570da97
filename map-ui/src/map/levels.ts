import { hasIndexablePollutant, hourlyAqi, POLLUTANTS, type Pollutant } from '@gridhub/contracts';
import { parseWaterClass, WATER_ITEMS, waterClass, type WaterItem } from '@gridhub/contracts';
import type { Device, LatestValue } from '../api/types';

/** HJ 633-2012 table 2 colours of AQI levels 1–6 (一级 … 六级). */
export const AQI_COLORS = ['#00e400', '#ffff00', '#ff7e00', '#ff0000', '#99004c', '#7e0023'] as const;
/** GB 3838-2002 class I … V and worse than V, as Chinese water-quality maps draw them. */
export const WATER_CLASS_COLORS = ['#44c5f2', '#2b8bd4', '#00b050', '#f2c80f', '#f08a24', '#e03c31'] as const;
export const NO_DATA_COLOR = '#94a3b8';

export interface AirIndex {
  aqi: number;
  level: number;
  primary: string[];
}

// The sensors' metric names match the pollutant names, except ozone's 8-hour mean which stations do not send.
const AIR_METRIC: Partial<Record<Pollutant, string>> = Object.fromEntries(POLLUTANTS.map((p) => [p, p]));

// One computation per readings object (the map layer, the grid choropleth and the popup ask for the same station).
const airCache = new WeakMap<object, AirIndex | null>();

/** Hourly AQI from a station's latest values (HJ 633-2012; PM on their 24-hour columns): null with no pollutant. */
export function airIndex(readings: Record<string, LatestValue> | undefined): AirIndex | null {
  if (!readings) return null;
  if (airCache.has(readings)) return airCache.get(readings)!;
  const result = computeAirIndex(readings);
  airCache.set(readings, result);
  return result;
}

function computeAirIndex(readings: Record<string, LatestValue>): AirIndex | null {
  const c: Partial<Record<Pollutant, number>> = {};
  for (const p of POLLUTANTS) {
    const v = readings[AIR_METRIC[p] ?? p]?.value;
    if (typeof v === 'number' && Number.isFinite(v)) c[p] = v;
  }
  if (!hasIndexablePollutant(c)) return null;
  try {
    const r = hourlyAqi(c);
    return { aqi: r.aqi, level: r.level, primary: r.primaryPollutants };
  } catch {
    return null;
  }
}

/** GB 3838-2002 single-factor class (1–6) from a river station's latest values, null with nothing to assess. */
export function waterIndex(device: Pick<Device, 'attributes'>, readings: Record<string, LatestValue> | undefined): { klass: number; target: number | null } | null {
  if (!readings) return null;
  const sample: Partial<Record<WaterItem, number>> = {};
  for (const item of WATER_ITEMS) {
    const v = readings[item]?.value;
    if (typeof v === 'number' && Number.isFinite(v)) sample[item] = v;
  }
  if (Object.keys(sample).length === 0) return null;
  const kind = device.attributes?.['kind'];
  const temp = readings['temp_c']?.value;
  try {
    const r = waterClass(sample, { waterbody: kind === 'reservoir' || kind === 'lake' ? 'lake' : 'river', ...(typeof temp === 'number' ? { temperatureC: temp } : {}) });
    return { klass: r.klass, target: parseWaterClass(device.attributes?.['target_class']) };
  } catch {
    return null;
  }
}
