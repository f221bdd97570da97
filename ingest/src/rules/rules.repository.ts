import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { ThresholdRule } from './rule.types';

@Injectable()
export class RulesRepository {
  constructor(private readonly pool: Pool) {}

  async listEnabled(): Promise<ThresholdRule[]> {
    const { rows } = await this.pool.query<ThresholdRule>(
      `select id, name, family, metric, operator, threshold, severity,
              incident_category as "incidentCategory", enabled
         from rules where enabled order by id`,
    );
    return rows;
  }

  async insert(rule: Omit<ThresholdRule, 'id'>): Promise<number> {
    const { rows } = await this.pool.query<{ id: number }>(
      `insert into rules (name, family, metric, operator, threshold, severity, incident_category, enabled)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
      [rule.name, rule.family, rule.metric, rule.operator, rule.threshold, rule.severity, rule.incidentCategory, rule.enabled],
    );
    return rows[0]!.id;
  }
}
