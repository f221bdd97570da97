import { aqiFromLatest, type LatestAqi, waterClassFromLatest } from '@gridhub/contracts';
import type { Device, LatestValue } from '../api/types';

/** HJ 633 table 2 colours (both editions) of AQI levels 1–6 (一级 … 六级). */
export const AQI_COLORS = ['#00e400', '#ffff00', '#ff7e00', '#ff0000', '#99004c', '#7e0023'] as const;
/** GB 3838-2002 class I … V and worse than V, as Chinese water-quality maps draw them. */
export const WATER_CLASS_COLORS = ['#44c5f2', '#2b8bd4', '#00b050', '#f2c80f', '#f08a24', '#e03c31'] as const;
export const NO_DATA_COLOR = '#94a3b8';

export type AirIndex = LatestAqi;

// One computation per readings object (the map layer, the grid choropleth and the popup ask for the same station).
const airCache = new WeakMap<object, AirIndex | null>();

/**
 * Hourly AQI from a station's latest values, as the server's rules judge it (@gridhub/contracts): the HJ 633 edition
 * in force at the readings' time, stale values left out. Null with no pollutant.
 */
export function airIndex(readings: Record<string, LatestValue> | undefined): AirIndex | null {
  if (!readings) return null;
  if (airCache.has(readings)) return airCache.get(readings)!;
  const result = aqiFromLatest(readings);
  airCache.set(readings, result);
  return result;
}

/** GB 3838-2002 single-factor class (1–6) from a station's latest values, as the rules judge it; null with nothing to assess. */
export function waterIndex(device: Pick<Device, 'attributes'>, readings: Record<string, LatestValue> | undefined): { klass: number; target: number | null } | null {
  return readings ? waterClassFromLatest(readings, device.attributes ?? {}) : null;
}
