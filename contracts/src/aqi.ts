/**
 * Air quality index — HJ 633 (环境空气质量指数 AQI 技术规定), both editions (docs/domain/air-quality.md):
 * HJ 633-2012 for data before 2026-03-01 00:00 Asia/Shanghai, HJ 633—2026 from then on. The edition is chosen by the
 * time the data covers, never by the time of computation. Pure functions: no clock, no I/O. Concentrations in
 * µg/m³, CO in mg/m³.
 */

export const AQI_EDITIONS = ['HJ 633-2012', 'HJ 633-2026'] as const;
export type AqiEdition = (typeof AQI_EDITIONS)[number];

/** HJ 633—2026 applies to data from 2026-03-01 00:00 China Standard Time (UTC+8, no daylight saving) on. */
export const HJ_633_2026_FROM = Date.UTC(2026, 1, 28, 16, 0, 0);

/** The edition in force for data covering the hour or day that starts at `time`. */
export function aqiEditionAt(time: Date | number): AqiEdition {
  const ms = typeof time === 'number' ? time : time.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`a valid time is needed to choose the AQI edition, got ${String(time)}`);
  return ms >= HJ_633_2026_FROM ? 'HJ 633-2026' : 'HJ 633-2012';
}

/**
 * The indexed quantities. `o3` is the 1-hour ozone value (the hour's mean in an hourly report, the day's
 * maximum hourly mean in a daily report); `o3_8h` the 8-hour moving mean (ending at the hour in an hourly
 * report, the day's maximum in a daily report). The others are 1-hour means (hourly) or 24-hour means (daily).
 */
export const POLLUTANTS = ['so2', 'no2', 'pm10', 'co', 'o3', 'o3_8h', 'pm25'] as const;
export type Pollutant = (typeof POLLUTANTS)[number];

export type AqiLevel = 1 | 2 | 3 | 4 | 5 | 6;
export type AqiKind = 'hourly' | 'daily';

export interface AqiColour {
  name: string;
  rgb: [number, number, number];
  hex: string;
}

export interface AqiResult {
  kind: AqiKind;
  /** The edition of HJ 633 the report follows (by the time its data covers). */
  edition: AqiEdition;
  aqi: number;
  level: AqiLevel;
  /** 一级 … 六级 */
  levelZh: string;
  categoryZh: string;
  categoryEn: string;
  colour: AqiColour;
  /** 首要污染物: the pollutant(s) with the largest IAQI, only when AQI > 50; ties give several. */
  primaryPollutants: Pollutant[];
  /** 超标污染物: pollutants whose IAQI exceeds 100 — HJ 633-2012 only; HJ 633—2026 reports none. */
  exceedingPollutants?: Pollutant[];
  /** Pollutants whose concentration lies beyond the top of their column (IAQI reported as 500). */
  aboveScale: Pollutant[];
  /** Pollutants given but not indexable (HJ 633-2012 only): SO2 1-hour > 800 without its 24-hour mean, O3 8-hour > 800 without the 1-hour value. */
  notIndexed: Pollutant[];
  iaqi: Partial<Record<Pollutant, number>>;
  /** The concentrations indexed, at reporting precision (see `reportedConcentration`). */
  concentrations: Partial<Record<Pollutant, number>>;
  /** Which breakpoint column each IAQI was read from, e.g. so2 → "so2_24h" in the SO2 > 800 case. */
  columns: Partial<Record<Pollutant, BreakpointColumn>>;
}

/** HJ 633 table 1: IAQI values and the concentration limits of each column. */
export const IAQI_STEPS = [0, 50, 100, 150, 200, 300, 400, 500] as const;
const BREAKPOINTS_2012 = {
  so2_24h: [0, 50, 150, 475, 800, 1600, 2100, 2620],
  // (a) an SO2 1-hour value above 800 is not indexed on the 1-hour scale.
  so2_1h: [0, 150, 500, 650, 800],
  no2_24h: [0, 40, 80, 180, 280, 565, 750, 940],
  no2_1h: [0, 100, 200, 700, 1200, 2340, 3090, 3840],
  pm10_24h: [0, 50, 150, 250, 350, 420, 500, 600],
  co_24h: [0, 2, 4, 14, 24, 36, 48, 60],
  co_1h: [0, 5, 10, 35, 60, 90, 120, 150],
  o3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
  // (b) an O3 8-hour value above 800 is not indexed on the 8-hour scale.
  o3_8h: [0, 100, 160, 215, 265, 800],
  pm25_24h: [0, 35, 75, 115, 150, 250, 350, 500],
} as const satisfies Record<string, readonly number[]>;
export type BreakpointColumn = keyof typeof BREAKPOINTS_2012;

/** Each edition's table: HJ 633—2026 moves the IAQI-100 limits of PM2.5 (75 → 60) and PM10 (150 → 120). */
export const BREAKPOINTS: Readonly<Record<AqiEdition, Readonly<Record<BreakpointColumn, readonly number[]>>>> = {
  'HJ 633-2012': BREAKPOINTS_2012,
  'HJ 633-2026': {
    ...BREAKPOINTS_2012,
    pm10_24h: [0, 50, 120, 250, 350, 420, 500, 600],
    pm25_24h: [0, 35, 60, 115, 150, 250, 350, 500],
  },
};

/**
 * What an edition does with the two values beyond their short columns. HJ 633-2012 notes (a) and (b): SO2 1-hour
 * > 800 is reported by its 24-hour IAQI, O3 8-hour > 800 by its 1-hour IAQI. HJ 633—2026: IAQI 200 and 300.
 */
const BEYOND_800: Record<AqiEdition, { so2_1h: number | null; o3_8h: number | null }> = {
  'HJ 633-2012': { so2_1h: null, o3_8h: null },
  'HJ 633-2026': { so2_1h: 200, o3_8h: 300 },
};

/** The columns of a report (HJ 633 §5, both editions: the 1-hour limits of SO2, NO2 and CO serve hourly reports only). */
const HOURLY_COLUMNS: Record<Pollutant, BreakpointColumn> = {
  so2: 'so2_1h', no2: 'no2_1h', pm10: 'pm10_24h', co: 'co_1h', o3: 'o3_1h', o3_8h: 'o3_8h', pm25: 'pm25_24h',
};
const DAILY_COLUMNS: Record<Pollutant, BreakpointColumn> = {
  so2: 'so2_24h', no2: 'no2_24h', pm10: 'pm10_24h', co: 'co_24h', o3: 'o3_1h', o3_8h: 'o3_8h', pm25: 'pm25_24h',
};

/**
 * Reporting precision of concentrations: whole µg/m³, CO to 0.1 mg/m³ (the precision of HJ 633 reports and of
 * the GB 3095 limits), rounded half-to-even per GB/T 8170 before indexing.
 */
export const CONCENTRATION_DECIMALS: Record<Pollutant, number> = { so2: 0, no2: 0, pm10: 0, co: 1, o3: 0, o3_8h: 0, pm25: 0 };

const LEVELS: readonly { max: number; zh: string; categoryZh: string; categoryEn: string; colour: AqiColour }[] = [
  { max: 50, zh: '一级', categoryZh: '优', categoryEn: 'excellent', colour: { name: 'green', rgb: [0, 228, 0], hex: '#00e400' } },
  { max: 100, zh: '二级', categoryZh: '良', categoryEn: 'good', colour: { name: 'yellow', rgb: [255, 255, 0], hex: '#ffff00' } },
  { max: 150, zh: '三级', categoryZh: '轻度污染', categoryEn: 'lightly polluted', colour: { name: 'orange', rgb: [255, 126, 0], hex: '#ff7e00' } },
  { max: 200, zh: '四级', categoryZh: '中度污染', categoryEn: 'moderately polluted', colour: { name: 'red', rgb: [255, 0, 0], hex: '#ff0000' } },
  { max: 300, zh: '五级', categoryZh: '重度污染', categoryEn: 'heavily polluted', colour: { name: 'purple', rgb: [153, 0, 76], hex: '#99004c' } },
  { max: Infinity, zh: '六级', categoryZh: '严重污染', categoryEn: 'severely polluted', colour: { name: 'maroon', rgb: [126, 0, 35], hex: '#7e0023' } },
];

/** HJ 633 table 2 (both editions): 0–50 → 1 (一级), 51–100 → 2, 101–150 → 3, 151–200 → 4, 201–300 → 5, > 300 → 6. */
export function aqiLevel(aqi: number): AqiLevel {
  if (!Number.isFinite(aqi) || aqi < 0) throw new RangeError(`AQI must be a finite number ≥ 0, got ${aqi}`);
  return (LEVELS.findIndex((l) => aqi <= l.max) + 1) as AqiLevel;
}

export function aqiCategory(aqi: number): { level: AqiLevel; levelZh: string; categoryZh: string; categoryEn: string; colour: AqiColour } {
  const level = aqiLevel(aqi);
  const l = LEVELS[level - 1]!;
  return { level, levelZh: l.zh, categoryZh: l.categoryZh, categoryEn: l.categoryEn, colour: l.colour };
}

/** GB/T 8170 rounding (四舍六入五成双) to `decimals` places, tolerant of binary representation error. */
export function roundHalfEven(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  const x = value * scale;
  const floor = Math.floor(x);
  const diff = x - floor;
  const eps = 1e-9 * Math.max(1, Math.abs(x));
  let n: number;
  if (Math.abs(diff - 0.5) <= eps) n = floor % 2 === 0 ? floor : floor + 1;
  else n = diff < 0.5 ? floor : floor + 1;
  return n / scale;
}

export function reportedConcentration(pollutant: Pollutant, value: number): number {
  return roundHalfEven(value, CONCENTRATION_DECIMALS[pollutant]);
}

/** Rounds up (进位取整), ignoring binary noise such as 50.000000000001. */
function ceilIndex(x: number): number {
  return Math.ceil(x - 1e-9) + 0; // + 0 turns −0 into 0
}

/**
 * IAQI of one concentration on one column of the edition's table (HJ 633 formula 1, rounded up). Above the top of a
 * full column the IAQI is 500, the top of the scale. Above 800 on the SO2 1-hour or O3 8-hour column: `null` under
 * HJ 633-2012 (notes a and b: indexed elsewhere), 200 and 300 under HJ 633—2026.
 */
export function iaqi(column: BreakpointColumn, concentration: number, edition: AqiEdition): number | null {
  if (!Number.isFinite(concentration) || concentration < 0) {
    throw new RangeError(`concentration must be a finite number ≥ 0, got ${concentration}`);
  }
  const bp = BREAKPOINTS[edition][column];
  const top = bp[bp.length - 1]!;
  if (concentration > top) {
    if (bp.length === IAQI_STEPS.length) return 500;
    return column === 'so2_1h' || column === 'o3_8h' ? BEYOND_800[edition][column] : null;
  }
  for (let i = 1; i < bp.length; i++) {
    const hi = bp[i]!;
    if (concentration <= hi) {
      const lo = bp[i - 1]!;
      const iLo = IAQI_STEPS[i - 1]!;
      const iHi = IAQI_STEPS[i]!;
      return ceilIndex(((iHi - iLo) / (hi - lo)) * (concentration - lo) + iLo);
    }
  }
  return 0; // unreachable: concentration ≤ top
}

/** Concentrations for an hourly (real-time) report. */
export type HourlyConcentrations = Partial<Record<Pollutant, number>> & {
  /** SO2 24-hour moving mean ending at the hour: indexes SO2 when its 1-hour value exceeds 800 (note a). */
  so2_24h?: number;
};
/** Concentrations for a daily report: 24-hour means; `o3` the day's maximum 1-hour mean, `o3_8h` its maximum 8-hour moving mean. */
export type DailyConcentrations = Partial<Record<Pollutant, number>>;

/**
 * Hourly AQI (实时报): SO2, NO2, CO and O3 on their 1-hour columns, PM10 and PM2.5 (1-hour means) on their
 * 24-hour columns, O3 8-hour moving mean on its column. Throws when no pollutant can be indexed.
 */
export function hourlyAqi(concentrations: HourlyConcentrations, edition: AqiEdition): AqiResult {
  return computeAqi('hourly', edition, concentrations, HOURLY_COLUMNS);
}

/** Daily AQI (日报) from 24-hour means, the daily maximum 1-hour O3 and the daily maximum 8-hour O3. */
export function dailyAqi(concentrations: DailyConcentrations, edition: AqiEdition): AqiResult {
  return computeAqi('daily', edition, concentrations, DAILY_COLUMNS);
}

/**
 * True when `hourlyAqi` (or `dailyAqi`, with kind 'daily') finds at least one pollutant to index: under HJ 633-2012
 * not when the only values are an SO2 1-hour value above 800 without its 24-hour mean, or an O3 8-hour value above
 * 800 without the 1-hour value; under HJ 633—2026 whenever there is a value.
 */
export function hasIndexablePollutant(concentrations: HourlyConcentrations, kind: AqiKind, edition: AqiEdition): boolean {
  return POLLUTANTS.some((p) => {
    const v = concentrations[p];
    if (!isPresent(v)) return false;
    if (edition !== 'HJ 633-2012') return true;
    if (p === 'so2' && kind === 'hourly' && reportedConcentration('so2', v) > 800) return isPresent(concentrations.so2_24h);
    if (p === 'o3_8h' && reportedConcentration('o3_8h', v) > 800) return isPresent(concentrations.o3);
    return true;
  });
}

function isPresent(v: number | undefined | null): v is number {
  return v !== undefined && v !== null && Number.isFinite(v);
}

function computeAqi(kind: AqiKind, edition: AqiEdition, input: HourlyConcentrations, columns: Record<Pollutant, BreakpointColumn>): AqiResult {
  const values: Partial<Record<Pollutant, number>> = {};
  for (const p of POLLUTANTS) {
    const v = input[p];
    if (v === undefined || v === null) continue;
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${p} must be a finite concentration ≥ 0, got ${v}`);
    values[p] = reportedConcentration(p, v);
  }
  const so2Day = isPresent(input.so2_24h) ? reportedConcentration('so2', input.so2_24h) : undefined;

  const index: Partial<Record<Pollutant, number>> = {};
  const used: Partial<Record<Pollutant, BreakpointColumn>> = {};
  const aboveScale: Pollutant[] = [];
  const notIndexed: Pollutant[] = [];
  for (const p of POLLUTANTS) {
    const c = values[p];
    if (c === undefined) continue;
    let column = columns[p];
    let value = iaqi(column, c, edition);
    if (value === null && column === 'so2_1h' && so2Day !== undefined) {
      // HJ 633-2012 table 1 note (a): SO2 1-hour > 800 → reported by its 24-hour IAQI.
      column = 'so2_24h';
      value = iaqi(column, so2Day, edition);
    } else if (value === null && column === 'o3_8h' && values.o3 !== undefined) {
      // HJ 633-2012 table 1 note (b): O3 8-hour > 800 → reported by its 1-hour IAQI.
      column = 'o3_1h';
      value = iaqi(column, values.o3, edition);
    }
    if (value === null) {
      notIndexed.push(p);
      continue;
    }
    index[p] = value;
    used[p] = column;
    const indexedValue = column === 'so2_24h' && columns.so2 === 'so2_1h' ? so2Day! : column === 'o3_1h' && p === 'o3_8h' ? values.o3! : c;
    const bp = BREAKPOINTS[edition][column];
    // Beyond a full column only: HJ 633—2026's IAQI for SO2 1-hour and O3 8-hour above 800 is a rule, not the scale's top.
    if (bp.length === IAQI_STEPS.length && indexedValue > bp[bp.length - 1]!) aboveScale.push(p);
  }

  const indexed = POLLUTANTS.filter((p) => index[p] !== undefined);
  if (indexed.length === 0) {
    throw new RangeError(
      Object.keys(values).length === 0
        ? 'no pollutant concentration to index'
        : 'no pollutant can be indexed (under HJ 633-2012, SO2 1-hour > 800 needs the 24-hour mean; O3 8-hour > 800 needs the 1-hour value)',
    );
  }
  const aqi = Math.max(...indexed.map((p) => index[p]!));
  return {
    kind,
    edition,
    aqi,
    ...aqiCategory(aqi),
    primaryPollutants: aqi > 50 ? indexed.filter((p) => index[p] === aqi) : [],
    // HJ 633—2026 drops 超标污染物; only 首要污染物 remain.
    ...(edition === 'HJ 633-2012' ? { exceedingPollutants: indexed.filter((p) => index[p]! > 100) } : {}),
    aboveScale,
    notIndexed,
    iaqi: index,
    concentrations: values,
    columns: used,
  };
}

/** 中文名 and English name of each indexed quantity, for reports and the UI. */
export const POLLUTANT_NAMES: Record<Pollutant, { zh: string; en: string; unit: string }> = {
  so2: { zh: '二氧化硫', en: 'SO₂', unit: 'µg/m³' },
  no2: { zh: '二氧化氮', en: 'NO₂', unit: 'µg/m³' },
  pm10: { zh: '颗粒物(PM10)', en: 'PM10', unit: 'µg/m³' },
  co: { zh: '一氧化碳', en: 'CO', unit: 'mg/m³' },
  o3: { zh: '臭氧1小时', en: 'O₃ 1-hour', unit: 'µg/m³' },
  o3_8h: { zh: '臭氧8小时', en: 'O₃ 8-hour', unit: 'µg/m³' },
  pm25: { zh: '细颗粒物(PM2.5)', en: 'PM2.5', unit: 'µg/m³' },
};

/**
 * An hourly or daily AQI report as the API returns it (a station's, or an area's): the result's figures, the period it
 * covers, and the concentrations indexed (`so2_24h` too, when it indexed SO2).
 */
export interface AqiReport
  extends Pick<AqiResult, 'kind' | 'edition' | 'aqi' | 'level' | 'levelZh' | 'categoryZh' | 'categoryEn' | 'colour' | 'primaryPollutants' | 'exceedingPollutants' | 'iaqi'> {
  /** Start of the hour or China calendar day (00:00 UTC+8) the report covers, and its end (exclusive), ISO 8601. */
  time: string;
  end: string;
  concentrations: Record<string, number>;
  /** Daily reports: hours of the day with pollutant data. */
  hours?: number;
  /** Area reports: stations averaged. */
  stations?: number;
}

export interface EditionSpan {
  edition: AqiEdition;
  /** ISO 8601; `to` exclusive. */
  from: string;
  to: string;
}

/** The parts of [from, to) under each edition, in order: a range across 2026-03-01 00:00 +08:00 is split in two. */
export function editionSpans(from: Date, to: Date): EditionSpan[] {
  const a = from.getTime();
  const b = to.getTime();
  if (!(a < b)) return [];
  if (b <= HJ_633_2026_FROM || a >= HJ_633_2026_FROM) return [{ edition: aqiEditionAt(a), from: from.toISOString(), to: to.toISOString() }];
  const change = new Date(HJ_633_2026_FROM).toISOString();
  return [
    { edition: 'HJ 633-2012', from: from.toISOString(), to: change },
    { edition: 'HJ 633-2026', from: change, to: to.toISOString() },
  ];
}
