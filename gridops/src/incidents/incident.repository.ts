import { Injectable } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { IncidentStatus, OPEN_STATUSES } from './incident-status';
import { Incident, IncidentEvent, NewIncident } from './incident.types';

const SELECT = `
  select i.id, i.code, i.category, i.title, i.description, i.priority, i.status, i.source,
         i.source_ref as "sourceRef", i.lon, i.lat, i.grid_code as "gridCode",
         i.assignee_worker_id as "assigneeWorkerId", w.name as "assigneeName",
         i.created_at as "createdAt", i.dispatched_at as "dispatchedAt", i.due_at as "dueAt", i.overdue
    from incidents i left join workers w on w.id = i.assignee_worker_id`;

export interface IncidentFilter {
  status?: IncidentStatus | 'open';
  gridCode?: string;
  limit: number;
}

@Injectable()
export class IncidentRepository {
  constructor(private readonly pool: Pool) {}

  /** Inserts the incident with its first trail entry; a second insert for the same source ref returns the first. */
  async insert(incident: NewIncident, event: IncidentEvent): Promise<{ incident: Incident; created: boolean }> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `insert into incidents (code, category, title, description, priority, status, source, source_ref, lon, lat,
                                grid_code, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
         on conflict (source_ref) do nothing returning id`,
        [
          incident.code,
          incident.category,
          incident.title,
          incident.description,
          incident.priority,
          incident.status,
          incident.source,
          incident.sourceRef,
          incident.lon,
          incident.lat,
          incident.gridCode,
          incident.createdAt,
        ],
      );
      if (rows[0]) {
        await this.addEvent(client, rows[0].id, event);
        return { incident: (await this.findWith(client, 'i.id = $1', rows[0].id))!, created: true };
      }
      return { incident: (await this.findWith(client, 'i.source_ref = $1', incident.sourceRef))!, created: false };
    });
  }

  async nextCodeNumber(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(`select nextval('incident_code_seq')::text as n`);
    return Number(rows[0]!.n);
  }

  /** Assigns the incident if it is still in `from`; returns false when someone else moved it first. */
  async assign(
    id: string,
    from: IncidentStatus,
    workerId: string,
    dispatchedAt: Date,
    dueAt: Date,
    event: IncidentEvent,
  ): Promise<boolean> {
    return this.transaction(async (client) => {
      const { rowCount } = await client.query(
        `update incidents set status = 'dispatched', assignee_worker_id = $3, dispatched_at = $4, due_at = $5,
                              updated_at = $4
          where id = $1 and status = $2`,
        [id, from, workerId, dispatchedAt, dueAt],
      );
      if (!rowCount) return false;
      await this.addEvent(client, id, event);
      return true;
    });
  }

  /** Marks an open incident overdue once; false if it was closed, voided or already overdue. */
  async markOverdue(id: string, event: IncidentEvent): Promise<boolean> {
    return this.transaction(async (client) => {
      const { rowCount } = await client.query(
        `update incidents set overdue = true, updated_at = $2
          where id = $1 and not overdue and status = any($3::text[])`,
        [id, event.at, OPEN_STATUSES],
      );
      if (!rowCount) return false;
      await this.addEvent(client, id, event);
      return true;
    });
  }

  find(id: string): Promise<Incident | null> {
    return this.findWith(this.pool, 'i.id = $1', id);
  }

  async list(filter: IncidentFilter): Promise<Incident[]> {
    const { rows } = await this.pool.query<Incident>(
      `${SELECT}
        where ($1::text is null or ($1 = 'open' and i.status = any($2::text[])) or i.status = $1)
          and ($3::text is null or i.grid_code = $3)
        order by i.created_at desc limit $4`,
      [filter.status ?? null, OPEN_STATUSES, filter.gridCode ?? null, filter.limit],
    );
    return rows;
  }

  async events(id: string): Promise<IncidentEvent[]> {
    const { rows } = await this.pool.query<IncidentEvent>(
      `select action, from_status as "fromStatus", to_status as "toStatus", actor, at, detail
         from incident_events where incident_id = $1 order by id`,
      [id],
    );
    return rows;
  }

  private async findWith(db: Pool | PoolClient, where: string, value: unknown): Promise<Incident | null> {
    const { rows } = await db.query<Incident>(`${SELECT} where ${where}`, [value]);
    return rows[0] ?? null;
  }

  private async addEvent(client: PoolClient, id: string, e: IncidentEvent): Promise<void> {
    await client.query(
      `insert into incident_events (incident_id, action, from_status, to_status, actor, at, detail)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [id, e.action, e.fromStatus, e.toStatus, e.actor, e.at, JSON.stringify(e.detail)],
    );
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
