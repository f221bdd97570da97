import { Injectable } from '@nestjs/common';
import { AlertRepository, areaReport, capMessage, Clock, waterStation } from '@gridhub/ingest';
import { AlertView, aqiCategory, SENSOR_FAMILIES, SensorFamily, WarningColour, WaterClass, waterClassRoman, WaterItem, waterResultFromLatest, worseThan } from '@gridhub/contracts';
import { IndicatorService, levelOfCode } from '@gridhub/gridops';
import { OverviewRepository, WaterLatestRow } from './overview.repository';

const HOUR_MS = 3_600_000;
const CST_MS = 8 * HOUR_MS;
/** The overview's trends cover the last 24 hours (the current hour included). */
const TREND_HOURS = 24;
/** A station's AQI or water sample older than this is not "now" any more. */
const STALE_MS = 3 * HOUR_MS;
const WATER_STALE_MS = 24 * HOUR_MS;
const LIST_LIMIT = 20;

/** China Standard Time: the first instant of the day / month containing `at`. */
export function dayStartCst(at: Date): Date {
  const cst = at.getTime() + CST_MS;
  return new Date(cst - (cst % 86_400_000) - CST_MS);
}
function monthStartCst(at: Date): Date {
  const cst = new Date(at.getTime() + CST_MS);
  return new Date(Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth(), 1) - CST_MS);
}

export interface WaterStationNow {
  deviceId: string;
  name: string;
  gridCode: string | null;
  online: boolean;
  time: string;
  klass: WaterClass;
  classRoman: string;
  labelZh: string;
  labelEn: string;
  limitingItems: WaterItem[];
  targetClass: string | null;
  missesTarget: boolean | null;
}

/**
 * The grid-code prefix of everything under a scope. A city's code is not a prefix of its districts' codes
 * (140100 → 140105): its districts share the city's GB/T 2260 digits (a municipality's, 110000, only two).
 */
export function scopePrefix(scope: string | null): string | null {
  if (scope === null || levelOfCode(scope) !== 'city') return scope;
  return scope.endsWith('0000') ? scope.slice(0, 2) : scope.slice(0, 4);
}

/** Who asks: the overview is confined to the viewer's part of the grid hierarchy. */
export interface OverviewViewer {
  gridScope: string | null;
}

/**
 * The city on one screen (一屏知全市): incident counters of the day, the closed loop's on-time closure rate of
 * the month, the map's areas with open incidents, AQI and water class, the AQI ranking, the worst water
 * stations, the active warnings in their four colours with their CAP state, 24-hour trends per sensor family,
 * the on-duty workers and the latest incidents — one answer, computed in SQL and the shared domain functions
 * (HJ 633-2012 AQI, GB 3838-2002 water class), so a wall screen needs one request per refresh.
 */
@Injectable()
export class OverviewService {
  constructor(
    private readonly repository: OverviewRepository,
    private readonly alerts: AlertRepository,
    private readonly indicators: IndicatorService,
    private readonly clock: Clock,
  ) {}

  async areas(viewer: OverviewViewer) {
    const areas = await this.repository.areas(viewer.gridScope);
    return {
      type: 'FeatureCollection' as const,
      features: areas.map((a) => ({ type: 'Feature' as const, id: a.code, properties: { code: a.code, name: a.name, level: a.level }, geometry: a.geometry })),
    };
  }

  async overview(viewer: OverviewViewer) {
    const now = this.clock.now();
    const scope = scopePrefix(viewer.gridScope);
    const dayStart = dayStartCst(now);
    const trendFrom = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (TREND_HOURS - 1) * HOUR_MS);
    const [areas, counters, month, aqiRows, waterRows, warningCounts, activeAlerts, hourly, workers, ticker] = await Promise.all([
      this.repository.areas(viewer.gridScope),
      this.repository.counters(dayStart, scope),
      this.indicators.report({ scope: 'district', from: monthStartCst(now), to: now }, { gridScope: viewer.gridScope }),
      this.repository.stationAqi(trendFrom, scope),
      this.repository.waterLatest(new Date(now.getTime() - WATER_STALE_MS), scope),
      this.repository.activeWarningCounts(scope),
      this.alerts.list({ status: 'active', scope, limit: LIST_LIMIT, offset: 0 }),
      this.repository.hourly(trendFrom, scope),
      this.repository.onDutyWorkers(now, scope, LIST_LIMIT),
      this.repository.latestIncidents(scope, LIST_LIMIT),
    ]);

    const codeLength = areas[0]?.code.length ?? 6;
    const openByArea = await this.repository.openByArea(codeLength, scope);
    const latestAqiHour = aqiRows.reduce((t, r) => Math.max(t, r.time.getTime()), 0);
    const currentAqi = latestAqiHour > now.getTime() - STALE_MS ? aqiRows.filter((r) => r.time.getTime() === latestAqiHour) : [];
    const water = waterRows.flatMap((r) => this.waterNow(r));
    water.sort((a, b) => b.klass - a.klass || Number(b.missesTarget) - Number(a.missesTarget) || a.deviceId.localeCompare(b.deviceId));

    const hours = Array.from({ length: TREND_HOURS }, (_, i) => new Date(trendFrom.getTime() + i * HOUR_MS));
    const slot = (t: Date) => Math.floor((t.getTime() - trendFrom.getTime()) / HOUR_MS);
    const alertTrend = Object.fromEntries(SENSOR_FAMILIES.map((f) => [f, new Array<number>(TREND_HOURS).fill(0)])) as Record<SensorFamily, number[]>;
    for (const r of hourly.alerts) {
      const i = slot(r.hour);
      if (i >= 0 && i < TREND_HOURS && alertTrend[r.family]) alertTrend[r.family]![i]! += r.n;
    }
    const incidentTrend = new Array<number>(TREND_HOURS).fill(0);
    for (const r of hourly.incidents) {
      const i = slot(r.hour);
      if (i >= 0 && i < TREND_HOURS) incidentTrend[i]! += r.n;
    }
    const aqiTrend = hours.map((h) => {
      const rows = aqiRows.filter((r) => r.time.getTime() === h.getTime());
      return rows.length ? (areaReport('hourly', h, rows)?.aqi ?? null) : null;
    });

    const prefixOf = (gridCode: string | null, area: string) => gridCode !== null && gridCode.startsWith(area);
    return {
      generatedAt: now.toISOString(),
      scope: viewer.gridScope,
      day: { from: dayStart.toISOString(), to: now.toISOString() },
      counters: {
        ...counters,
        onTimeClosureRate: month.total.rates.onTimeClosureRate,
        closureRate: month.total.rates.closureRate,
        ratePeriod: { from: month.from, to: month.to },
      },
      areas: areas.map((a) => {
        const stations = currentAqi.filter((r) => prefixOf(r.grid_code, a.code));
        const report = stations.length ? areaReport('hourly', new Date(latestAqiHour), stations) : null;
        const waters = water.filter((w) => prefixOf(w.gridCode, a.code));
        const worst = waters[0] ?? null;
        return {
          code: a.code,
          name: a.name,
          level: a.level,
          openIncidents: openByArea.get(a.code) ?? 0,
          aqi: report ? { aqi: report.aqi, level: report.level, colour: report.colour.hex, categoryZh: report.categoryZh, categoryEn: report.categoryEn } : null,
          water: worst ? { klass: worst.klass, classRoman: worst.classRoman, labelZh: worst.labelZh, labelEn: worst.labelEn, stations: waters.length } : null,
        };
      }),
      air: {
        time: currentAqi.length ? new Date(latestAqiHour).toISOString() : null,
        city: currentAqi.length ? this.aqiSummary(areaReport('hourly', new Date(latestAqiHour), currentAqi)?.aqi ?? null) : null,
        // Worst first: the wall shows where the air is bad.
        ranking: [...currentAqi]
          .sort((a, b) => b.aqi - a.aqi || a.device_id.localeCompare(b.device_id))
          .slice(0, LIST_LIMIT)
          .map((r, i) => ({ rank: i + 1, deviceId: r.device_id, name: r.name, gridCode: r.grid_code, ...this.aqiSummary(r.aqi)!, primaryPollutants: r.primary_pollutants })),
      },
      water: { stations: water.slice(0, LIST_LIMIT), total: water.length },
      warnings: {
        counts: warningCounts,
        total: activeAlerts.total,
        items: activeAlerts.items.map((a) => this.warning(a)),
      },
      trend: {
        hours: hours.map((h) => h.toISOString()),
        alerts: alertTrend,
        incidents: incidentTrend,
        aqi: aqiTrend,
      },
      workers,
      ticker: ticker.map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })),
    };
  }

  private aqiSummary(aqi: number | null) {
    if (aqi === null) return null;
    const c = aqiCategory(aqi);
    return { aqi, level: c.level, colour: c.colour.hex, categoryZh: c.categoryZh, categoryEn: c.categoryEn };
  }

  /**
   * GB 3838-2002 single-factor class of a station's latest values, as the map and the rules judge them
   * (`waterResultFromLatest`); rivers and lakes only: pipes and rain gauges are not classed.
   */
  private waterNow(r: WaterLatestRow): WaterStationNow[] {
    const station = waterStation({ id: r.id, family: 'water', name: r.name, lon: 0, lat: 0, gridCode: r.gridCode, attributes: r.attributes, enabled: true, online: r.online, lastSeenAt: null });
    if (station.kind === 'pipe' || station.kind === 'rain') return [];
    const result = waterResultFromLatest(r.latest, r.attributes);
    if (!result) return [];
    return [
      {
        deviceId: r.id,
        name: r.name,
        gridCode: r.gridCode,
        online: r.online,
        time: r.time.toISOString(),
        klass: result.klass,
        classRoman: waterClassRoman(result.klass),
        labelZh: result.labelZh,
        labelEn: result.labelEn,
        limitingItems: result.limitingItems,
        targetClass: station.targetClass === null ? null : waterClassRoman(station.targetClass),
        missesTarget: station.targetClass === null ? null : worseThan(result.klass, station.targetClass),
      },
    ];
  }

  private warning(a: AlertView) {
    return {
      id: a.id,
      severity: (a.severity ?? 'blue') as WarningColour,
      status: a.status,
      capMsgType: capMessage(a).msgType,
      source: a.source,
      family: a.family,
      kind: a.kind,
      title: a.ruleName,
      titleEn: a.ruleNameEn,
      eventType: a.eventType,
      deviceName: a.deviceName,
      gridCode: a.gridCode,
      count: a.count,
      raisedAt: a.raisedAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
    };
  }
}
