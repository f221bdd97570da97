import { fromLonLat } from 'ol/proj';
import { DEVICE_FAMILIES, type Device, type GridCollection, type LatestValue } from '../api/types';
import { airIndex, waterIndex } from './levels';

/**
 * How sensors are drawn at a zoom: counted per street, per community or per unit grid while zoomed out (tens of
 * thousands of points would only pile up into a carpet), one point each once zoomed in. The levels follow the grid
 * hierarchy dispatchers and bureaus work in.
 */
export const SENSOR_LEVELS = ['street', 'community', 'grid', 'points'] as const;
export type SensorLevel = (typeof SENSOR_LEVELS)[number];
export type GroupLevel = Exclude<SensorLevel, 'points'>;

/** The zoom from which each level is drawn (OpenLayers zoom, EPSG:3857). */
export const SENSOR_LEVEL_MIN_ZOOM: Record<SensorLevel, number> = { street: -Infinity, community: 12.5, grid: 15, points: 16.5 };

export function sensorLevelAt(zoom: number): SensorLevel {
  if (zoom >= SENSOR_LEVEL_MIN_ZOOM.points) return 'points';
  if (zoom >= SENSOR_LEVEL_MIN_ZOOM.grid) return 'grid';
  if (zoom >= SENSOR_LEVEL_MIN_ZOOM.community) return 'community';
  return 'street';
}

/** Square cells (EPSG:3857 metres) for sensors outside every grid, per level. */
const LOOSE_CELL_M: Record<GroupLevel, number> = { street: 2000, community: 1000, grid: 250 };

/** What one group of sensors shows: its size, where it is, and per colouring mode what is worst in it. */
export interface SensorGroup {
  /** `level:code` (a grid, community or street code) or `level:cell:i:j` for sensors outside the grids. */
  key: string;
  level: GroupLevel;
  /** The grid unit's code, or null for a cell of sensors outside the grids. */
  code: string | null;
  count: number;
  /** Per family, in DEVICE_FAMILIES order. */
  families: number[];
  online: number;
  offline: number;
  disabled: number;
  /** Worst AQI level (1–6) among its air stations with data, 0 when none has data. */
  worstAqi: number;
  /** Worst water class (1–6) among its water stations with data, 0 when none has data. */
  worstWater: number;
  /** Mean position of its sensors (lon, lat). */
  lon: number;
  lat: number;
  /** Extent of its sensors in EPSG:3857 (for zooming in on it). */
  extent: [number, number, number, number];
}

/** Grid code → the code of its community and street (from the grid hierarchy the store loaded). */
export type Ancestry = ReadonlyMap<string, { community: string | null; street: string | null }>;

export function ancestryOf(grids: GridCollection | null, communities: GridCollection | undefined): Ancestry {
  const streetOf = new Map<string, string | null>();
  for (const f of communities?.features ?? []) streetOf.set(f.properties.code, f.properties.parentCode ?? null);
  const out = new Map<string, { community: string | null; street: string | null }>();
  for (const f of grids?.features ?? []) {
    const community = f.properties.parentCode ?? null;
    out.set(f.properties.code, { community, street: community ? (streetOf.get(community) ?? null) : null });
  }
  return out;
}

/** The code a device is counted under at `level`: the grid, its community or its street (or the nearest one known). */
function unitOf(d: Device, level: GroupLevel, ancestry: Ancestry): string | null {
  if (!d.gridCode) return null;
  if (level === 'grid') return d.gridCode;
  const a = ancestry.get(d.gridCode);
  if (level === 'community') return a?.community ?? d.gridCode;
  return a?.street ?? a?.community ?? d.gridCode;
}

/** The located sensors with their EPSG:3857 positions, and bucketed into square cells for the point layer. */
export interface SensorIndex {
  devices: Device[];
  /** x, y of devices[i] at 2i, 2i + 1. */
  xy: Float64Array;
  /** Sensors per POINT_CELL_M cell (`i:j`). */
  cells: Map<string, Device[]>;
}

/**
 * Square EPSG:3857 cells: the point layer asks for the cells in view, never for all sensors. The same cells are the
 * point source's loading strategy, so each cell is loaded once.
 */
export const POINT_CELL_M = 500;

export function cellKey(i: number, j: number): string {
  return `${i}:${j}`;
}

/** One pass over the sensors: project each once, drop those without a position, bucket them. */
export function indexSensors(all: readonly Device[]): SensorIndex {
  const devices: Device[] = [];
  const xy = new Float64Array(all.length * 2);
  const cells = new Map<string, Device[]>();
  for (const d of all) {
    if (!Number.isFinite(d.lon) || !Number.isFinite(d.lat)) continue;
    const [x, y] = fromLonLat([d.lon, d.lat]) as [number, number];
    xy[devices.length * 2] = x;
    xy[devices.length * 2 + 1] = y;
    devices.push(d);
    const key = cellKey(Math.floor(x / POINT_CELL_M), Math.floor(y / POINT_CELL_M));
    const list = cells.get(key);
    if (list) list.push(d);
    else cells.set(key, [d]);
  }
  return { devices, xy, cells };
}

/**
 * Every located sensor is counted in exactly one group of the level. The worst AQI (worst water class) is worked out
 * for the mode that shows it (`aqi`, `water`) and left 0 otherwise: 30,000 stations' indices are not needed to count.
 */
export function groupSensors(
  index: SensorIndex,
  latest: ReadonlyMap<string, Record<string, LatestValue>>,
  ancestry: Ancestry,
  level: GroupLevel,
  mode: 'family' | 'aqi' | 'water' | 'status',
): SensorGroup[] {
  const groups = new Map<string, SensorGroup & { sumX: number; sumY: number }>();
  const cell = LOOSE_CELL_M[level];
  const { devices, xy } = index;
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i]!;
    const x = xy[2 * i]!;
    const y = xy[2 * i + 1]!;
    const code = unitOf(d, level, ancestry);
    const key = code ? `${level}:${code}` : `${level}:cell:${Math.floor(x / cell)}:${Math.floor(y / cell)}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, level, code, count: 0, families: DEVICE_FAMILIES.map(() => 0), online: 0, offline: 0, disabled: 0, worstAqi: 0, worstWater: 0, lon: 0, lat: 0, extent: [x, y, x, y], sumX: 0, sumY: 0 };
      groups.set(key, g);
    }
    g.count++;
    g.sumX += d.lon;
    g.sumY += d.lat;
    const fam = DEVICE_FAMILIES.indexOf(d.family);
    if (fam >= 0) g.families[fam]!++;
    if (!d.enabled) g.disabled++;
    else if (d.online === true) g.online++;
    else if (d.online === false) g.offline++;
    if (mode === 'aqi' && d.family === 'air') g.worstAqi = Math.max(g.worstAqi, airIndex(latest.get(d.id))?.level ?? 0);
    else if (mode === 'water' && d.family === 'water') g.worstWater = Math.max(g.worstWater, waterIndex(d, latest.get(d.id))?.klass ?? 0);
    const e = g.extent;
    if (x < e[0]) e[0] = x;
    if (y < e[1]) e[1] = y;
    if (x > e[2]) e[2] = x;
    if (y > e[3]) e[3] = y;
  }
  const out: SensorGroup[] = [];
  for (const { sumX, sumY, ...g } of groups.values()) out.push({ ...g, lon: sumX / g.count, lat: sumY / g.count });
  return out;
}
