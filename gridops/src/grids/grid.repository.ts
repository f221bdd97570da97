import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { GridArea, GridLevel } from './grid.types';

@Injectable()
export class GridRepository {
  constructor(private readonly pool: Pool) {}

  async list(level?: GridLevel): Promise<GridArea[]> {
    const { rows } = await this.pool.query<GridArea>(
      `select code, name, level, parent_code as "parentCode", geometry from grids
        where ($1::text is null or level = $1) order by code`,
      [level ?? null],
    );
    return rows;
  }

  /** Inserts areas parents first; existing codes are left as they are. */
  async insertMany(areas: readonly GridArea[]): Promise<void> {
    const depth = (a: GridArea) => a.code.length;
    const ordered = [...areas].sort((a, b) => depth(a) - depth(b));
    await this.pool.query(
      `insert into grids (code, name, level, parent_code, geometry)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
       on conflict (code) do nothing`,
      [
        ordered.map((a) => a.code),
        ordered.map((a) => a.name),
        ordered.map((a) => a.level),
        ordered.map((a) => a.parentCode),
        ordered.map((a) => JSON.stringify(a.geometry)),
      ],
    );
  }
}
