/**
 * From hourly means to the concentrations an AQI report indexes: 1-hour values, the O3 8-hour moving mean,
 * the SO2 24-hour moving mean, 24-hour means and the O3 daily maxima — with the data validity rules of
 * GB 3095-2012 table 4 (数据统计的有效性规定). Pure functions over epoch milliseconds.
 */
import {
  aqiEditionAt,
  AqiResult,
  dailyAqi,
  DailyConcentrations,
  hasIndexablePollutant,
  hourlyAqi,
  HourlyConcentrations,
  reportedConcentration,
} from '@gridhub/contracts';

export const AIR_METRICS = ['so2', 'no2', 'pm10', 'co', 'o3', 'pm25'] as const;
export type AirMetric = (typeof AIR_METRICS)[number];

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** China Standard Time (UTC+8): days are China calendar days. */
const CST_OFFSET_MS = 8 * HOUR_MS;

/** GB 3095-2012 table 4: a 24-hour mean needs at least 20 hourly means of the day. */
export const MIN_HOURS_PER_DAY = 20;
/** GB 3095-2012 table 4: an 8-hour mean needs at least 6 hourly means of the 8 hours. */
export const MIN_HOURS_PER_8H = 6;
/** HJ 633-2012 / HJ 663: the daily maximum 8-hour mean is taken over the 8-hour means ending 08:00 … 24:00 of the
 *  day (17 windows inside the day); it needs at least 14 of them valid. */
export const MIN_8H_MEANS_PER_DAY = 14;

/** Hourly means of one station: hour start (epoch ms) → metric → mean. */
export type HourlyMeans = ReadonlyMap<number, Partial<Record<AirMetric, number>>>;

export function hourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

export function chinaDayStart(ms: number): number {
  return Math.floor((ms + CST_OFFSET_MS) / DAY_MS) * DAY_MS - CST_OFFSET_MS;
}

function valuesIn(means: HourlyMeans, metric: AirMetric, fromHour: number, toHourInclusive: number): number[] {
  const out: number[] = [];
  for (let h = fromHour; h <= toHourInclusive; h += HOUR_MS) {
    const v = means.get(h)?.[metric];
    if (v !== undefined) out.push(v);
  }
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The O3 8-hour moving mean ending with the hour starting at `hour` (hours hour−7 … hour), or undefined. */
export function o3EightHourMean(means: HourlyMeans, hour: number): number | undefined {
  const xs = valuesIn(means, 'o3', hour - 7 * HOUR_MS, hour);
  return xs.length >= MIN_HOURS_PER_8H ? mean(xs) : undefined;
}

/**
 * What the hourly report of `hour` indexes: that hour's means, the O3 8-hour moving mean ending with it, and
 * — only when the SO2 1-hour mean is above 800, where it is needed — the SO2 24-hour moving mean. Null when
 * the hour has no pollutant mean (a 1-hour value is the basis of the report).
 */
export function hourlyConcentrations(means: HourlyMeans, hour: number): HourlyConcentrations | null {
  const own = means.get(hour);
  if (!own || !AIR_METRICS.some((m) => own[m] !== undefined)) return null;
  const c: HourlyConcentrations = {};
  for (const m of AIR_METRICS) if (own[m] !== undefined) c[m] = own[m];
  const o3_8h = o3EightHourMean(means, hour);
  if (o3_8h !== undefined) c.o3_8h = o3_8h;
  if (own.so2 !== undefined && own.so2 > 800) {
    const day = valuesIn(means, 'so2', hour - 23 * HOUR_MS, hour);
    if (day.length >= MIN_HOURS_PER_DAY) c.so2_24h = mean(day);
  }
  return c;
}

/**
 * What the daily report of the China day starting at `dayStart` indexes: 24-hour means (arithmetic means of the
 * hourly means), the day's maximum 1-hour O3 and maximum 8-hour O3 moving mean — each only when valid.
 */
export function dailyConcentrations(means: HourlyMeans, dayStart: number): { concentrations: DailyConcentrations; hours: number } | null {
  const last = dayStart + 23 * HOUR_MS;
  let hours = 0;
  for (let h = dayStart; h <= last; h += HOUR_MS) {
    const own = means.get(h);
    if (own && AIR_METRICS.some((m) => own[m] !== undefined)) hours++;
  }
  if (hours === 0) return null;
  const c: DailyConcentrations = {};
  for (const m of AIR_METRICS) {
    const xs = valuesIn(means, m, dayStart, last);
    if (xs.length < MIN_HOURS_PER_DAY) continue;
    c[m] = m === 'o3' ? Math.max(...xs) : mean(xs);
  }
  const eightHour: number[] = [];
  for (let end = dayStart + 7 * HOUR_MS; end <= last; end += HOUR_MS) {
    const v = o3EightHourMean(means, end);
    if (v !== undefined) eightHour.push(v);
  }
  if (eightHour.length >= MIN_8H_MEANS_PER_DAY) c.o3_8h = Math.max(...eightHour);
  return { concentrations: c, hours };
}

export interface DirtyHour {
  deviceId: string;
  hour: Date;
}

/** The hourly means a refresh needs per device: from 23 hours before its first dirty hour to the end of the day after its last. */
export function refreshWindows(dirty: readonly DirtyHour[]): { deviceId: string; from: Date; to: Date }[] {
  const byDevice = new Map<string, { min: number; max: number }>();
  for (const { deviceId, hour } of dirty) {
    const h = hourStart(hour.getTime());
    const w = byDevice.get(deviceId);
    if (!w) byDevice.set(deviceId, { min: h, max: h });
    else {
      w.min = Math.min(w.min, h);
      w.max = Math.max(w.max, h);
    }
  }
  return [...byDevice].map(([deviceId, { min, max }]) => ({
    deviceId,
    from: new Date(Math.min(min - 23 * HOUR_MS, chinaDayStart(min))),
    to: new Date(Math.max(max + 24 * HOUR_MS, chinaDayStart(max) + DAY_MS)),
  }));
}

export interface StoredAqi {
  deviceId: string;
  /** Hour or day start. */
  time: Date;
  result: AqiResult;
  /** The concentrations indexed, at reporting precision; `so2_24h` when it indexed SO2 (1-hour value > 800). */
  concentrations: Record<string, number>;
  /** Daily rows: hours of the day with pollutant data. */
  hours?: number;
}

export interface RefreshPlan {
  hourly: StoredAqi[];
  hourlyRemoved: { deviceId: string; time: Date }[];
  daily: StoredAqi[];
  dailyRemoved: { deviceId: string; time: Date }[];
}

/**
 * Recomputes every report a change of the dirty hours can alter: the hourly reports of each dirty hour and of
 * the hours with data among the 23 after it (the O3 8-hour and SO2 24-hour moving means reach that far), and
 * the daily report of each dirty hour's day. Reports that no longer have data are listed for removal.
 */
export function planRefresh(dirty: readonly DirtyHour[], meansByDevice: ReadonlyMap<string, HourlyMeans>): RefreshPlan {
  const hours = new Map<string, Set<number>>();
  const days = new Map<string, Set<number>>();
  const empty: HourlyMeans = new Map();
  for (const { deviceId, hour } of dirty) {
    const h = hourStart(hour.getTime());
    const means = meansByDevice.get(deviceId) ?? empty;
    const hs = hours.get(deviceId) ?? new Set<number>();
    hs.add(h);
    // A later hour without means of its own has no report to change.
    for (let k = 1; k < 24; k++) if (means.has(h + k * HOUR_MS)) hs.add(h + k * HOUR_MS);
    hours.set(deviceId, hs);
    const ds = days.get(deviceId) ?? new Set<number>();
    ds.add(chinaDayStart(h));
    days.set(deviceId, ds);
  }
  const plan: RefreshPlan = { hourly: [], hourlyRemoved: [], daily: [], dailyRemoved: [] };
  for (const [deviceId, hs] of hours) {
    const means = meansByDevice.get(deviceId) ?? empty;
    for (const h of [...hs].sort((a, b) => a - b)) {
      const c = hourlyConcentrations(means, h);
      // The edition in force for the hour the report covers (HJ 633—2026 from 2026-03-01 00:00 +08:00).
      const edition = aqiEditionAt(h);
      const result = c && hasIndexablePollutant(c, 'hourly', edition) ? tryAqi(() => hourlyAqi(c, edition)) : null;
      if (result && c) {
        const concentrations: Record<string, number> = { ...result.concentrations };
        if (result.columns.so2 === 'so2_24h' && c.so2_24h !== undefined) concentrations.so2_24h = reportedConcentration('so2', c.so2_24h);
        plan.hourly.push({ deviceId, time: new Date(h), result, concentrations });
      }
      else plan.hourlyRemoved.push({ deviceId, time: new Date(h) });
    }
  }
  for (const [deviceId, ds] of days) {
    const means = meansByDevice.get(deviceId) ?? empty;
    for (const d of [...ds].sort((a, b) => a - b)) {
      const c = dailyConcentrations(means, d);
      const edition = aqiEditionAt(d);
      const result = c && hasIndexablePollutant(c.concentrations, 'daily', edition) ? tryAqi(() => dailyAqi(c.concentrations, edition)) : null;
      if (result && c) plan.daily.push({ deviceId, time: new Date(d), result, concentrations: { ...result.concentrations }, hours: c.hours });
      else plan.dailyRemoved.push({ deviceId, time: new Date(d) });
    }
  }
  return plan;
}

/** A set of concentrations none of which can be indexed (HJ 633-2012: SO2 > 800 alone without its 24-hour mean) gives no report. */
function tryAqi(compute: () => AqiResult): AqiResult | null {
  try {
    return compute();
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}
