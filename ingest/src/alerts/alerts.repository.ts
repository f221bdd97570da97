import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';

@Injectable()
export class AlertsRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * One active alert per (rule, device): a repeat breach updates the active one. Returns the alert id and
   * whether this call raised it.
   */
  async raise(ruleId: number, deviceId: string, value: number, at: Date): Promise<{ id: string; raised: boolean }> {
    const { rows } = await this.pool.query<{ id: string; raised: boolean }>(
      `insert into alerts (rule_id, device_id, status, value, raised_at, updated_at)
       values ($1, $2, 'raised', $3, $4, $4)
       on conflict (rule_id, device_id) where status <> 'cleared' and kind = 'rule'
       do update set value = excluded.value, updated_at = excluded.updated_at
       returning id::text, (xmax = 0) as raised`,
      [ruleId, deviceId, value, at],
    );
    return rows[0]!;
  }

  async activeKeys(): Promise<{ ruleId: number; deviceId: string }[]> {
    const { rows } = await this.pool.query<{ ruleId: number; deviceId: string }>(
      `select rule_id as "ruleId", device_id as "deviceId" from alerts where status <> 'cleared' and kind = 'rule'`,
    );
    return rows;
  }

  async clear(ruleId: number, deviceId: string, at: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update alerts set status = 'cleared', cleared_at = $3, updated_at = $3
        where kind = 'rule' and rule_id = $1 and device_id = $2 and status <> 'cleared'`,
      [ruleId, deviceId, at],
    );
    return (rowCount ?? 0) > 0;
  }

  async linkIncident(alertId: string, incidentId: string): Promise<void> {
    await this.pool.query('update alerts set incident_id = $2 where id = $1', [alertId, incidentId]);
  }
}
