import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { EventRule } from './event-rule.types';

const COLUMNS = `event_type as "eventType", family, name_zh as "nameZh", name_en as "nameEn", min_confidence as "minConfidence",
  incident_category as "incidentCategory", severity, merge_window_s as "mergeWindowS", merge_radius_m as "mergeRadiusM", enabled`;

@Injectable()
export class EventRuleRepository {
  constructor(private readonly pool: Pool) {}

  async list(): Promise<EventRule[]> {
    const { rows } = await this.pool.query<EventRule>(`select ${COLUMNS} from event_rules order by family, event_type`);
    return rows;
  }

  async update(eventType: string, rule: Omit<EventRule, 'eventType' | 'family'>, at: Date): Promise<EventRule | null> {
    const { rows } = await this.pool.query<EventRule>(
      `update event_rules set name_zh = $2, name_en = $3, min_confidence = $4, incident_category = $5, severity = $6,
              merge_window_s = $7, merge_radius_m = $8, enabled = $9, updated_at = $10
        where event_type = $1 returning ${COLUMNS}`,
      [eventType, rule.nameZh, rule.nameEn, rule.minConfidence, rule.incidentCategory, rule.severity, rule.mergeWindowS, rule.mergeRadiusM, rule.enabled, at],
    );
    return rows[0] ?? null;
  }

  /** Video alerts with no detection within their rule's window: the situation is over. Returns the ids cleared. */
  async expireStale(now: Date): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `update alerts a set status = 'cleared', cleared_at = $1, cleared_by = 'system:expired', updated_at = $1, changed_by = 'system:expired'
         from event_rules e
        where a.kind = 'event' and a.source = 'video' and a.status <> 'cleared' and e.event_type = a.event_type
          and coalesce(a.last_value_at, a.raised_at) < $1::timestamptz - make_interval(secs => e.merge_window_s)
       returning a.id::text as id`,
      [now],
    );
    return rows.map((r) => r.id);
  }
}
