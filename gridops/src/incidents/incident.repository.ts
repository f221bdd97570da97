import { inTransaction } from '@gridhub/ingest';
import { Injectable } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { prepared } from '../database/prepared';
import { IncidentHead, IncidentStatus, OPEN_STATUSES, Priority } from '@gridhub/contracts';
import { Incident, IncidentEvent, IncidentEventRow, IncidentPatch, NewIncident } from './incident.types';

const SELECT = `
  select i.id, i.code, i.category, i.title, i.description, i.priority, i.status, i.source,
         i.source_ref as "sourceRef", i.emergency, i.lon, i.lat, i.grid_code as "gridCode",
         i.department_code as "departmentCode", i.component_id as "componentId",
         i.assignee_worker_id as "assigneeWorkerId", w.name as "assigneeName",
         i.verifier_worker_id as "verifierWorkerId", i.reinspector_worker_id as "reinspectorWorkerId",
         i.reported_by as "reportedBy", i.reporter_name as "reporterName", i.reporter_phone as "reporterPhone",
         i.reporter_email as "reporterEmail", i.step_seq as "stepSeq", i.step_started_at as "stepStartedAt",
         i.created_at as "createdAt", i.updated_at as "updatedAt",
         i.intake_due_at as "intakeDueAt", i.verification_requested_at as "verificationRequestedAt", i.verify_due_at as "verifyDueAt",
         i.verified_at as "verifiedAt", i.verified_valid as "verifiedValid", i.filed_at as "filedAt",
         i.dispatch_due_at as "dispatchDueAt", i.voided_at as "voidedAt", i.dispatched_at as "dispatchedAt",
         i.accept_due_at as "acceptDueAt", i.accepted_at as "acceptedAt", i.arrived_at as "arrivedAt",
         i.due_at as "dueAt", i.handled_at as "handledAt", i.reinspection_requested_at as "reinspectionRequestedAt",
         i.reinspect_due_at as "reinspectDueAt", i.reinspected_at as "reinspectedAt",
         i.reinspection_passed as "reinspectionPassed", i.closed_at as "closedAt", i.evaluated_at as "evaluatedAt",
         i.evaluation_grade as "evaluationGrade", i.escalated_at as "escalatedAt", i.overdue,
         i.rework_count as "reworkCount", i.reassign_count as "reassignCount", i.extension_count as "extensionCount",
         i.extended, i.extension_pending as "extensionPending", i.step_basis as "stepBasis",
         i.suspended_at as "suspendedAt", i.suspension, i.suspension_pending as "suspensionPending",
         i.suspension_count as "suspensionCount", i.suspended_minutes::float8 as "suspendedMinutes"
    from incidents i left join workers w on w.id = i.assignee_worker_id`;

/** The same columns over another row source (a CTE's inserted rows). */
const selectFrom = (source: string) => SELECT.replace('from incidents i', `from ${source} i`);

/** A duplicate search (IncidentRepository.near). */
export interface NearQuery {
  category: string;
  lon: number;
  lat: number;
  radiusM: number;
  since: Date;
  excludeId: string | null;
  limit: number;
  /** The component the new report names: an open incident on it within the window is a duplicate wherever it is. */
  componentId?: string | null;
}

/** The duplicate search as SQL, its values added through `param` (so it can be part of a larger statement). */
function nearSql(q: NearQuery, param: (value: unknown) => string): string {
  // A bounding box first (index-friendly), then the great-circle distance (haversine; no PostGIS needed).
  const dLat = q.radiusM / 111_320;
  const dLon = q.radiusM / (111_320 * Math.max(0.01, Math.cos((q.lat * Math.PI) / 180)));
  const [category, lon, lat] = [param(q.category), `${param(q.lon)}::float8`, `${param(q.lat)}::float8`];
  const exclude = `${param(q.excludeId)}::uuid`;
  const [latSpan, lonSpan] = [`${param(dLat)}::float8`, `${param(dLon)}::float8`];
  const component = `${param(q.componentId ?? null)}::text`;
  // The same component first (the strongest signal: "this cover was reported 2 h ago"), then the radius.
  return `select * from (
         select i.id, i.code, i.category, i.title, i.priority, i.status, i.lon, i.lat, i.grid_code as "gridCode",
                i.created_at as "createdAt", i.component_id as "componentId",
                coalesce(i.component_id = ${component}, false) as "sameComponent",
                2 * 6371008.8 * asin(sqrt(power(sin(radians(i.lat - ${lat}) / 2), 2)
                  + cos(radians(${lat})) * cos(radians(i.lat)) * power(sin(radians(i.lon - ${lon}) / 2), 2))) as "distanceM"
           from incidents i
          where i.status = any(${param(OPEN_STATUSES)}::text[]) and i.created_at >= ${param(q.since)}::timestamptz
            and (${exclude} is null or i.id <> ${exclude})
            and ((i.category = ${category}
                  and i.lat between ${lat} - ${latSpan} and ${lat} + ${latSpan}
                  and i.lon between ${lon} - ${lonSpan} and ${lon} + ${lonSpan})
                 or (${component} is not null and i.component_id = ${component}))
       ) n where n."sameComponent" or n."distanceM" <= ${param(q.radiusM)}::float8
       order by n."sameComponent" desc, n."distanceM", n."createdAt" limit ${param(q.limit)}`;
}

/** A placeholder for a value appended to `params` (`$1`, `$2`, … in the order they are asked for). */
const placeholders = (params: unknown[]) => (value: unknown): string => {
  params.push(value);
  return `$${params.length}`;
};

const roundDistance = (r: DuplicateCandidate): DuplicateCandidate => ({ ...r, distanceM: Math.round(r.distanceM * 10) / 10 });

/** Incident fields that a patch may set, and their columns. */
const PATCH_COLUMNS: Readonly<Record<keyof IncidentPatch, string>> = {
  status: 'status',
  priority: 'priority',
  assigneeWorkerId: 'assignee_worker_id',
  verifierWorkerId: 'verifier_worker_id',
  reinspectorWorkerId: 'reinspector_worker_id',
  stepSeq: 'step_seq',
  stepStartedAt: 'step_started_at',
  verificationRequestedAt: 'verification_requested_at',
  verifyDueAt: 'verify_due_at',
  verifiedAt: 'verified_at',
  verifiedValid: 'verified_valid',
  filedAt: 'filed_at',
  dispatchDueAt: 'dispatch_due_at',
  voidedAt: 'voided_at',
  dispatchedAt: 'dispatched_at',
  acceptDueAt: 'accept_due_at',
  acceptedAt: 'accepted_at',
  arrivedAt: 'arrived_at',
  dueAt: 'due_at',
  handledAt: 'handled_at',
  reinspectionRequestedAt: 'reinspection_requested_at',
  reinspectDueAt: 'reinspect_due_at',
  reinspectedAt: 'reinspected_at',
  reinspectionPassed: 'reinspection_passed',
  closedAt: 'closed_at',
  evaluatedAt: 'evaluated_at',
  evaluationGrade: 'evaluation_grade',
  escalatedAt: 'escalated_at',
  overdue: 'overdue',
  reworkCount: 'rework_count',
  reassignCount: 'reassign_count',
  extensionCount: 'extension_count',
  extended: 'extended',
  extensionPending: 'extension_pending',
  stepBasis: 'step_basis',
  suspendedAt: 'suspended_at',
  suspension: 'suspension',
  suspensionPending: 'suspension_pending',
  suspensionCount: 'suspension_count',
  suspendedMinutes: 'suspended_minutes',
};

/** Patch fields stored as jsonb. */
const JSON_FIELDS: ReadonlySet<string> = new Set(['extensionPending', 'suspension', 'suspensionPending']);

/** A possible duplicate: enough to recognise it and open it. */
export interface DuplicateCandidate extends IncidentHead {
  createdAt: Date;
  distanceM: number;
  componentId: string | null;
  /** Open on the same component as the report (the first duplicate signal, before the radius). */
  sameComponent: boolean;
}

export interface IncidentFilter {
  status?: (IncidentStatus | 'open')[];
  priority?: Priority[];
  category?: string[];
  /** A grid, community, street or district code: the incidents in it and in all the areas below it. */
  areaCode?: string;
  /** The account's grid scope: only incidents in grids whose code starts with it. */
  scopePrefix?: string;
  assigneeWorkerId?: string;
  /** Only incidents this worker is a party to (assignee, verifier, re-inspector) or reported (`partyUsername`). */
  partyWorkerId?: string;
  partyUsername?: string;
  overdue?: boolean;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** Work done on one incident while its row is locked (`select … for update`). */
export interface LockedIncident {
  incident: Incident;
  /** Applies the patch; `updated_at` follows `at`. */
  update(patch: IncidentPatch, at: Date): Promise<void>;
  addEvent(event: IncidentEvent): Promise<boolean>;
}

@Injectable()
export class IncidentRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Inserts the incident with its first trail entries in one statement (atomic without a transaction); a second
   * insert for the same source ref returns the first. `patch` sets more columns at once (an intake's dispatch).
   * Without a code, the next one is made in SQL: GH + the date in China Standard Time + a six-digit serial.
   * With `duplicates`, the same statement also finds the open incidents of its category near it (`near`; the new
   * row is not among them: a statement does not see its own inserts), saving a round trip per intake.
   */
  async insert(
    incident: NewIncident,
    events: IncidentEvent | IncidentEvent[],
    patch: IncidentPatch = {},
    duplicates?: { radiusM: number; since: Date; limit?: number },
  ): Promise<{ incident: Incident; created: boolean; duplicates?: DuplicateCandidate[] }> {
    const list = Array.isArray(events) ? events : [events];
    const columns: string[] = [];
    const values: string[] = [];
    const params: unknown[] = [];
    const param = placeholders(params);
    const put = (column: string, value: unknown, cast = '') => {
      columns.push(column);
      values.push(`${param(value)}${cast}`);
    };
    put('category', incident.category);
    put('title', incident.title);
    put('description', incident.description);
    put('priority', incident.priority);
    put('source', incident.source);
    put('source_ref', incident.sourceRef);
    put('emergency', incident.emergency ?? false);
    put('lon', incident.lon);
    put('lat', incident.lat);
    put('grid_code', incident.gridCode);
    put('department_code', incident.departmentCode ?? null);
    put('component_id', incident.componentId ?? null);
    put('reported_by', incident.reportedBy ?? null);
    put('reporter_name', incident.reporterName ?? null);
    put('reporter_phone', incident.reporterPhone ?? null);
    put('reporter_email', incident.reporterEmail ?? null);
    put('created_at', incident.createdAt, '::timestamptz');
    const created = `$${params.length}`;
    put('updated_at', incident.createdAt, '::timestamptz');
    put('verified_at', incident.verifiedAt ?? null, '::timestamptz');
    put('verified_valid', incident.verifiedAt ? true : null);
    put('filed_at', incident.filedAt ?? null, '::timestamptz');
    put('intake_due_at', incident.intakeDueAt ?? null, '::timestamptz');
    const merged: IncidentPatch = { status: incident.status, ...patch };
    for (const [key, value] of Object.entries(merged) as [keyof IncidentPatch, unknown][]) {
      if (value === undefined) continue;
      put(PATCH_COLUMNS[key], JSON_FIELDS.has(key) && value !== null ? JSON.stringify(value) : value);
    }
    if (incident.code) put('code', incident.code);
    else {
      columns.push('code');
      values.push(`'GH' || to_char(${created} at time zone 'UTC' + interval '8 hours', 'YYYYMMDD') || lpad(nextval('incident_code_seq')::text, 6, '0')`);
    }
    const e = (f: (event: IncidentEvent) => unknown) => param(list.map(f));
    const eventArrays = [
      `${e((x) => x.action)}::text[]`,
      `${e((x) => x.fromStatus)}::text[]`,
      `${e((x) => x.toStatus)}::text[]`,
      `${e((x) => x.actor)}::text[]`,
      `${e((x) => x.at)}::timestamptz[]`,
      `${e((x) => JSON.stringify(x.detail))}::jsonb[]`,
      `${e((x) => x.lon ?? null)}::float8[]`,
      `${e((x) => x.lat ?? null)}::float8[]`,
      `${e((x) => x.note ?? null)}::text[]`,
      `${e((x) => x.timerKey ?? null)}::text[]`,
    ];
    let select = selectFrom('ins');
    if (duplicates) {
      const near = nearSql(
        { category: incident.category, lon: incident.lon, lat: incident.lat, radiusM: duplicates.radiusM, since: duplicates.since, excludeId: null, limit: duplicates.limit ?? 10, componentId: incident.componentId ?? null },
        param,
      );
      select = select.replace('select i.id,', `select (select coalesce(json_agg(d order by d."distanceM", d."createdAt"), '[]'::json) from (${near}) d) as "nearby", i.id,`);
    }
    const { rows } = await this.pool.query<Incident & { nearby?: (Omit<DuplicateCandidate, 'createdAt'> & { createdAt: string })[] }>(
      prepared(
        `with ins as (
           insert into incidents (${columns.join(', ')}) values (${values.join(', ')})
           on conflict (source_ref) do nothing returning *
         ), ev as (
           insert into incident_events (incident_id, action, from_status, to_status, actor, at, detail, lon, lat, note, timer_key)
           select ins.id, e.action, e.from_status, e.to_status, e.actor, e.at, e.detail, e.lon, e.lat, e.note, e.timer_key
             from ins, unnest(${eventArrays.join(', ')}) with ordinality
                  as e(action, from_status, to_status, actor, at, detail, lon, lat, note, timer_key, n)
            order by e.n
         )
         ${select}`,
        params,
      ),
    );
    if (rows[0]) {
      const { nearby, ...created } = rows[0];
      if (!nearby) return { incident: created as Incident, created: true };
      return { incident: created as Incident, created: true, duplicates: nearby.map((d) => roundDistance({ ...d, createdAt: new Date(d.createdAt) })) };
    }
    return { incident: (await this.findWith(this.pool, 'i.source_ref = $1', incident.sourceRef))!, created: false };
  }

  async nextCodeNumber(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(`select nextval('incident_code_seq')::text as n`);
    return Number(rows[0]!.n);
  }

  /**
   * Runs `work` with the incident's row locked, in one transaction: two actions on the same incident run one
   * after the other, and the second sees the state the first left. Null if there is no such incident.
   */
  async withLock<T>(id: string, work: (locked: LockedIncident) => Promise<T>): Promise<{ result: T; incident: Incident } | null> {
    return this.transaction(async (client) => {
      const { rowCount } = await client.query('select 1 from incidents where id = $1 for update', [id]);
      if (!rowCount) return null;
      const incident = (await this.findWith(client, 'i.id = $1', id))!;
      const result = await work({
        incident,
        update: (patch, at) => this.applyPatch(client, id, patch, at),
        addEvent: (event) => this.insertEvent(client, id, event),
      });
      return { result, incident: (await this.findWith(client, 'i.id = $1', id))! };
    });
  }

  /** Appends one entry outside any action (a timer's); false if its timer key was written before. */
  async appendEvent(id: string, event: IncidentEvent): Promise<boolean> {
    return this.insertEvent(this.pool, id, event);
  }

  find(id: string): Promise<Incident | null> {
    return this.findWith(this.pool, 'i.id = $1', id);
  }

  async list(filter: IncidentFilter): Promise<{ items: Incident[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.status?.length) {
      const statuses = new Set<string>(filter.status.flatMap((s) => (s === 'open' ? OPEN_STATUSES : [s])));
      where.push(`i.status = any(${param([...statuses])}::text[])`);
    }
    if (filter.priority?.length) where.push(`i.priority = any(${param(filter.priority)}::text[])`);
    if (filter.category?.length) where.push(`i.category = any(${param(filter.category)}::text[])`);
    if (filter.areaCode) {
      // Children through grids.parent_code, so an imported hierarchy need not follow the code prefixes.
      where.push(`i.grid_code in (with recursive area as (select code from grids where code = ${param(filter.areaCode)}
                     union all select g.code from grids g join area a on g.parent_code = a.code) select code from area)`);
    }
    if (filter.scopePrefix) where.push(`i.grid_code like ${param(filter.scopePrefix)} || '%'`);
    if (filter.assigneeWorkerId) where.push(`i.assignee_worker_id = ${param(filter.assigneeWorkerId)}`);
    if (filter.partyWorkerId) {
      const p = param(filter.partyWorkerId);
      const u = param(filter.partyUsername ?? null);
      where.push(`(i.assignee_worker_id = ${p} or i.verifier_worker_id = ${p} or i.reinspector_worker_id = ${p} or i.reported_by = ${u})`);
    }
    if (filter.overdue !== undefined) where.push(`i.overdue = ${param(filter.overdue)}`);
    if (filter.from) where.push(`i.created_at >= ${param(filter.from)}`);
    if (filter.to) where.push(`i.created_at < ${param(filter.to)}`);
    const clause = where.length ? `where ${where.join(' and ')}` : '';
    const { rows } = await this.pool.query<Incident & { total: string }>(
      `${SELECT.replace('select i.id,', 'select count(*) over () as total, i.id,')} ${clause}
        order by i.created_at desc, i.id limit ${param(filter.limit)} offset ${param(filter.offset)}`,
      params,
    );
    let total = rows[0] ? Number(rows[0].total) : 0;
    if (!rows[0] && filter.offset > 0) {
      const count = await this.pool.query<{ n: string }>(`select count(*) as n from incidents i ${clause}`, params.slice(0, -2));
      total = Number(count.rows[0]!.n);
    }
    return { items: rows.map(({ total: _total, ...incident }) => incident as Incident), total };
  }

  /**
   * Open incidents of a category within `radiusM` of a point reported since `since` (duplicate candidates),
   * nearest first, at most `limit`.
   */
  async near(
    category: string,
    lon: number,
    lat: number,
    radiusM: number,
    since: Date,
    excludeId: string | null,
    limit = 10,
    componentId: string | null = null,
  ): Promise<DuplicateCandidate[]> {
    const params: unknown[] = [];
    const sql = nearSql({ category, lon, lat, radiusM, since, excludeId, limit, componentId }, placeholders(params));
    const { rows } = await this.pool.query<DuplicateCandidate>(prepared(sql, params));
    return rows.map(roundDistance);
  }

  async events(id: string): Promise<IncidentEventRow[]> {
    const { rows } = await this.pool.query<IncidentEventRow>(
      `select e.id::text as id, e.action, e.from_status as "fromStatus", e.to_status as "toStatus", e.actor, e.at, e.detail,
              e.lon, e.lat, e.note, e.attachments::text[] as attachments
         from incident_events e where e.incident_id = $1 order by e.id`,
      [id],
    );
    return rows;
  }

  private async applyPatch(client: PoolClient, id: string, patch: IncidentPatch, at: Date): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id, at];
    for (const [key, value] of Object.entries(patch) as [keyof IncidentPatch, unknown][]) {
      if (value === undefined) continue;
      params.push(JSON_FIELDS.has(key) && value !== null ? JSON.stringify(value) : value);
      sets.push(`${PATCH_COLUMNS[key]} = $${params.length}`);
    }
    await client.query(`update incidents set ${[...sets, 'updated_at = $2'].join(', ')} where id = $1`, params);
  }

  private async findWith(db: Pool | PoolClient, where: string, value: unknown): Promise<Incident | null> {
    const { rows } = await db.query<Incident>(prepared(`${SELECT} where ${where}`, [value]));
    return rows[0] ?? null;
  }

  private async insertEvent(db: Pool | PoolClient, id: string, e: IncidentEvent): Promise<boolean> {
    const { rowCount } = await db.query(
      `insert into incident_events (incident_id, action, from_status, to_status, actor, at, detail, lon, lat, note, attachments, timer_key)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::uuid[], $12)
       on conflict (timer_key) where timer_key is not null do nothing`,
      [
        id,
        e.action,
        e.fromStatus,
        e.toStatus,
        e.actor,
        e.at,
        JSON.stringify(e.detail),
        e.lon ?? null,
        e.lat ?? null,
        e.note ?? null,
        e.attachments ?? [],
        e.timerKey ?? null,
      ],
    );
    return rowCount === 1;
  }

  private transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}
