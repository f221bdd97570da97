import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { prepared } from '../database/prepared';
import { ASSIGNED_STATUSES } from '@gridhub/contracts';
import { WorkerDuty } from '../workers/worker.types';
import { DispatchCandidate } from './dispatch-policy';

/** The duty moment in China Standard Time (UTC+8, no daylight saving): ISO weekday and time of day. */
export function dutyMoment(at: Date): { weekday: number; previousWeekday: number; time: string } {
  const cst = new Date(at.getTime() + 8 * 3600_000);
  const weekday = cst.getUTCDay() === 0 ? 7 : cst.getUTCDay();
  return { weekday, previousWeekday: weekday === 1 ? 7 : weekday - 1, time: cst.toISOString().slice(11, 19) };
}

const COLUMNS = `w.id, w.name, w.lon, w.lat, w.status, w.skills, w.department_code as "departmentCode",
  (select count(*)::int from incidents t where t.assignee_worker_id = w.id and t.status = any($2::text[])) as "openTasks"`;

/**
 * On duty: the on-duty flag, not "off", and — for a worker with a weekly schedule — inside one of its shifts
 * (a shift whose end is before its start runs past midnight into the next day).
 */
const ON_DUTY = `w.on_duty and w.status <> 'off'
  and (not exists (select 1 from worker_shifts s where s.worker_id = w.id)
       or exists (select 1 from worker_shifts s where s.worker_id = w.id and (
            (s.starts < s.ends and s.weekday = $3 and $5::time >= s.starts and $5::time < s.ends)
         or (s.starts > s.ends and ((s.weekday = $3 and $5::time >= s.starts) or (s.weekday = $4 and $5::time < s.ends))))))`;

/** Worker queries of dispatch (on duty, backups, skills, location, load, shift leads). */
@Injectable()
export class DispatchRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * On-duty workers responsible for grids under `within` (a prefix of the incident's grid code: the grid
   * itself, its community, street or district), with how close their grids are to the incident's.
   */
  async localCandidates(gridCode: string, at: Date, within: string = gridCode.slice(0, 6), duty: WorkerDuty = 'grid_worker'): Promise<DispatchCandidate[]> {
    const m = dutyMoment(at);
    const { rows } = await this.pool.query<DispatchCandidate>(
      prepared(
        `select ${COLUMNS},
                bool_or(wg.grid_code = $1 and wg.role = 'primary') as "primaryHere",
                bool_or(wg.grid_code = $1 and wg.role = 'backup') as "backupHere",
                max(case when wg.grid_code = $1 then 4
                         when left(wg.grid_code, 12) = left($1, 12) then 3
                         when left(wg.grid_code, 9) = left($1, 9) then 2 else 1 end)::int as proximity
           from workers w join worker_grids wg on wg.worker_id = w.id
          where wg.grid_code like $6 || '%' and w.duty = $7 and ${ON_DUTY}
          group by w.id`,
        [gridCode, ASSIGNED_STATUSES, m.weekday, m.previousWeekday, m.time, within, duty],
      ),
    );
    return rows;
  }

  /** On-duty workers of the department (专业部门) that handles the category. */
  async departmentCandidates(departmentCode: string | null, category: string | null, at: Date): Promise<DispatchCandidate[]> {
    const m = dutyMoment(at);
    const { rows } = await this.pool.query<DispatchCandidate>(
      prepared(
        `select ${COLUMNS}, false as "primaryHere", false as "backupHere", 0 as proximity
           from workers w join departments d on d.code = w.department_code
          where (d.code = $1 or $6 = any(d.categories)) and w.duty = 'grid_worker' and ${ON_DUTY}`,
        [departmentCode, ASSIGNED_STATUSES, m.weekday, m.previousWeekday, m.time, category],
      ),
    );
    return rows;
  }

  async worker(id: string): Promise<{ id: string; name: string; onDuty: boolean; duty: WorkerDuty } | null> {
    const { rows } = await this.pool.query<{ id: string; name: string; onDuty: boolean; duty: WorkerDuty }>(
      `select id, name, duty, on_duty and status <> 'off' as "onDuty" from workers where id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Workers who were sent this incident since its last return to the dispatcher (not tried again on a timeout). */
  async triedWorkers(incidentId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ worker: string }>(
      `select distinct e.detail->>'workerId' as worker from incident_events e
        where e.incident_id = $1 and e.action in ('dispatch', 'reassign') and e.detail ? 'workerId'
          and e.id > coalesce((select max(r.id) from incident_events r
                                where r.incident_id = $1 and r.action in ('reject', 'file')), 0)`,
      [incidentId],
    );
    return rows.map((r) => r.worker);
  }
}
