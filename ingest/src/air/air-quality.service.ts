import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DeviceRepository } from '../devices/device.repository';
import { MAX_DEVICES, MAX_POINTS } from '../readings/timeseries';
import {
  aqiCategory,
  aqiEditionAt,
  AqiKind,
  AqiReport,
  dailyAqi,
  dailyCompliance,
  DailyCompliance,
  editionSpans,
  HJ_633_2026_FROM,
  hasIndexablePollutant,
  hourlyAqi,
  HourlyConcentrations,
  POLLUTANTS,
} from '@gridhub/contracts';
import { chinaDayStart, DAY_MS, hourStart, HOUR_MS, planRefresh } from './aqi-series';
import { AqiRepository, AqiRow, AqiTable } from './aqi.repository';

/** A request the caller can fix (400). */
export class AirQueryError extends Error {}
/** A station or grid that does not exist (404). */
export class AirNotFoundError extends Error {}

const TABLE: Record<AqiKind, AqiTable> = { hourly: 'aqi_hourly', daily: 'aqi_daily' };
/** Longest range per request: a month and a day of hourly reports, a year and a day of daily ones. */
export const MAX_AQI_RANGE_DAYS: Record<AqiKind, number> = { hourly: 32, daily: 367 };
const REFRESH_PAIRS_PER_TRANSACTION = 2000;
const REFRESH_TRANSACTIONS_PER_RUN = 20;

export const AREA_LEVELS = ['district', 'street', 'community', 'grid'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];
/** Grid codes carry the hierarchy: 6 (district) + 3 (street) + 3 (community) + 3 (unit grid) digits. */
const PREFIX: Record<AreaLevel, number> = { district: 6, street: 9, community: 12, grid: 15 };

export interface AqiRecomputation {
  /** Dirty station hours taken. */
  hours: number;
  /** Stored reports inserted, changed or removed. */
  hourlyChanged: number;
  dailyChanged: number;
}

export interface AqiSeriesRequest {
  deviceId?: string;
  gridCode?: string;
  kind: AqiKind;
  from?: Date;
  to?: Date;
  /** For a grid: one series for the area (default) or one per station. */
  per?: 'area' | 'station';
}

@Injectable()
export class AirQualityService {
  private readonly logger = new Logger(AirQualityService.name);

  constructor(
    private readonly repository: AqiRepository,
    private readonly devices: DeviceRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Recomputes the hourly and daily AQI of every station hour the roll-up refreshed since the last run (or that
   * `recompute` marked), each under the edition in force for its time.
   */
  async refresh(transactions = REFRESH_TRANSACTIONS_PER_RUN): Promise<AqiRecomputation> {
    const done: AqiRecomputation = { hours: 0, hourlyChanged: 0, dailyChanged: 0 };
    for (let i = 0; i < transactions; i++) {
      const { taken, hourlyChanged, dailyChanged } = await this.repository.refresh(REFRESH_PAIRS_PER_TRANSACTION, planRefresh);
      done.hours += taken;
      done.hourlyChanged += hourlyChanged;
      done.dailyChanged += dailyChanged;
      if (taken < REFRESH_PAIRS_PER_TRANSACTION) break;
    }
    if (done.hourlyChanged + done.dailyChanged > 0) {
      this.logger.log(`AQI recomputed around ${done.hours} station hours: ${done.hourlyChanged} hourly and ${done.dailyChanged} daily reports changed`);
    }
    return done;
  }

  /**
   * The one-off job after a change of rules (HJ 633—2026 for data from 2026-03-01 on, migration 010 does the same on
   * upgrade): recomputes every stored report from `since` and reports how many changed (new, different or removed).
   */
  async recompute(since: Date = new Date(HJ_633_2026_FROM)): Promise<AqiRecomputation & { since: string; marked: number }> {
    const marked = await this.repository.markForRecompute(since);
    const done = await this.refresh(Math.ceil(marked / REFRESH_PAIRS_PER_TRANSACTION) + 1);
    return { since: since.toISOString(), marked, ...done };
  }

  async series(request: AqiSeriesRequest) {
    const { kind } = request;
    const { from, to } = this.range(kind, request.from, request.to);
    if (!!request.deviceId === !!request.gridCode) throw new AirQueryError('name either a deviceId or a gridCode');
    const table = TABLE[kind];
    if (request.deviceId) {
      const device = await this.station(request.deviceId);
      const rows = await this.repository.series(table, [device.id], from, to);
      return {
        kind, from: from.toISOString(), to: to.toISOString(), editions: editionSpans(from, to),
        station: { id: device.id, name: device.name, gridCode: device.gridCode },
        reports: rows.map((r) => presentRow(kind, r)),
      };
    }
    const gridCode = request.gridCode!;
    const { grid, stations } = await this.areaStations(gridCode);
    const points = (stations.length * (to.getTime() - from.getTime())) / (kind === 'hourly' ? HOUR_MS : DAY_MS);
    if (request.per === 'station' && points > MAX_POINTS) {
      throw new AirQueryError(`${stations.length} stations over this range exceed ${MAX_POINTS} reports; narrow the range`);
    }
    const rows = await this.repository.series(table, stations.map((d) => d.id), from, to);
    const area = { code: gridCode, name: grid.name, level: grid.level, stations: stations.map((d) => ({ id: d.id, name: d.name, gridCode: d.gridCode })) };
    if (request.per === 'station') {
      const byStation = new Map<string, AqiReport[]>(stations.map((d) => [d.id, []]));
      for (const r of rows) byStation.get(r.device_id)?.push(presentRow(kind, r));
      return {
        kind, from: from.toISOString(), to: to.toISOString(), editions: editionSpans(from, to), area,
        series: [...byStation].map(([deviceId, reports]) => ({ deviceId, reports })),
      };
    }
    const byTime = new Map<number, AqiRow[]>();
    for (const r of rows) {
      const t = r.time.getTime();
      const list = byTime.get(t) ?? [];
      list.push(r);
      byTime.set(t, list);
    }
    const reports = [...byTime.keys()]
      .sort((a, b) => a - b)
      .flatMap((t) => areaReport(kind, new Date(t), byTime.get(t)!) ?? []);
    return { kind, from: from.toISOString(), to: to.toISOString(), editions: editionSpans(from, to), area, method: AREA_METHOD, reports };
  }

  /** Stations or areas ranked by AQI for one hour or day, best (lowest) first; equal AQI share a rank. */
  async ranking(request: { kind: AqiKind; level: 'station' | AreaLevel; at?: Date }) {
    const { kind, level } = request;
    const table = TABLE[kind];
    let at: Date | null;
    if (request.at) at = new Date(kind === 'hourly' ? hourStart(request.at.getTime()) : chinaDayStart(request.at.getTime()));
    else at = await this.repository.latest(table, this.clock.now());
    if (!at) return { kind, level, time: null, items: [] };
    const rows = await this.repository.at(table, at);
    type Item = { code: string; name: string; report: AqiReport };
    let items: Item[];
    if (level === 'station') {
      items = rows.map((r) => ({ code: r.device_id, name: r.name, report: presentRow(kind, r) }));
    } else {
      const groups = new Map<string, AqiRow[]>();
      for (const r of rows) {
        if (!r.grid_code || r.grid_code.length < PREFIX[level]) continue;
        const code = r.grid_code.slice(0, PREFIX[level]);
        groups.set(code, [...(groups.get(code) ?? []), r]);
      }
      const names = await this.repository.gridNames([...groups.keys()]);
      items = [...groups].flatMap(([code, group]) => {
        const report = areaReport(kind, at!, group);
        return report ? [{ code, name: names.get(code)?.name ?? code, report }] : [];
      });
    }
    items.sort((a, b) => a.report.aqi - b.report.aqi || a.code.localeCompare(b.code));
    let rank = 0;
    const ranked = items.map((item, i) => {
      if (i === 0 || item.report.aqi !== items[i - 1]!.report.aqi) rank = i + 1;
      const { kind: _k, edition: _ed, time: _t, end: _e, ...report } = item.report;
      return { rank, ...(level === 'station' ? { deviceId: item.code } : { gridCode: item.code }), name: item.name, ...report };
    });
    const time = presentTime(kind, at);
    return { kind, level, edition: aqiEditionAt(at), ...time, ...(level === 'station' ? {} : { method: AREA_METHOD }), items: ranked };
  }

  /**
   * Compliance (达标) of each station-day with the GB 3095 level-2 24-hour limits in force on that day (2012, the
   * 2026 transition stage, or 2026), from the stored daily reports' concentrations; with a rate per station.
   */
  async compliance(request: { deviceId?: string; gridCode?: string; from?: Date; to?: Date }) {
    const { from, to } = this.range('daily', request.from, request.to);
    if (!!request.deviceId === !!request.gridCode) throw new AirQueryError('name either a deviceId or a gridCode');
    const stations = request.deviceId ? [await this.station(request.deviceId)] : (await this.areaStations(request.gridCode!)).stations;
    const rows = await this.repository.series('aqi_daily', stations.map((d) => d.id), from, to);
    const byStation = new Map<string, { day: string; judged: DailyCompliance }[]>(stations.map((d) => [d.id, []]));
    for (const r of rows) {
      const judged = dailyCompliance(r.concentrations, r.time);
      if (judged) byStation.get(r.device_id)?.push({ day: r.time.toISOString(), judged });
    }
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      level: 'level-2 (二级) 24-hour limits',
      stations: stations.map((d) => {
        const days = (byStation.get(d.id) ?? []).map(({ day, judged }) => ({ day, ...judged }));
        const compliantDays = days.filter((x) => x.compliant).length;
        return {
          deviceId: d.id,
          name: d.name,
          gridCode: d.gridCode,
          days,
          judgedDays: days.length,
          compliantDays,
          /** 达标率, percent with two decimals; null without a judged day. */
          complianceRate: days.length > 0 ? Math.round((compliantDays / days.length) * 10_000) / 100 : null,
        };
      }),
    };
  }

  private async station(deviceId: string) {
    const device = await this.devices.find(deviceId);
    if (!device) throw new AirNotFoundError(`device ${deviceId} not found`);
    if (device.family !== 'air') throw new AirQueryError(`device ${device.id} is a ${device.family} device, not an air station`);
    return device;
  }

  /** The enabled air stations of a grid-hierarchy node, and the node. */
  private async areaStations(gridCode: string) {
    const grid = (await this.repository.gridNames([gridCode])).get(gridCode);
    if (!grid) throw new AirNotFoundError(`grid ${gridCode} not found`);
    const { items, total } = await this.devices.list({ family: 'air', gridCode, limit: MAX_DEVICES, offset: 0 });
    if (total > MAX_DEVICES) throw new AirQueryError(`${total} stations in ${gridCode}; at most ${MAX_DEVICES} per request`);
    return { grid, stations: items.filter((d) => d.enabled) };
  }

  private range(kind: AqiKind, from: Date | undefined, to: Date | undefined): { from: Date; to: Date } {
    const end = to ?? this.clock.now();
    const start = from ?? new Date(end.getTime() - (kind === 'hourly' ? DAY_MS : 30 * DAY_MS));
    if (start >= end) throw new AirQueryError('from must be before to');
    if (end.getTime() - start.getTime() > MAX_AQI_RANGE_DAYS[kind] * DAY_MS) {
      throw new AirQueryError(`${kind} AQI is served for at most ${MAX_AQI_RANGE_DAYS[kind]} days per request`);
    }
    return { from: start, to: end };
  }
}

const AREA_METHOD =
  'HJ 633 practice for an area (either edition): the mean concentration of each pollutant over the area’s reporting stations, indexed as one station';

function presentTime(kind: AqiKind, time: Date): { time: string; end: string } {
  return { time: time.toISOString(), end: new Date(time.getTime() + (kind === 'hourly' ? HOUR_MS : DAY_MS)).toISOString() };
}

function presentRow(kind: AqiKind, r: AqiRow): AqiReport {
  const { level, levelZh, categoryZh, categoryEn, colour } = aqiCategory(r.aqi);
  const edition = aqiEditionAt(r.time);
  return {
    kind,
    edition,
    ...presentTime(kind, r.time),
    aqi: r.aqi,
    level,
    levelZh,
    categoryZh,
    categoryEn,
    colour,
    primaryPollutants: r.primary_pollutants,
    ...(edition === 'HJ 633-2012' ? { exceedingPollutants: POLLUTANTS.filter((p) => (r.iaqi[p] ?? 0) > 100) } : {}),
    iaqi: r.iaqi,
    concentrations: r.concentrations as Record<string, number>,
    ...(r.hours !== null && r.hours !== undefined ? { hours: r.hours } : {}),
  };
}

/**
 * The area's report: each pollutant's mean over the stations that report it, indexed as one station under the edition
 * in force for its time. Null when the means cannot be indexed (HJ 633-2012: SO2 1-hour mean above 800 without any
 * station's 24-hour mean).
 */
export function areaReport(kind: AqiKind, time: Date, rows: readonly Pick<AqiRow, 'concentrations'>[]): AqiReport | null {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const r of rows) {
    for (const [key, value] of Object.entries(r.concentrations)) {
      if (typeof value !== 'number') continue;
      const s = sums.get(key) ?? { sum: 0, n: 0 };
      s.sum += value;
      s.n += 1;
      sums.set(key, s);
    }
  }
  const means: HourlyConcentrations = {};
  for (const [key, { sum, n }] of sums) (means as Record<string, number>)[key] = sum / n;
  const edition = aqiEditionAt(time);
  if (!hasIndexablePollutant(means, kind, edition)) return null;
  const result = kind === 'hourly' ? hourlyAqi(means, edition) : dailyAqi(means, edition);
  const concentrations: Record<string, number> = { ...result.concentrations };
  return {
    kind,
    edition,
    ...presentTime(kind, time),
    aqi: result.aqi,
    level: result.level,
    levelZh: result.levelZh,
    categoryZh: result.categoryZh,
    categoryEn: result.categoryEn,
    colour: result.colour,
    primaryPollutants: result.primaryPollutants,
    ...(result.exceedingPollutants ? { exceedingPollutants: result.exceedingPollutants } : {}),
    iaqi: result.iaqi,
    concentrations,
    stations: rows.length,
  };
}
