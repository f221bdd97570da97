import { inTransaction } from '@gridhub/ingest';
import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { OPEN_STATUSES } from '@gridhub/contracts';
import { DutyShift, GridWorker, WorkerDuty, WorkerFilter, WorkerLoad, WorkerPosition, WorkerStatus } from './worker.types';

export interface NewWorker {
  id: string;
  name: string;
  phone: string | null;
  /** Primary grids. */
  gridCodes: string[];
  backupGridCodes?: string[];
  onDuty: boolean;
  lon: number | null;
  lat: number | null;
  status?: WorkerStatus;
  skills?: string[];
  departmentCode?: string | null;
  /** grid_worker (网格员, handles) or supervisor (监督员, verifies and re-inspects); default grid_worker. */
  duty?: WorkerDuty;
}

/**
 * "On duty now" in SQL: clocked in, status not off, and inside one of the worker's weekly shifts in China
 * Standard Time (UTC+8, no daylight saving) — or no shifts defined. `$N` is the current time.
 */
export const ON_DUTY_NOW = (w: string, now: string) => `(${w}.on_duty and ${w}.status <> 'off' and (
    not exists (select 1 from worker_shifts s where s.worker_id = ${w}.id)
    or exists (
      select 1 from worker_shifts s,
             lateral (select (${now}::timestamptz at time zone 'UTC') + interval '8 hours' as t) cst
       where s.worker_id = ${w}.id and (
         (s.starts < s.ends and s.weekday = extract(isodow from cst.t) and cst.t::time >= s.starts and cst.t::time < s.ends)
         or (s.starts > s.ends and s.weekday = extract(isodow from cst.t) and cst.t::time >= s.starts)
         or (s.starts > s.ends and s.weekday = extract(isodow from cst.t - interval '1 day') and cst.t::time < s.ends)))))`;

const SELECT = (now: string) => `
  select w.id, w.name, w.duty, w.on_duty as "onDuty", ${ON_DUTY_NOW('w', now)} as "onDutyNow", w.status, w.skills,
         w.department_code as "departmentCode", w.lon, w.lat, w.location_at as "locationAt",
         (select a.username from accounts a where a.worker_id = w.id limit 1) as username,
         coalesce((select array_agg(wg.grid_code order by wg.grid_code) from worker_grids wg where wg.worker_id = w.id), '{}') as "gridCodes",
         coalesce((select array_agg(wg.grid_code order by wg.grid_code) from worker_grids wg where wg.worker_id = w.id and wg.role = 'primary'), '{}') as "primaryGridCodes",
         coalesce((select array_agg(wg.grid_code order by wg.grid_code) from worker_grids wg where wg.worker_id = w.id and wg.role = 'backup'), '{}') as "backupGridCodes",
         (select count(*)::int from incidents i where i.assignee_worker_id = w.id and i.status = any($2::text[])) as "openTasks",
         coalesce((select json_agg(json_build_object('weekday', s.weekday, 'starts', to_char(s.starts, 'HH24:MI'), 'ends', to_char(s.ends, 'HH24:MI'))
                                   order by s.weekday, s.starts)
                     from worker_shifts s where s.worker_id = w.id), '[]') as shifts
    from workers w`;

@Injectable()
export class WorkerRepository {
  constructor(private readonly pool: Pool) {}

  async insert(worker: NewWorker): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `insert into workers (id, name, phone, on_duty, lon, lat, status, skills, department_code, duty)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [worker.id, worker.name, worker.phone, worker.onDuty, worker.lon, worker.lat, worker.status ?? 'available', worker.skills ?? [], worker.departmentCode ?? null, worker.duty ?? 'grid_worker'],
      );
      await client.query(
        `insert into worker_grids (worker_id, grid_code, role)
         select $1::uuid, code, 'primary' from unnest($2::text[]) code
         union all select $1::uuid, code, 'backup' from unnest($3::text[]) code`,
        [worker.id, worker.gridCodes, worker.backupGridCodes ?? []],
      );
    });
  }

  async list(filter: WorkerFilter = {}, now: Date = new Date()): Promise<GridWorker[]> {
    const { rows } = await this.pool.query<GridWorker>(
      `select * from (${SELECT('$1')}) x
        where ($3::text is null or exists (select 1 from worker_grids wg where wg.worker_id = x.id and wg.grid_code like $3 || '%'))
          and ($4::text is null or x.status = $4)
          and ($5::boolean is null or x."onDutyNow" = $5)
          and ($6::text is null or x."departmentCode" = $6)
        order by x.name, x.id`,
      [now, OPEN_STATUSES, filter.gridCode ?? null, filter.status ?? null, filter.onDuty ?? null, filter.departmentCode ?? null],
    );
    return rows;
  }

  async find(id: string, now: Date = new Date()): Promise<GridWorker | null> {
    const { rows } = await this.pool.query<GridWorker>(`${SELECT('$1')} where w.id = $3`, [now, OPEN_STATUSES, id]);
    return rows[0] ?? null;
  }

  /**
   * On-duty workers responsible for any grid whose code starts with `codePrefix` (a unit grid, or a
   * community/street/district code for a wider search), with their open task counts. Without `now`, the
   * on_duty flag and status decide (shifts are checked when `now` is given).
   */
  async onDutyUnder(codePrefix: string, now?: Date): Promise<WorkerLoad[]> {
    const { rows } = await this.pool.query<WorkerLoad>(
      `select w.id, w.name, array_agg(distinct wg.grid_code) as "gridCodes",
              bool_or(wg.role = 'primary') as primary, w.status, w.skills, w.lon, w.lat,
              (select count(*)::int from incidents i
                where i.assignee_worker_id = w.id and i.status = any($2::text[])) as "openTasks"
         from workers w join worker_grids wg on wg.worker_id = w.id
        where wg.grid_code like $1 || '%'
          and (case when $3::timestamptz is null then w.on_duty and w.status <> 'off' else ${ON_DUTY_NOW('w', '$3')} end)
        group by w.id`,
      [codePrefix, OPEN_STATUSES, now ?? null],
    );
    return rows;
  }

  async setStatus(id: string, status: WorkerStatus): Promise<boolean> {
    const { rowCount } = await this.pool.query('update workers set status = $2 where id = $1', [id, status]);
    return (rowCount ?? 0) > 0;
  }

  async setOnDuty(id: string, onDuty: boolean): Promise<boolean> {
    const { rowCount } = await this.pool.query('update workers set on_duty = $2 where id = $1', [id, onDuty]);
    return (rowCount ?? 0) > 0;
  }

  /** Replaces the worker's weekly duty schedule. */
  async setShifts(id: string, shifts: readonly DutyShift[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('delete from worker_shifts where worker_id = $1', [id]);
      await client.query(
        `insert into worker_shifts (worker_id, weekday, starts, ends)
         select $1, * from unnest($2::smallint[], $3::time[], $4::time[])`,
        [id, shifts.map((s) => s.weekday), shifts.map((s) => s.starts), shifts.map((s) => s.ends)],
      );
    });
  }

  /** Replaces the worker's primary and backup grids. */
  async setGrids(id: string, primary: readonly string[], backup: readonly string[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('delete from worker_grids where worker_id = $1', [id]);
      await client.query(
        `insert into worker_grids (worker_id, grid_code, role)
         select $1::uuid, code, 'primary' from unnest($2::text[]) code
         union all select $1::uuid, code, 'backup' from unnest($3::text[]) code where code <> all($2::text[])`,
        [id, primary, backup],
      );
    });
  }

  /** Grid codes among those given that do not exist. */
  async missingGrids(codes: readonly string[]): Promise<string[]> {
    const { rows } = await this.pool.query<{ code: string }>(
      'select c.code from unnest($1::text[]) as c (code) where not exists (select 1 from grids g where g.code = c.code)',
      [codes],
    );
    return rows.map((r) => r.code);
  }

  /**
   * Stores a position (idempotent on worker and time) and advances the worker's current location when it is
   * the newest. Returns false for an unknown worker.
   */
  async recordPosition(workerId: string, position: WorkerPosition, receivedAt: Date): Promise<boolean> {
    const { rows } = await this.pool.query<{ ok: boolean }>(
      `with w as (select id from workers where id = $1),
            ins as (
              insert into worker_locations (worker_id, at, lon, lat, accuracy_m, received_at)
              select id, $2, $3, $4, $5, $6 from w
              on conflict (worker_id, at) do nothing),
            upd as (
              update workers set lon = $3, lat = $4, location_at = $2, last_seen_at = $6
               where id = $1 and (location_at is null or location_at < $2))
       select exists (select 1 from w) as ok`,
      [workerId, position.at, position.lon, position.lat, position.accuracyM, receivedAt],
    );
    return rows[0]!.ok;
  }

  async trail(workerId: string, limit: number, since: Date | null): Promise<WorkerPosition[]> {
    const { rows } = await this.pool.query<WorkerPosition>(
      `select at, lon, lat, accuracy_m as "accuracyM" from worker_locations
        where worker_id = $1 and ($3::timestamptz is null or at >= $3)
        order by at desc limit $2`,
      [workerId, limit, since],
    );
    return rows;
  }

  /** Keeps the newest `keep` positions per worker (older ones are deleted). */
  async pruneTrail(workerId: string, keep: number): Promise<void> {
    await this.pool.query(
      `delete from worker_locations where worker_id = $1 and at < (
         select at from worker_locations where worker_id = $1 order by at desc offset $2 limit 1)`,
      [workerId, keep - 1],
    );
  }
}
