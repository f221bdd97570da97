/**
 * Surface water quality class — GB 3838-2002 (地表水环境质量标准), basic items, docs/domain/water-quality.md.
 * Pure functions: single-factor evaluation (单因子评价), the worst item decides the class.
 */

/** The GB 3838 basic items the hub's water stations measure, by their metric names (mg/L; pH dimensionless). */
export const WATER_ITEMS = ['ph', 'do_mgl', 'codmn_mgl', 'cod_mgl', 'bod5_mgl', 'nh3n_mgl', 'tp_mgl', 'tn_mgl'] as const;
export type WaterItem = (typeof WATER_ITEMS)[number];

/** 1 … 5 = class I … V; 6 = 劣V (worse than class V). */
export type WaterClass = 1 | 2 | 3 | 4 | 5 | 6;
export type Waterbody = 'river' | 'lake';

export interface WaterClassOptions {
  /** Rivers and lakes/reservoirs have different TP limits; TN is assessed for lakes and reservoirs only. */
  waterbody: Waterbody;
  /** Water temperature (°C): lets DO at 90 % saturation count as class I (GB 3838-2002 table 1, item 4). */
  temperatureC?: number;
}

export interface WaterClassResult {
  klass: WaterClass;
  /** Ⅰ类 … Ⅴ类, 劣Ⅴ类 */
  labelZh: string;
  /** Class I … Class V, Worse than Class V */
  labelEn: string;
  /** The items at the overall class when it is worse than class I (定类指标). */
  limitingItems: WaterItem[];
  /** The class of each assessed item. */
  items: Partial<Record<WaterItem, WaterClass>>;
  /** Items given but without a limit for this waterbody (TN in rivers). */
  notAssessed: WaterItem[];
}

/** GB 3838-2002 table 1: upper limits (≤) of classes I–V, mg/L. */
const UPPER_LIMITS: Record<Exclude<WaterItem, 'ph' | 'do_mgl' | 'tp_mgl' | 'tn_mgl'>, readonly number[]> = {
  codmn_mgl: [2, 4, 6, 10, 15],
  cod_mgl: [15, 15, 20, 30, 40],
  bod5_mgl: [3, 3, 4, 6, 10],
  nh3n_mgl: [0.15, 0.5, 1.0, 1.5, 2.0],
};
const TP_LIMITS: Record<Waterbody, readonly number[]> = {
  river: [0.02, 0.1, 0.2, 0.3, 0.4],
  lake: [0.01, 0.025, 0.05, 0.1, 0.2],
};
/** TN: lakes and reservoirs only. */
const TN_LAKE_LIMITS: readonly number[] = [0.2, 0.5, 1.0, 1.5, 2.0];
/** DO is a lower limit (≥). */
const DO_LIMITS: readonly number[] = [7.5, 6, 5, 3, 2];
const PH_RANGE = [6, 9] as const;
/** Class I DO may also be met by 90 % saturation. */
const DO_SATURATION_CLASS_I = 0.9;

/** The limits of an item for classes I–V, with their direction; null where the item is not assessed. */
export function waterItemLimits(item: WaterItem, waterbody: Waterbody): { direction: 'max' | 'min' | 'range'; limits: readonly number[] } | null {
  switch (item) {
    case 'ph':
      return { direction: 'range', limits: PH_RANGE };
    case 'do_mgl':
      return { direction: 'min', limits: DO_LIMITS };
    case 'tp_mgl':
      return { direction: 'max', limits: TP_LIMITS[waterbody] };
    case 'tn_mgl':
      return waterbody === 'lake' ? { direction: 'max', limits: TN_LAKE_LIMITS } : null;
    default:
      return { direction: 'max', limits: UPPER_LIMITS[item] };
  }
}

/** Dissolved oxygen at saturation in fresh water, mg/L: 468 / (31.6 + T) (the GB 3838 evaluation formula). */
export function saturatedDo(temperatureC: number): number {
  return 468 / (31.6 + temperatureC);
}

/** The class of one item's value (GB 3838-2002 single-factor class); null when the item is not assessed. */
export function itemClass(item: WaterItem, value: number, opts: WaterClassOptions): WaterClass | null {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${item} must be a finite value ≥ 0, got ${value}`);
  const spec = waterItemLimits(item, opts.waterbody);
  if (!spec) return null;
  if (spec.direction === 'range') return value >= spec.limits[0]! && value <= spec.limits[1]! ? 1 : 6;
  if (spec.direction === 'min') {
    if (
      item === 'do_mgl' &&
      opts.temperatureC !== undefined &&
      Number.isFinite(opts.temperatureC) &&
      value >= DO_SATURATION_CLASS_I * saturatedDo(opts.temperatureC)
    ) {
      return 1;
    }
    const i = spec.limits.findIndex((limit) => value >= limit);
    return (i < 0 ? 6 : i + 1) as WaterClass;
  }
  const i = spec.limits.findIndex((limit) => value <= limit);
  return (i < 0 ? 6 : i + 1) as WaterClass;
}

const LABELS_ZH = ['Ⅰ类', 'Ⅱ类', 'Ⅲ类', 'Ⅳ类', 'Ⅴ类', '劣Ⅴ类'] as const;
const LABELS_EN = ['Class I', 'Class II', 'Class III', 'Class IV', 'Class V', 'Worse than Class V'] as const;
const ROMAN = ['I', 'II', 'III', 'IV', 'V'] as const;

export function waterClassLabel(klass: WaterClass): { labelZh: string; labelEn: string } {
  return { labelZh: LABELS_ZH[klass - 1]!, labelEn: LABELS_EN[klass - 1]! };
}

/** 'I' … 'V' (a station's target class attribute) → 1 … 5; null for anything else. */
export function parseWaterClass(roman: unknown): Exclude<WaterClass, 6> | null {
  const i = ROMAN.indexOf(roman as (typeof ROMAN)[number]);
  return i < 0 ? null : ((i + 1) as Exclude<WaterClass, 6>);
}

export function waterClassRoman(klass: WaterClass): string {
  return klass === 6 ? '劣V' : ROMAN[klass - 1]!;
}

/**
 * Class of a sample by its worst item. Items absent from the sample are not assessed; throws when the sample
 * has no assessable item.
 */
export function waterClass(sample: Partial<Record<WaterItem, number>>, opts: WaterClassOptions): WaterClassResult {
  const items: Partial<Record<WaterItem, WaterClass>> = {};
  const notAssessed: WaterItem[] = [];
  for (const item of WATER_ITEMS) {
    const value = sample[item];
    if (value === undefined || value === null) continue;
    const klass = itemClass(item, value, opts);
    if (klass === null) notAssessed.push(item);
    else items[item] = klass;
  }
  const assessed = WATER_ITEMS.filter((item) => items[item] !== undefined);
  if (assessed.length === 0) throw new RangeError(`no GB 3838 item to assess (give one of ${WATER_ITEMS.join(', ')})`);
  const klass = Math.max(...assessed.map((item) => items[item]!)) as WaterClass;
  return {
    klass,
    ...waterClassLabel(klass),
    limitingItems: klass > 1 ? assessed.filter((item) => items[item] === klass) : [],
    items,
    notAssessed,
  };
}

/** True when a class is worse than the target class (a higher number). */
export function worseThan(klass: WaterClass, target: WaterClass): boolean {
  return klass > target;
}

export interface WaterExceedance {
  item: WaterItem;
  value: number;
  klass: WaterClass;
  /** The target class's limit the value misses (the lower limit for DO, the range for pH). */
  limit: number | readonly [number, number];
  /** 超标倍数 (value − limit) / limit for "≤" items; null for DO and pH. */
  times: number | null;
}

/** Items of a sample worse than the target class, with the limit they miss (超标项目). */
export function exceedances(
  sample: Partial<Record<WaterItem, number>>,
  result: WaterClassResult,
  target: WaterClass,
  opts: WaterClassOptions,
): WaterExceedance[] {
  const out: WaterExceedance[] = [];
  if (target === 6) return out;
  for (const item of WATER_ITEMS) {
    const klass = result.items[item];
    const value = sample[item];
    if (klass === undefined || value === undefined || !worseThan(klass, target)) continue;
    const spec = waterItemLimits(item, opts.waterbody)!;
    if (spec.direction === 'range') out.push({ item, value, klass, limit: PH_RANGE, times: null });
    else if (spec.direction === 'min') out.push({ item, value, klass, limit: spec.limits[target - 1]!, times: null });
    else {
      const limit = spec.limits[target - 1]!;
      out.push({ item, value, klass, limit, times: Math.round(((value - limit) / limit) * 100) / 100 });
    }
  }
  return out;
}
