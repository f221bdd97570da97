import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { SensorFamily } from '@gridhub/contracts';
import { Bureau, WarningColour } from '@gridhub/contracts';
import { AlertEvent, AlertSource, AlertStatus, AlertView } from '@gridhub/contracts';
import { sqlState, SQLSTATE } from '../common/sql-state';

export interface RuleBreachRow {
  ruleId: number;
  deviceId: string;
  value: number;
  at: Date;
  /** Breaching readings folded into this row (the alert's count grows by this). */
  count: number;
  severity: WarningColour;
  summary: string;
}

export interface RuleClearRow {
  ruleId: number;
  deviceId: string;
  value: number | null;
  at: Date;
}

export interface AlertChange {
  id: string;
  ruleId: number;
  deviceId: string;
  /** True when this statement created the alert (false: an active one was repeated). */
  raised: boolean;
}

export interface AlertFilter {
  status?: AlertStatus | 'active';
  severity?: WarningColour;
  family?: SensorFamily;
  bureau?: Bureau;
  deviceId?: string;
  gridCode?: string;
  /** The reader's grid scope (a code prefix); null or absent: the whole city. */
  scope?: string | null;
  kind?: 'rule' | 'event' | 'device_offline';
  limit: number;
  offset: number;
}

export interface NewEventAlert {
  deviceId: string;
  eventType: string;
  source: AlertSource;
  severity: WarningColour;
  emergency: boolean;
  value: number | null;
  at: Date;
  lon: number | null;
  lat: number | null;
  summary: string;
  detail: Record<string, unknown>;
  actor: string;
}

export interface OpenEventAlert {
  id: string;
  deviceId: string;
  eventType: string;
  lon: number;
  lat: number;
  lastValueAt: Date;
}

const BUREAU_SQL = `coalesce(r.notify_bureau, case d.family when 'air' then 'environment' when 'water' then 'water' end)`;

/** The API view of alert rows `a` (the table, or the rows a data-modifying CTE returned). */
const viewSql = (from: string) => `
select a.id::text as id, a.kind, a.status,
       coalesce(a.source, case a.kind when 'device_offline' then 'device' else 'sensor' end) as source,
       coalesce(a.severity, 'blue') as severity, a.emergency,
       a.rule_id as "ruleId", coalesce(r.name, e.name_zh) as "ruleName", coalesce(r.name_en, e.name_en) as "ruleNameEn",
       a.event_type as "eventType", r.metric, r.threshold,
       a.device_id as "deviceId", d.name as "deviceName", d.family, ${BUREAU_SQL} as bureau, d.grid_code as "gridCode",
       coalesce(a.lon, d.lon) as lon, coalesce(a.lat, d.lat) as lat,
       a.value, a.count, a.summary, a.raised_at as "raisedAt", a.updated_at as "updatedAt",
       coalesce(a.last_value_at, a.raised_at) as "lastValueAt", a.acknowledged_at as "acknowledgedAt",
       a.acknowledged_by as "acknowledgedBy", a.cleared_at as "clearedAt", a.cleared_by as "clearedBy",
       a.incident_id::text as "incidentId", coalesce(r.incident_category, e.incident_category) as "incidentCategory", a.detail
  from ${from}
  join devices d on d.id = a.device_id
  left join rules r on r.id = a.rule_id
  left join event_rules e on e.event_type = a.event_type`;
const VIEW_SQL = viewSql('alerts a');
const ALERT_ROW = `a.id, a.kind, a.status, a.source, a.severity, a.emergency, a.rule_id, a.event_type, a.device_id, a.lon, a.lat,
  a.value, a.count, a.summary, a.raised_at, a.updated_at, a.last_value_at, a.acknowledged_at, a.acknowledged_by, a.cleared_at,
  a.cleared_by, a.incident_id, a.detail`;

export interface RuleChanges {
  raised: AlertView[];
  updated: AlertView[];
  cleared: AlertView[];
}

/** Alert rows: one active alert per (rule, device) and per (camera/sensor, event type), enforced by unique partial indexes. */
@Injectable()
export class AlertRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * One active alert per (rule, device): a repeat breach updates the active one. Returns the alert id and
   * whether this call raised it.
   */
  async raise(ruleId: number, deviceId: string, value: number, at: Date): Promise<{ id: string; raised: boolean }> {
    const { raised, updated } = await this.applyRuleChanges([{ ruleId, deviceId, value, at, count: 1, severity: await this.severityOf(ruleId), summary: '' }], []);
    return { id: (raised[0] ?? updated[0])!.id, raised: raised.length > 0 };
  }

  async clear(ruleId: number, deviceId: string, at: Date): Promise<boolean> {
    return (await this.applyRuleChanges([], [{ ruleId, deviceId, value: null, at }])).cleared.length > 0;
  }

  /**
   * One round of a batch in one statement: clears the active alerts of some (rule, device) pairs and raises or
   * repeats those of others (each pair at most once per round), returning the changed alerts as the API shows
   * them. The unique partial index arbitrates between concurrent writers: a second insert becomes an update.
   */
  async applyRuleChanges(breaches: RuleBreachRow[], clears: RuleClearRow[]): Promise<RuleChanges> {
    const out: RuleChanges = { raised: [], updated: [], cleared: [] };
    if (breaches.length === 0 && clears.length === 0) return out;
    const b = [...breaches].sort((x, y) => (x.deviceId < y.deviceId ? -1 : x.deviceId > y.deviceId ? 1 : x.ruleId - y.ruleId));
    const { rows } = await this.pool.query<AlertView & { change: keyof RuleChanges }>(
      `with c as (
         select * from unnest($8::int4[], $9::text[], $10::float8[], $11::timestamptz[]) as u(rule_id, device_id, value, at)),
       cleared as (
         update alerts a
            set status = 'cleared', cleared_at = c.at, updated_at = c.at, cleared_by = 'system', value = coalesce(c.value, a.value), changed_by = 'system'
           from c
          where a.kind = 'rule' and a.rule_id = c.rule_id and a.device_id = c.device_id and a.status <> 'cleared'
         returning ${ALERT_ROW}, 'cleared' as change),
       upserted as (
         insert into alerts as a (kind, rule_id, device_id, status, value, raised_at, updated_at, last_value_at, count, severity, source, summary, changed_by)
         select 'rule', u.rule_id, u.device_id, 'raised', u.value, u.at, u.at, u.at, u.n, u.severity, 'sensor', u.summary, 'device:' || u.device_id
           from unnest($1::int4[], $2::text[], $3::float8[], $4::timestamptz[], $5::int4[], $6::text[], $7::text[])
                with ordinality as u(rule_id, device_id, value, at, n, severity, summary, i)
          order by u.i
         on conflict (rule_id, device_id) where status <> 'cleared' and kind = 'rule'
         do update set value = case when excluded.last_value_at >= coalesce(a.last_value_at, a.raised_at) then excluded.value else a.value end,
                       last_value_at = greatest(a.last_value_at, excluded.last_value_at),
                       updated_at = greatest(a.updated_at, excluded.updated_at),
                       count = a.count + excluded.count,
                       severity = excluded.severity,
                       changed_by = excluded.changed_by
         returning ${ALERT_ROW}, case when xmax = 0 then 'raised' else 'updated' end as change),
       changed as (select * from cleared union all select * from upserted)
       ${viewSql('changed a').replace('select a.id::text as id,', 'select a.change, a.id::text as id,')}`,
      [
        b.map((r) => r.ruleId),
        b.map((r) => r.deviceId),
        b.map((r) => r.value),
        b.map((r) => r.at),
        b.map((r) => r.count),
        b.map((r) => r.severity),
        b.map((r) => r.summary),
        clears.map((r) => r.ruleId),
        clears.map((r) => r.deviceId),
        clears.map((r) => r.value),
        clears.map((r) => r.at),
      ],
    );
    for (const { change, ...view } of rows) out[change].push(view as AlertView);
    return out;
  }

  async activeKeys(): Promise<{ ruleId: number; deviceId: string }[]> {
    const { rows } = await this.pool.query<{ ruleId: number; deviceId: string }>(
      `select rule_id as "ruleId", device_id as "deviceId" from alerts where status <> 'cleared' and kind = 'rule'`,
    );
    return rows;
  }

  async linkIncident(alertId: string, incidentId: string): Promise<void> {
    await this.pool.query('update alerts set incident_id = $2 where id = $1', [alertId, incidentId]);
  }

  // Event alerts (video detections, emergency alarms) ------------------------------------------------------

  /** Open event alerts of a type (for merging repeats within a radius). */
  async openEventAlerts(eventType: string): Promise<OpenEventAlert[]> {
    const { rows } = await this.pool.query<OpenEventAlert>(
      `select a.id::text as id, a.device_id as "deviceId", a.event_type as "eventType",
              coalesce(a.lon, d.lon) as lon, coalesce(a.lat, d.lat) as lat, coalesce(a.last_value_at, a.raised_at) as "lastValueAt"
         from alerts a join devices d on d.id = a.device_id
        where a.kind = 'event' and a.status <> 'cleared' and a.event_type = $1`,
      [eventType],
    );
    return rows;
  }

  /** Raises an event alert, or repeats the active one of the same device and type (the unique index decides). */
  async upsertEventAlert(alert: NewEventAlert): Promise<AlertChange> {
    const { rows } = await this.pool.query<AlertChange>(
      `insert into alerts (kind, event_type, device_id, status, value, raised_at, updated_at, last_value_at, count, severity, source,
                           emergency, lon, lat, summary, detail, changed_by)
       values ('event', $2, $1, 'raised', $3, $4, $4, $4, 1, $5, $6, $7, $8, $9, $10, $11, $12)
       on conflict (device_id, event_type) where status <> 'cleared' and kind = 'event'
       do update set count = alerts.count + 1, value = coalesce(excluded.value, alerts.value),
                     last_value_at = greatest(alerts.last_value_at, excluded.last_value_at),
                     updated_at = greatest(alerts.updated_at, excluded.updated_at),
                     detail = alerts.detail || excluded.detail, changed_by = excluded.changed_by
       returning id::text as id, 0 as "ruleId", device_id as "deviceId", (xmax = 0) as raised`,
      [alert.deviceId, alert.eventType, alert.value, alert.at, alert.severity, alert.source, alert.emergency, alert.lon, alert.lat, alert.summary, alert.detail, alert.actor],
    );
    return rows[0]!;
  }

  /** A repeat of the situation of an open alert (seen by another camera nearby): count and last seen move. */
  async repeat(alertId: string, value: number | null, at: Date, actor: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update alerts set count = count + 1, value = coalesce($2, value), last_value_at = greatest(last_value_at, $3),
              updated_at = greatest(updated_at, $3), changed_by = $4
        where id = $1 and status <> 'cleared'`,
      [alertId, value, at, actor],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Clears a device's active event alerts (all of them, or of the given types); returns the ids cleared. */
  async clearEventAlerts(deviceId: string, types: string[] | null, at: Date, actor: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `update alerts set status = 'cleared', cleared_at = $3, updated_at = $3, cleared_by = $4, changed_by = $4
        where kind = 'event' and device_id = $1 and status <> 'cleared' and ($2::text[] is null or event_type = any($2))
       returning id::text as id`,
      [deviceId, types, at, actor],
    );
    return rows.map((r) => r.id);
  }

  // Reading and people's actions ----------------------------------------------------------------------------

  async list(filter: AlertFilter): Promise<{ items: AlertView[]; total: number }> {
    const { rows } = await this.pool.query<AlertView & { total: number }>(
      `select v.*, count(*) over ()::int as total from (${VIEW_SQL}
        where ($1::text is null or ($1 = 'active' and a.status <> 'cleared') or a.status = $1)
          and ($2::text is null or coalesce(a.severity, 'blue') = $2)
          and ($3::text is null or d.family = $3)
          and ($4::text is null or ${BUREAU_SQL} = $4)
          and ($5::text is null or a.device_id = $5)
          and ($6::text is null or d.grid_code like $6 || '%')
          and ($7::text is null or a.kind = $7)
          and ($10::text is null or d.grid_code like $10 || '%')) v
        order by v."updatedAt" desc, v.id desc
        limit $8 offset $9`,
      [
        filter.status ?? null,
        filter.severity ?? null,
        filter.family ?? null,
        filter.bureau ?? null,
        filter.deviceId ?? null,
        filter.gridCode ?? null,
        filter.kind ?? null,
        filter.limit,
        filter.offset,
        filter.scope ?? null,
      ],
    );
    const total = rows[0]?.total ?? 0;
    return { items: rows.map(({ total: _t, ...view }) => view as AlertView), total };
  }

  async find(id: string): Promise<AlertView | null> {
    const { rows } = await this.pool.query<AlertView>(`${VIEW_SQL} where a.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async findMany(ids: string[]): Promise<AlertView[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<AlertView>(`${VIEW_SQL} where a.id = any($1::bigint[])`, [ids]);
    return rows;
  }

  async history(id: string): Promise<AlertEvent[]> {
    const { rows } = await this.pool.query<AlertEvent>(
      `select id::text as id, action, from_status as "fromStatus", to_status as "toStatus", actor, at, value
         from alert_events where alert_id = $1 order by id`,
      [id],
    );
    return rows;
  }

  /** raised → acknowledged; null when the alert is not (or no longer) raised. */
  async acknowledge(id: string, actor: string, at: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update alerts set status = 'acknowledged', acknowledged_at = $3, acknowledged_by = $2, updated_at = greatest(updated_at, $3), changed_by = $2
        where id = $1 and status = 'raised'`,
      [id, actor, at],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Clears an active alert by hand; returns its (rule, device) when it was active. */
  async clearById(id: string, actor: string, at: Date): Promise<{ kind: string; ruleId: number | null; deviceId: string } | null> {
    const { rows } = await this.pool.query<{ kind: string; ruleId: number | null; deviceId: string }>(
      `update alerts set status = 'cleared', cleared_at = $3, cleared_by = $2, updated_at = greatest(updated_at, $3), changed_by = $2
        where id = $1 and status <> 'cleared'
       returning kind, rule_id as "ruleId", device_id as "deviceId"`,
      [id, actor, at],
    );
    return rows[0] ?? null;
  }

  /**
   * The GB/T 35965.1 sequence number (0–9) of one message of a warning: given once, when first asked for, as the next
   * free number of the messages entered in the same second, and kept. Null when ten are taken already.
   */
  async warningSequence(alertId: string, msgType: 'Alert' | 'Update' | 'Cancel', sentAt: Date): Promise<number | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const { rows } = await this.pool.query<{ sequence: number }>(
        `select sequence from warning_messages where alert_id = $1 and msg_type = $2 and sent_at = $3`,
        [alertId, msgType, sentAt],
      );
      if (rows[0]) return rows[0].sequence;
      try {
        const inserted = await this.pool.query<{ sequence: number }>(
          `insert into warning_messages (alert_id, msg_type, sent_at, entered_second, sequence)
           select $1, $2, $3, date_trunc('second', $3::timestamptz),
                  coalesce((select max(sequence) + 1 from warning_messages where entered_second = date_trunc('second', $3::timestamptz)), 0)
           on conflict (alert_id, msg_type, sent_at) do nothing
           returning sequence`,
          [alertId, msgType, sentAt],
        );
        if (inserted.rows[0]) return inserted.rows[0].sequence;
      } catch (error) {
        // Ten messages in that second already (check constraint), or another hub took the number (unique): look again.
        if (sqlState(error) === SQLSTATE.checkViolation) return null;
        if (sqlState(error) !== SQLSTATE.uniqueViolation) throw error;
      }
    }
    throw new Error(`could not number the GB/T 35965.1 message of alert ${alertId}: too many concurrent messages in one second`);
  }

  /** The boundary of a unit grid (GeoJSON), for a warning's area. */
  async gridArea(code: string): Promise<{ code: string; name: string; geometry: unknown } | null> {
    const { rows } = await this.pool.query<{ code: string; name: string; geometry: unknown }>(
      'select code, name, geometry from grids where code = $1',
      [code],
    );
    return rows[0] ?? null;
  }

  private async severityOf(ruleId: number): Promise<WarningColour> {
    const { rows } = await this.pool.query<{ severity: WarningColour }>('select severity from rules where id = $1', [ruleId]);
    return rows[0]?.severity ?? 'blue';
  }
}
