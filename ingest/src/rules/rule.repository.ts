import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { SensorFamily } from '@gridhub/contracts';
import { RuleState } from './rule-engine';
import { fromThresholdRule, Rule, RuleDefinition, ThresholdRule } from './rule.types';

const RULE_COLUMNS = `id, name, name_en as "nameEn", family, metric, kind, threshold, clear_threshold as "clearThreshold",
  rate_per as "ratePer", rate_direction as "rateDirection", duration_s as "durationS", schedule,
  scope_device_id as "scopeDeviceId", scope_grid_code as "scopeGridCode", severity, actions, notify_bureau as "notifyBureau",
  incident_category as "incidentCategory", enabled, created_at as "createdAt", updated_at as "updatedAt"`;

type RuleRow = Omit<Rule, 'scope'> & { scopeDeviceId: string | null; scopeGridCode: string | null };

const toRule = ({ scopeDeviceId, scopeGridCode, ...row }: RuleRow): Rule => ({
  ...row,
  scope: { deviceId: scopeDeviceId, gridCode: scopeGridCode },
});

const params = (r: RuleDefinition) => [
  r.name,
  r.nameEn,
  r.family,
  r.metric,
  r.kind,
  r.threshold,
  r.clearThreshold,
  r.ratePer,
  r.rateDirection,
  r.durationS,
  r.schedule ? JSON.stringify(r.schedule) : null,
  r.scope.deviceId ?? null,
  r.scope.gridCode ?? null,
  r.severity,
  r.actions,
  r.notifyBureau,
  r.incidentCategory,
  r.enabled,
];

export interface RuleFilter {
  family?: SensorFamily;
  enabled?: boolean;
}

@Injectable()
export class RuleRepository {
  constructor(private readonly pool: Pool) {}

  async listEnabled(): Promise<Rule[]> {
    const { rows } = await this.pool.query<RuleRow>(`select ${RULE_COLUMNS} from rules where enabled and deleted_at is null order by id`);
    return rows.map(toRule);
  }

  async list(filter: RuleFilter = {}): Promise<Rule[]> {
    const { rows } = await this.pool.query<RuleRow>(
      `select ${RULE_COLUMNS} from rules
        where deleted_at is null and ($1::text is null or family = $1) and ($2::boolean is null or enabled = $2)
        order by id`,
      [filter.family ?? null, filter.enabled ?? null],
    );
    return rows.map(toRule);
  }

  async find(id: number): Promise<Rule | null> {
    const { rows } = await this.pool.query<RuleRow>(`select ${RULE_COLUMNS} from rules where id = $1 and deleted_at is null`, [id]);
    return rows[0] ? toRule(rows[0]) : null;
  }

  /** Inserts a rule (the full definition, or the original threshold-only shape) and returns its id. */
  async insert(rule: RuleDefinition | Omit<ThresholdRule, 'id'>): Promise<number> {
    const definition = 'operator' in rule ? fromThresholdRule(rule) : rule;
    const { rows } = await this.pool.query<{ id: number }>(
      `insert into rules (name, name_en, family, metric, kind, threshold, clear_threshold, rate_per, rate_direction, duration_s, schedule,
                          scope_device_id, scope_grid_code, severity, actions, notify_bureau, incident_category, enabled)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) returning id`,
      params(definition),
    );
    return rows[0]!.id;
  }

  /** Replaces a rule's definition; the evaluation state of its devices starts again. False when there is no such rule. */
  async update(id: number, rule: RuleDefinition, at: Date): Promise<boolean> {
    const { rows } = await this.pool.query<{ id: number }>(
      `with updated as (
         update rules set name = $2, name_en = $3, family = $4, metric = $5, kind = $6, threshold = $7, clear_threshold = $8,
                rate_per = $9, rate_direction = $10, duration_s = $11, schedule = $12, scope_device_id = $13, scope_grid_code = $14,
                severity = $15, actions = $16, notify_bureau = $17, incident_category = $18, enabled = $19, updated_at = $20
          where id = $1 and deleted_at is null returning id),
       reset as (delete from rule_states where rule_id in (select id from updated))
       select id from updated`,
      [id, ...params(rule), at],
    );
    return rows.length > 0;
  }

  /** Soft delete (the rule's alerts keep their history); its active alerts clear. */
  async delete(id: number, actor: string, at: Date): Promise<{ deleted: boolean; cleared: { id: string; deviceId: string }[] }> {
    const { rows } = await this.pool.query<{ id: number }>(
      `update rules set deleted_at = $2, enabled = false, updated_at = $2 where id = $1 and deleted_at is null returning id`,
      [id, at],
    );
    if (rows.length === 0) return { deleted: false, cleared: [] };
    const cleared = await this.pool.query<{ id: string; deviceId: string }>(
      `with states as (delete from rule_states where rule_id = $1)
       update alerts set status = 'cleared', cleared_at = $3, cleared_by = $2, updated_at = greatest(updated_at, $3), changed_by = $2
        where kind = 'rule' and rule_id = $1 and status <> 'cleared'
       returning id::text as id, device_id as "deviceId"`,
      [id, actor, at],
    );
    return { deleted: true, cleared: cleared.rows };
  }

  /** Changes whenever any rule is added, edited or deleted (hubs sharing the database compare it). */
  async version(): Promise<string> {
    const { rows } = await this.pool.query<{ v: string }>(`select count(*) || '/' || coalesce(max(id), 0) || '/' || coalesce(max(updated_at)::text, '') as v from rules`);
    return rows[0]!.v;
  }

  async countActive(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(`select count(*)::int as n from rules where deleted_at is null`);
    return rows[0]!.n;
  }

  // Evaluation state ------------------------------------------------------------------------------------

  async loadStates(): Promise<RuleState[]> {
    const { rows } = await this.pool.query<RuleState>(
      `select s.rule_id as "ruleId", s.device_id as "deviceId", s.breach_since as "breachSince", s.last_value as "lastValue", s.last_time as "lastTime"
         from rule_states s join rules r on r.id = s.rule_id where r.enabled and r.deleted_at is null`,
    );
    return rows;
  }

  /** Writes changed (rule, device) states in one statement. */
  async saveStates(states: RuleState[]): Promise<void> {
    if (states.length === 0) return;
    const sorted = [...states].sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : a.ruleId - b.ruleId));
    await this.pool.query(
      `insert into rule_states (rule_id, device_id, breach_since, last_value, last_time)
       select u.rule_id, u.device_id, u.breach_since, u.last_value, u.last_time
         from unnest($1::int4[], $2::text[], $3::timestamptz[], $4::float8[], $5::timestamptz[]) as u(rule_id, device_id, breach_since, last_value, last_time)
         join rules r on r.id = u.rule_id and r.deleted_at is null
         join devices d on d.id = u.device_id
       on conflict (rule_id, device_id) do update
         set breach_since = excluded.breach_since, last_value = excluded.last_value, last_time = excluded.last_time`,
      [
        sorted.map((s) => s.ruleId),
        sorted.map((s) => s.deviceId),
        sorted.map((s) => s.breachSince),
        sorted.map((s) => s.lastValue),
        sorted.map((s) => s.lastTime),
      ],
    );
  }

  async gridParents(): Promise<{ code: string; parentCode: string | null }[]> {
    const { rows } = await this.pool.query<{ code: string; parentCode: string | null }>(`select code, parent_code as "parentCode" from grids`);
    return rows;
  }

  async gridExists(code: string): Promise<boolean> {
    const { rows } = await this.pool.query('select 1 from grids where code = $1', [code]);
    return rows.length > 0;
  }

  async deviceFamily(id: string): Promise<SensorFamily | null> {
    const { rows } = await this.pool.query<{ family: SensorFamily }>('select family from devices where id = $1', [id]);
    return rows[0]?.family ?? null;
  }

  /** Latest values of these metrics for these devices (for AQI and water class). */
  async latestValues(deviceIds: string[], metrics: string[]): Promise<{ deviceId: string; metric: string; value: number; time: Date }[]> {
    if (deviceIds.length === 0) return [];
    const { rows } = await this.pool.query<{ deviceId: string; metric: string; value: number; time: Date }>(
      `select device_id as "deviceId", metric, value, time from latest_readings where device_id = any($1::text[]) and metric = any($2::text[])`,
      [deviceIds, metrics],
    );
    return rows;
  }

  /** Enabled devices of these families with the newest time of each metric (for "no data" rules). */
  async silenceCandidates(families: SensorFamily[]): Promise<
    { id: string; family: SensorFamily; gridCode: string | null; attributes: Record<string, unknown>; since: Date; lastTimes: Record<string, string> }[]
  > {
    if (families.length === 0) return [];
    const { rows } = await this.pool.query(
      `select d.id, d.family, d.grid_code as "gridCode", d.attributes, d.created_at as since,
              coalesce(jsonb_object_agg(l.metric, l.time) filter (where l.metric is not null), '{}'::jsonb)
                || case when d.last_seen_at is null then '{}'::jsonb else jsonb_build_object('*', d.last_seen_at) end as "lastTimes"
         from devices d left join latest_readings l on l.device_id = d.id
        where d.enabled and d.family = any($1::text[])
        group by d.id`,
      [families],
    );
    return rows;
  }
}
