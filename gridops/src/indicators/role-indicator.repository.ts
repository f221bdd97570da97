import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { IndicatorPeriod, IndicatorRole } from '@gridhub/contracts';

export interface RoleIndicatorQuery {
  role: IndicatorRole;
  period: IndicatorPeriod;
  from: Date;
  to: Date;
  /** "Due" is judged at this time: min(to, now). */
  asOf: Date;
  /** Incidents in this part of the hierarchy (a grid-code prefix), or all. */
  gridPrefix: string | null;
  /** The area role: the unit's code length (6 district, 9 street, 12 community, 15 grid). */
  areaLength: number;
}

export interface RoleCountsRow {
  code: string;
  name: string | null;
  bucket: Date;
  counts: Record<string, number>;
}

/** The period (China calendar) an incident belongs to, by when it was reported; $4 is day, month or quarter. */
const BUCKET = `date_trunc($4, i.created_at at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai'`;
/** The incidents reported in [from, to) in the area. */
const INCIDENTS = `select i.*, ${BUCKET} as bucket from incidents i
   where i.created_at >= $1 and i.created_at < $2 and ($5::text is null or i.grid_code like $5) and $3::timestamptz is not null`;

/**
 * Counts per unit and period for each role (docs/domain/indicators.md). Fixed SQL per role: nothing is built from
 * input. Every statement takes $1 from, $2 to, $3 asOf, $4 period, $5 grid prefix (and $6 for areas).
 */
const SQL: Readonly<Record<IndicatorRole, string>> = {
  // 监督员: own reports judged (filed or voided), verifications and re-inspections done, and reports of the public
  // or 12345 filed in the grids they patrol as their own (what they missed).
  supervisor: `
    with s as (select w.id, w.name, a.username from workers w left join accounts a on a.worker_id = w.id where w.duty = 'supervisor'),
    inc as (${INCIDENTS}),
    facts as (
      select s.id::text as code, i.bucket, (i.filed_at is not null)::int as "reportsValid",
             (i.filed_at is not null or i.status = 'voided')::int as "reportsJudged",
             0 as verified, 0 as "verifiedOnTime", 0 as reinspected, 0 as "reinspectedOnTime", 0 as "gridFiled", 0 as missed
        from inc i join s on i.reported_by = s.username
      union all
      select s.id::text, i.bucket, 0, 0, 1, coalesce(i.verified_at <= i.verify_due_at, true)::int, 0, 0, 0, 0
        from inc i join s on i.verifier_worker_id = s.id where i.verified_at is not null
      union all
      select s.id::text, i.bucket, 0, 0, 0, 0, 1, coalesce(i.reinspected_at <= i.reinspect_due_at, true)::int, 0, 0
        from inc i join s on i.reinspector_worker_id = s.id where i.reinspected_at is not null
      union all
      select s.id::text, i.bucket, 0, 0, 0, 0, 0, 0, 1, (i.source in ('public', 'hotline'))::int
        from inc i join worker_grids wg on wg.grid_code = i.grid_code and wg.role = 'primary' join s on s.id = wg.worker_id
       where i.filed_at is not null)
    select f.code, f.bucket, (select w.name from workers w where w.id::text = f.code) as name, json_build_object(
             'reportsValid', sum(f."reportsValid"), 'reportsJudged', sum(f."reportsJudged"), 'verified', sum(f.verified),
             'verifiedOnTime', sum(f."verifiedOnTime"), 'reinspected', sum(f.reinspected), 'reinspectedOnTime', sum(f."reinspectedOnTime"),
             'gridFiled', sum(f."gridFiled"), 'missed', sum(f.missed)) as counts
      from facts f group by f.code, f.bucket`,
  // 受理: a public, 12345 or patrol report taken up (sent for verification, filed or voided) by the intake
  // account; on time by its intake deadline (set at intake on the dispatch limit's basis; natural minutes of that
  // limit for rows without one). A report nobody took up past it counts against "(pending)".
  intake: `
    with inc as (${INCIDENTS}),
    facts as (
      select coalesce(d.actor, '(pending)') as code, i.bucket, 1 as "toTake",
             (d.at is not null and d.at <= coalesce(i.intake_due_at, i.created_at + c.dispatch_minutes * interval '1 minute'))::int as "takenOnTime"
        from inc i join incident_categories c on c.code = i.category
        left join lateral (select e.actor, e.at from incident_events e
                            where e.incident_id = i.id and e.action in ('request_verification', 'file', 'void')
                            order by e.id limit 1) d on true
       where i.source in ('public', 'hotline', 'patrol') and not i.emergency
         and (d.at is not null or coalesce(i.intake_due_at, i.created_at + c.dispatch_minutes * interval '1 minute') <= $3))
    select f.code, f.bucket, (select a.display_name from accounts a where a.username = f.code) as name,
           json_build_object('toTake', sum(f."toTake"), 'takenOnTime', sum(f."takenOnTime")) as counts
      from facts f group by f.code, f.bucket`,
  // 派遣: incidents dispatched, by the account of the first dispatch ("system": automatic dispatch).
  dispatch: `
    with inc as (${INCIDENTS}),
    facts as (
      select coalesce(d.actor, 'system') as code, i.bucket, 1 as dispatched,
             (i.dispatched_at <= coalesce(i.dispatch_due_at, i.dispatched_at))::int as "dispatchedOnTime",
             (i.rework_count = 0)::int as "dispatchedAccurately"
        from inc i
        left join lateral (select e.actor from incident_events e where e.incident_id = i.id and e.action = 'dispatch' order by e.id limit 1) d on true
       where i.dispatched_at is not null)
    select f.code, f.bucket, (select a.display_name from accounts a where a.username = f.code) as name,
           json_build_object('dispatched', sum(f.dispatched), 'dispatchedOnTime', sum(f."dispatchedOnTime"),
                             'dispatchedAccurately', sum(f."dispatchedAccurately")) as counts
      from facts f group by f.code, f.bucket`,
  // 处置: the handler's department (专业部门), or "locality" for grid workers (属地).
  department: `
    with inc as (${INCIDENTS}),
    facts as (
      select coalesce(w.department_code, 'locality') as code, i.bucket,
             ((i.handled_at is not null and i.handled_at < $2) or (i.due_at <= $3 and i.suspended_at is null))::int as "dueToHandle",
             (i.handled_at is not null and i.handled_at < $2)::int as handled,
             (i.handled_at is not null and i.handled_at < $2 and i.handled_at <= i.due_at)::int as "handledOnTime",
             (i.handled_at is not null and i.handled_at < $2 and i.rework_count > 0)::int as reworked
        from inc i join workers w on w.id = i.assignee_worker_id
       where i.dispatched_at is not null)
    select f.code, f.bucket, coalesce((select d.name_zh from departments d where d.code = f.code), case when f.code = 'locality' then '属地网格' end) as name,
           json_build_object('dueToHandle', sum(f."dueToHandle"), 'handled', sum(f.handled), 'handledOnTime', sum(f."handledOnTime"),
                             'reworked', sum(f.reworked)) as counts
      from facts f group by f.code, f.bucket`,
  // 区域: the closed loop of an area (the same counts as GET /api/v1/indicators).
  area: `
    with inc as (${INCIDENTS}), units as (
    select left(i.grid_code, $6) as code, i.bucket,
           json_build_object(
             'filed', count(i.filed_at),
             'dispatched', count(i.dispatched_at),
             'dueToClose', count(*) filter (where i.dispatched_at is not null and (i.closed_at < $2 or (i.due_at <= $3 and i.suspended_at is null))),
             'closed', count(*) filter (where i.dispatched_at is not null and i.closed_at < $2),
             'closedOnTime', count(*) filter (where i.dispatched_at is not null and i.closed_at < $2 and i.handled_at <= i.due_at),
             'reworked', count(*) filter (where i.dispatched_at is not null and i.rework_count > 0),
             'publicFound', count(*) filter (where i.filed_at is not null and i.source in ('public', 'hotline'))) as counts
      from inc i where i.grid_code is not null group by 1, 2)
    select u.code, u.bucket, (select g.name from grids g where g.code = u.code) as name, u.counts from units u`,
};

@Injectable()
export class RoleIndicatorRepository {
  constructor(private readonly pool: Pool) {}

  async counts(q: RoleIndicatorQuery): Promise<RoleCountsRow[]> {
    const params: unknown[] = [q.from, q.to, q.asOf, q.period, q.gridPrefix === null ? null : `${q.gridPrefix}%`];
    if (q.role === 'area') params.push(q.areaLength);
    const { rows } = await this.pool.query<{ code: string; name: string | null; bucket: Date; counts: Record<string, string | number> }>(
      `select * from (${SQL[q.role]}) r order by r.bucket, r.code`,
      params,
    );
    return rows.map((r) => ({ ...r, counts: Object.fromEntries(Object.entries(r.counts).map(([k, v]) => [k, Number(v)])) }));
  }
}
