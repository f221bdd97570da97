import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { IndicatorCounts, IndicatorScope } from '@gridhub/contracts';

export interface IndicatorQuery {
  scope: IndicatorScope;
  from: Date;
  to: Date;
  /** "Due to close" is judged at this time: min(to, now). */
  asOf: Date;
  /** Incidents in this part of the hierarchy: a grid-code prefix (a district's code, a street's …). */
  gridPrefix: string | null;
  departmentCode: string | null;
  workerId: string | null;
}

export type CountsRow = IndicatorCounts & { code: string; name: string | null; responded: number; handled: number };

/** The unit each scope groups by. Fixed fragments only: never built from input. */
const KEY: Readonly<Record<IndicatorScope, string>> = {
  grid: 'i.grid_code',
  community: 'left(i.grid_code, 12)',
  street: 'left(i.grid_code, 9)',
  district: 'left(i.grid_code, 6)',
  department: 'i.department_code',
  worker: 'i.assignee_worker_id::text',
};

const NAME: Readonly<Record<IndicatorScope, string>> = {
  grid: '(select g.name from grids g where g.code = u.code)',
  community: '(select g.name from grids g where g.code = u.code)',
  street: '(select g.name from grids g where g.code = u.code)',
  district: '(select g.name from grids g where g.code = u.code)',
  department: '(select d.name_zh from departments d where d.code = u.code)',
  worker: '(select w.name from workers w where w.id::text = u.code)',
};

/**
 * Indicators of the closed loop computed in one aggregate over the incidents reported in the period
 * (docs/domain/governance.md, "Indicators"), from the step times and deadlines the incident loop keeps on
 * each incident (migration 005). One pass over the period's incidents of the area: a district's year of a
 * million incidents is a single (parallel) scan (bench/indicators.js). Times are averaged as float8 epochs
 * (date_part), not numeric (extract), which is markedly cheaper per row.
 */
@Injectable()
export class IndicatorRepository {
  constructor(private readonly pool: Pool) {}

  async counts(q: IndicatorQuery): Promise<CountsRow[]> {
    const key = KEY[q.scope];
    const { rows } = await this.pool.query<CountsRow>(
      `with units as (
         select ${key} as code,
                count(*)::int as reported,
                count(*) filter (where i.status = 'voided')::int as voided,
                count(i.filed_at)::int as filed,
                count(i.verified_at)::int as verified,
                count(*) filter (where i.verified_at <= i.verify_due_at)::int as "verifiedOnTime",
                count(i.dispatched_at)::int as dispatched,
                count(*) filter (where i.dispatched_at <= coalesce(i.dispatch_due_at, i.dispatched_at))::int as "dispatchedOnTime",
                count(*) filter (where i.dispatched_at is not null and (i.closed_at < $2 or (i.due_at <= $3 and i.suspended_at is null)))::int as "dueToClose",
                count(*) filter (where i.dispatched_at is not null and i.closed_at < $2)::int as closed,
                count(*) filter (where i.dispatched_at is not null and i.closed_at < $2 and i.handled_at <= i.due_at)::int as "closedOnTime",
                count(*) filter (where i.dispatched_at is not null and i.rework_count > 0)::int as reworked,
                count(*) filter (where i.dispatched_at is not null and i.extended)::int as extended,
                count(i.reinspected_at)::int as reinspected,
                count(*) filter (where i.reinspected_at <= i.reinspect_due_at)::int as "reinspectedOnTime",
                count(*) filter (where i.overdue)::int as overdue,
                count(*) filter (where i.filed_at is not null and i.source in ('public', 'hotline'))::int as "publicFound",
                count(*) filter (where i.accepted_at >= i.dispatched_at)::int as responded,
                round((avg(date_part('epoch', i.accepted_at - i.dispatched_at)) filter (where i.accepted_at >= i.dispatched_at) / 60)::numeric, 1)::float8
                  as "meanResponseMinutes",
                count(*) filter (where i.handled_at >= i.dispatched_at)::int as handled,
                round((avg(date_part('epoch', i.handled_at - i.dispatched_at)) filter (where i.handled_at >= i.dispatched_at) / 60)::numeric, 1)::float8
                  as "meanHandlingMinutes"
           from incidents i
          where i.created_at >= $1 and i.created_at < $2
            and ${key} is not null
            and ($4::text is null or i.grid_code like $4)
            and ($5::text is null or i.department_code = $5)
            and ($6::uuid is null or i.assignee_worker_id = $6)
          group by 1)
       select u.*, ${NAME[q.scope]} as name from units u order by u.code`,
      [q.from, q.to, q.asOf, q.gridPrefix === null ? null : `${q.gridPrefix}%`, q.departmentCode, q.workerId],
    );
    return rows;
  }
}
