import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DeviceRepository } from '../devices/device.repository';
import { Device } from '../devices/device.types';
import { MAX_POINTS } from '../readings/timeseries';
import {
  exceedances,
  parseWaterClass,
  WATER_ITEMS,
  WaterClass,
  waterClass,
  waterClassLabel,
  waterClassRoman,
  Waterbody,
  waterbodyOf,
  WaterClassResult,
  WaterItem,
  worseThan,
} from '@gridhub/contracts';
import { MetricValueRow, WaterRepository } from './water.repository';

/** A request the caller can fix (400). */
export class WaterQueryError extends Error {}
export class WaterNotFoundError extends Error {}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
export const WATER_QUALITY_KINDS = ['sample', 'daily'] as const;
export type WaterQualityKind = (typeof WATER_QUALITY_KINDS)[number];
/** Longest range per request: samples are raw readings (as the readings API: 31 days), days from the roll-up. */
export const MAX_WATER_RANGE_DAYS = { sample: 31, daily: 367, level: 31 } as const;

const QUALITY_METRICS = [...WATER_ITEMS.filter((i) => i !== 'bod5_mgl'), 'temp_c'] as const;

/** The station facts the evaluation needs, from the device's attributes (docs/domain/sensors.md). */
export interface WaterStation {
  id: string;
  name: string;
  gridCode: string | null;
  kind: string | null;
  waterbody: Waterbody;
  targetClass: WaterClass | null;
  warningLevelM: number | null;
  guaranteedLevelM: number | null;
}

export function waterStation(device: Device): WaterStation {
  const a = device.attributes;
  const kind = typeof a.kind === 'string' ? a.kind : null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    id: device.id,
    name: device.name,
    gridCode: device.gridCode,
    kind,
    // GB 3838-2002: lakes and reservoirs have their own TP limits and a TN limit.
    waterbody: waterbodyOf(a),
    targetClass: parseWaterClass(a.target_class),
    warningLevelM: num(a.warning_level_m),
    guaranteedLevelM: num(a.guaranteed_level_m),
  };
}

function presentClass(result: WaterClassResult) {
  return {
    klass: result.klass,
    classRoman: waterClassRoman(result.klass),
    labelZh: result.labelZh,
    labelEn: result.labelEn,
    limitingItems: result.limitingItems,
    items: result.items,
    ...(result.notAssessed.length ? { notAssessed: result.notAssessed } : {}),
  };
}

@Injectable()
export class WaterService {
  constructor(
    private readonly repository: WaterRepository,
    private readonly devices: DeviceRepository,
    private readonly clock: Clock,
  ) {}

  /** GB 3838-2002 class per sample (one device message) or per China day (daily means), against the target class. */
  async quality(request: { deviceId: string; kind: WaterQualityKind; from?: Date; to?: Date }) {
    const station = await this.station(request.deviceId);
    if (station.kind === 'pipe' || station.kind === 'rain') {
      throw new WaterQueryError(`station ${station.id} is a ${station.kind} station; GB 3838 classes apply to rivers, lakes and reservoirs`);
    }
    const { from, to } = this.range(MAX_WATER_RANGE_DAYS[request.kind], request.kind === 'sample' ? DAY_MS : 30 * DAY_MS, request.from, request.to);
    const rows =
      request.kind === 'sample'
        ? await this.repository.raw(station.id, QUALITY_METRICS, from, to, MAX_POINTS + 1)
        : await this.repository.dailyMeans(station.id, QUALITY_METRICS, from, to);
    if (rows.length > MAX_POINTS) throw new WaterQueryError(`more than ${MAX_POINTS} readings; narrow the range`);
    const opts = { waterbody: station.waterbody };
    const target = station.targetClass;
    const evaluations = groupByTime(rows).flatMap(({ time, values }) => {
      const sample: Partial<Record<WaterItem, number>> = {};
      for (const item of WATER_ITEMS) if (values[item] !== undefined) sample[item] = values[item];
      if (!WATER_ITEMS.some((i) => sample[i] !== undefined && (i !== 'tn_mgl' || station.waterbody === 'lake'))) return [];
      const itemOpts = values.temp_c !== undefined ? { ...opts, temperatureC: values.temp_c } : opts;
      const result = waterClass(sample, itemOpts);
      return [
        {
          time: time.toISOString(),
          ...(request.kind === 'daily' ? { end: new Date(time.getTime() + DAY_MS).toISOString() } : {}),
          values: sample,
          ...(values.temp_c !== undefined ? { temperatureC: values.temp_c } : {}),
          ...presentClass(result),
          ...(target
            ? { missesTarget: worseThan(result.klass, target), exceedances: exceedances(sample, result, target, itemOpts) }
            : {}),
        },
      ];
    });
    const worst = evaluations.reduce<WaterClass | null>((w, e) => (w === null || e.klass > w ? e.klass : w), null);
    return {
      kind: request.kind,
      from: from.toISOString(),
      to: to.toISOString(),
      station: presentStation(station),
      standard: 'GB 3838-2002 single-factor evaluation (单因子评价)',
      summary: {
        evaluated: evaluations.length,
        worst: worst === null ? null : { klass: worst, classRoman: waterClassRoman(worst), ...waterClassLabel(worst) },
        ...(target ? { missingTarget: evaluations.filter((e) => e.missesTarget).length } : {}),
      },
      ...(request.kind === 'sample' ? { samples: evaluations } : { days: evaluations }),
    };
  }

  /** Water level against the station's warning (警戒) and guaranteed (保证) levels, with interval and hourly rainfall. */
  async level(request: { deviceId: string; from?: Date; to?: Date }) {
    const station = await this.station(request.deviceId);
    const { from, to } = this.range(MAX_WATER_RANGE_DAYS.level, DAY_MS, request.from, request.to);
    const rows = await this.repository.raw(station.id, ['level_m', 'rain_mm'], from, to, MAX_POINTS + 1);
    if (rows.length > MAX_POINTS) throw new WaterQueryError(`more than ${MAX_POINTS} readings; narrow the range`);
    const { warningLevelM: warning, guaranteedLevelM: guaranteed } = station;
    const levels = rows
      .filter((r) => r.metric === 'level_m')
      .map((r) => ({
        time: r.time.toISOString(),
        levelM: r.value,
        state: levelState(r.value, warning, guaranteed),
        ...(warning !== null ? { aboveWarningM: round3(r.value - warning) } : {}),
        ...(guaranteed !== null ? { aboveGuaranteedM: round3(r.value - guaranteed) } : {}),
      }));
    const peak = levels.reduce<(typeof levels)[number] | null>((p, l) => (p === null || l.levelM > p.levelM ? l : p), null);
    const interval = rows.filter((r) => r.metric === 'rain_mm').map((r) => ({ time: r.time.toISOString(), mm: r.value }));
    const hourly = (await this.repository.hourlyRainfall(station.id, from, to)).map((h) => ({
      hour: h.hour.toISOString(),
      end: new Date(h.hour.getTime() + HOUR_MS).toISOString(),
      mm: round3(h.mm),
      samples: h.samples,
    }));
    const maxHour = hourly.reduce<(typeof hourly)[number] | null>((m, h) => (m === null || h.mm > m.mm ? h : m), null);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      station: presentStation(station),
      level: {
        unit: 'm',
        warningLevelM: warning,
        guaranteedLevelM: guaranteed,
        latest: levels.at(-1) ?? null,
        peak,
        aboveWarningReadings: levels.filter((l) => l.state !== 'normal' && l.state !== 'unknown').length,
        aboveGuaranteedReadings: levels.filter((l) => l.state === 'above_guaranteed').length,
        points: levels,
      },
      rainfall: {
        unit: 'mm',
        totalMm: round3(interval.reduce((s, r) => s + r.mm, 0)),
        maxHourly: maxHour,
        interval,
        hourly,
      },
    };
  }

  private async station(deviceId: string): Promise<WaterStation> {
    const device = await this.devices.find(deviceId);
    if (!device) throw new WaterNotFoundError(`device ${deviceId} not found`);
    if (device.family !== 'water') throw new WaterQueryError(`device ${device.id} is a ${device.family} device, not a water station`);
    return waterStation(device);
  }

  private range(maxDays: number, defaultMs: number, from: Date | undefined, to: Date | undefined) {
    const end = to ?? this.clock.now();
    const start = from ?? new Date(end.getTime() - defaultMs);
    if (start >= end) throw new WaterQueryError('from must be before to');
    if (end.getTime() - start.getTime() > maxDays * DAY_MS) throw new WaterQueryError(`this is served for at most ${maxDays} days per request`);
    return { from: start, to: end };
  }
}

export type LevelState = 'normal' | 'above_warning' | 'above_guaranteed' | 'unknown';

/** 超警戒 above the warning level, 超保证 above the guaranteed level; unknown when the station has neither. */
export function levelState(level: number, warning: number | null, guaranteed: number | null): LevelState {
  if (guaranteed !== null && level > guaranteed) return 'above_guaranteed';
  if (warning !== null && level > warning) return 'above_warning';
  return warning === null && guaranteed === null ? 'unknown' : 'normal';
}

function presentStation(s: WaterStation) {
  return {
    id: s.id,
    name: s.name,
    gridCode: s.gridCode,
    kind: s.kind,
    waterbody: s.waterbody,
    targetClass: s.targetClass === null ? null : { klass: s.targetClass, classRoman: waterClassRoman(s.targetClass), ...waterClassLabel(s.targetClass) },
    warningLevelM: s.warningLevelM,
    guaranteedLevelM: s.guaranteedLevelM,
  };
}

function groupByTime(rows: MetricValueRow[]): { time: Date; values: Record<string, number> }[] {
  const out: { time: Date; values: Record<string, number> }[] = [];
  for (const r of rows) {
    const last = out.at(-1);
    if (last && last.time.getTime() === r.time.getTime()) last.values[r.metric] = r.value;
    else out.push({ time: r.time, values: { [r.metric]: r.value } });
  }
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
