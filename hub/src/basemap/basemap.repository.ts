import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { Geometry } from 'geojson';

export interface BoundaryRow {
  code: string;
  name: string;
  level: 'district' | 'street' | 'community';
  geometry: Geometry;
}

/** Administrative boundaries for the background, read from the grid hierarchy (table `grids`). */
@Injectable()
export class BasemapRepository {
  constructor(private readonly pool: Pool) {}

  async boundaries(): Promise<BoundaryRow[]> {
    const { rows } = await this.pool.query<BoundaryRow>(
      `select code, name, level, geometry from grids where level = any($1::text[]) order by length(code), code`,
      [['district', 'street', 'community']],
    );
    return rows;
  }
}
