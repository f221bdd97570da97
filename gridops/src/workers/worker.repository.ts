import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { OPEN_STATUSES } from '../incidents/incident-status';
import { GridWorker, WorkerLoad } from './worker.types';

export interface NewWorker {
  id: string;
  name: string;
  phone: string | null;
  gridCodes: string[];
  onDuty: boolean;
  lon: number | null;
  lat: number | null;
}

@Injectable()
export class WorkerRepository {
  constructor(private readonly pool: Pool) {}

  async insert(worker: NewWorker): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query('insert into workers (id, name, phone, on_duty, lon, lat) values ($1, $2, $3, $4, $5, $6)', [
        worker.id,
        worker.name,
        worker.phone,
        worker.onDuty,
        worker.lon,
        worker.lat,
      ]);
      await client.query(
        'insert into worker_grids (worker_id, grid_code) select $1, unnest($2::text[])',
        [worker.id, worker.gridCodes],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async list(): Promise<GridWorker[]> {
    const { rows } = await this.pool.query<GridWorker>(
      `select w.id, w.name, w.on_duty as "onDuty", w.lon, w.lat,
              coalesce(array_agg(wg.grid_code order by wg.grid_code) filter (where wg.grid_code is not null), '{}') as "gridCodes"
         from workers w left join worker_grids wg on wg.worker_id = w.id
        group by w.id order by w.name`,
    );
    return rows;
  }

  /**
   * On-duty workers responsible for any grid whose code starts with `codePrefix` (a unit grid, or a
   * community/street/district code for a wider search), with their open task counts.
   */
  async onDutyUnder(codePrefix: string): Promise<WorkerLoad[]> {
    const { rows } = await this.pool.query<WorkerLoad>(
      `select w.id, w.name, array_agg(distinct wg.grid_code) as "gridCodes",
              (select count(*)::int from incidents i
                where i.assignee_worker_id = w.id and i.status = any($2::text[])) as "openTasks"
         from workers w join worker_grids wg on wg.worker_id = w.id
        where w.on_duty and wg.grid_code like $1 || '%'
        group by w.id`,
      [codePrefix, OPEN_STATUSES],
    );
    return rows;
  }
}
