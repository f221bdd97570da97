import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { AqiRow } from '@gridhub/ingest';
import type { SensorFamily, WarningColour } from '@gridhub/contracts';
import { ON_DUTY_NOW } from '@gridhub/gridops';
import { OPEN_STATUSES } from '@gridhub/contracts';

/** `like` pattern of a grid scope (a code prefix), or null for the whole city. */
const like = (scope: string | null) => (scope === null ? null : `${scope}%`);

export interface OverviewArea {
  code: string;
  name: string;
  level: string;
  geometry: unknown;
}

export interface IncidentCounters {
  reportedToday: number;
  filedToday: number;
  closedToday: number;
  open: number;
  overdue: number;
}

export type StationAqiRow = AqiRow & { name: string; grid_code: string | null };

export interface WaterLatestRow {
  id: string;
  name: string;
  gridCode: string | null;
  attributes: Record<string, unknown>;
  online: boolean;
  /** Latest value and its device time per metric (ISO 8601 text, as jsonb gives it). */
  latest: Record<string, { value: number; time: string }>;
  time: Date;
}

export interface OnDutyWorkerRow {
  id: string;
  name: string;
  status: string;
  openTasks: number;
  community: string | null;
}

export interface TickerRow {
  id: string;
  code: string;
  title: string;
  category: string;
  categoryZh: string | null;
  categoryEn: string | null;
  status: string;
  priority: string;
  overdue: boolean;
  gridCode: string | null;
  gridName: string | null;
  createdAt: Date;
}

/**
 * The overview screen's figures, each one aggregate in SQL over the viewer's part of the grid hierarchy (a grid-code
 * prefix, as everywhere: docs/decisions.md "Grid scope is a code prefix").
 */
@Injectable()
export class OverviewRepository {
  constructor(private readonly pool: Pool) {}

  /** The areas the map colours: the districts for the whole city, otherwise the children of the scope (or the scope itself). */
  async areas(scope: string | null): Promise<OverviewArea[]> {
    const { rows } = await this.pool.query<OverviewArea>(
      `select code, name, level, geometry from grids
        where case when $1::text is null then level = 'district' else parent_code = $1 end
        union all
       select code, name, level, geometry from grids
        where code = $1 and not exists (select 1 from grids c where c.parent_code = $1)
        order by code`,
      [scope],
    );
    return rows;
  }

  /** Each count on its own index: reported (created_at), filed and closed (migration 022), open and overdue (status). */
  async counters(dayStart: Date, scope: string | null): Promise<IncidentCounters> {
    const inScope = `($2::text is null or grid_code like $2)`;
    const { rows } = await this.pool.query<IncidentCounters>(
      `select (select count(*) from incidents where created_at >= $1 and ${inScope})::int as "reportedToday",
              (select count(*) from incidents where filed_at >= $1 and ${inScope})::int as "filedToday",
              (select count(*) from incidents where closed_at >= $1 and ${inScope})::int as "closedToday",
              o.open, o.overdue
         from (select count(*)::int as open, count(*) filter (where overdue)::int as overdue
                 from incidents where status = any($3::text[]) and ${inScope}) o`,
      [dayStart, like(scope), OPEN_STATUSES],
    );
    return rows[0]!;
  }

  /** Open incidents per area (areas are grid-code prefixes of one length). */
  async openByArea(codeLength: number, scope: string | null): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ code: string; n: number }>(
      `select left(grid_code, $1) as code, count(*)::int as n from incidents
        where status = any($3::text[]) and grid_code is not null and ($2::text is null or grid_code like $2)
        group by 1`,
      [codeLength, like(scope), OPEN_STATUSES],
    );
    return new Map(rows.map((r) => [r.code, r.n]));
  }

  /** Hourly AQI of every station of the scope from `from` on (aqi_hourly, kept by the roll-up job). */
  async stationAqi(from: Date, scope: string | null): Promise<StationAqiRow[]> {
    const { rows } = await this.pool.query<StationAqiRow>(
      `select a.device_id, a.hour as time, a.aqi, a.level, a.primary_pollutants, a.iaqi, a.concentrations, null::int as hours,
              d.name, d.grid_code
         from aqi_hourly a join devices d on d.id = a.device_id
        where a.hour >= $1 and ($2::text is null or d.grid_code like $2)
        order by a.hour, a.device_id`,
      [from, like(scope)],
    );
    return rows;
  }

  /** The latest value (and its time) of each metric of every enabled water station, heard from since `since`. */
  async waterLatest(since: Date, scope: string | null): Promise<WaterLatestRow[]> {
    const { rows } = await this.pool.query<WaterLatestRow>(
      `select d.id, d.name, d.grid_code as "gridCode", d.attributes, d.online,
              jsonb_object_agg(l.metric, jsonb_build_object('value', l.value, 'time', l.time)) as latest, max(l.time) as time
         from devices d join latest_readings l on l.device_id = d.id
        where d.family = 'water' and d.enabled and l.time >= $1 and ($2::text is null or d.grid_code like $2)
        group by d.id`,
      [since, like(scope)],
    );
    return rows;
  }

  async activeWarningCounts(scope: string | null): Promise<Record<WarningColour, number>> {
    const { rows } = await this.pool.query<{ severity: WarningColour; n: number }>(
      `select coalesce(a.severity, 'blue') as severity, count(*)::int as n
         from alerts a join devices d on d.id = a.device_id
        where a.status <> 'cleared' and ($1::text is null or d.grid_code like $1)
        group by 1`,
      [like(scope)],
    );
    const counts: Record<WarningColour, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
    for (const r of rows) counts[r.severity] = r.n;
    return counts;
  }

  /** Alerts raised per hour and sensor family, and incidents reported per hour, since `from`. */
  async hourly(from: Date, scope: string | null): Promise<{ alerts: { hour: Date; family: SensorFamily; n: number }[]; incidents: { hour: Date; n: number }[] }> {
    const [alerts, incidents] = await Promise.all([
      this.pool.query<{ hour: Date; family: SensorFamily; n: number }>(
        `select date_trunc('hour', a.raised_at) as hour, d.family, count(*)::int as n
           from alerts a join devices d on d.id = a.device_id
          where a.raised_at >= $1 and ($2::text is null or d.grid_code like $2)
          group by 1, 2`,
        [from, like(scope)],
      ),
      this.pool.query<{ hour: Date; n: number }>(
        `select date_trunc('hour', created_at) as hour, count(*)::int as n
           from incidents where created_at >= $1 and ($2::text is null or grid_code like $2)
          group by 1`,
        [from, like(scope)],
      ),
    ]);
    return { alerts: alerts.rows, incidents: incidents.rows };
  }

  async onDutyWorkers(now: Date, scope: string | null, limit: number): Promise<{ total: number; available: number; busy: number; items: OnDutyWorkerRow[] }> {
    const { rows } = await this.pool.query<OnDutyWorkerRow & { total: number; available: number; busy: number }>(
      `with duty as (
         select w.id, w.name, w.status,
                (select count(*)::int from incidents i where i.assignee_worker_id = w.id and i.status = any($3::text[])) as "openTasks",
                (select g.name from worker_grids wg join grids g on g.code = left(wg.grid_code, 12)
                  where wg.worker_id = w.id and wg.role = 'primary' order by wg.grid_code limit 1) as community
           from workers w
          where ${ON_DUTY_NOW('w', '$1')}
            and ($2::text is null or exists (select 1 from worker_grids wg where wg.worker_id = w.id and wg.grid_code like $2)))
       select d.*, count(*) over ()::int as total,
              (count(*) filter (where d.status = 'available') over ())::int as available,
              (count(*) filter (where d.status = 'busy') over ())::int as busy
         from duty d order by d."openTasks" desc, d.name limit $4`,
      [now, like(scope), OPEN_STATUSES, limit],
    );
    const first = rows[0];
    return {
      total: first?.total ?? 0,
      available: first?.available ?? 0,
      busy: first?.busy ?? 0,
      items: rows.map(({ total: _t, available: _a, busy: _b, ...w }) => w),
    };
  }

  /** The latest incidents (newest first), without anything about who reported them. */
  async latestIncidents(scope: string | null, limit: number): Promise<TickerRow[]> {
    const { rows } = await this.pool.query<TickerRow>(
      `select i.id, i.code, i.title, i.category, c.name_zh as "categoryZh", c.name_en as "categoryEn", i.status, i.priority, i.overdue,
              i.grid_code as "gridCode", g.name as "gridName", i.created_at as "createdAt"
         from incidents i
         left join incident_categories c on c.code = i.category
         left join grids g on g.code = i.grid_code
        where ($1::text is null or i.grid_code like $1)
        order by i.created_at desc limit $2`,
      [like(scope), limit],
    );
    return rows;
  }
}
