import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { SensorFamily } from '../contracts/families';

export interface LatestRow {
  id: string;
  family: SensorFamily;
  name: string;
  lon: number;
  lat: number;
  grid_code: string | null;
  enabled: boolean;
  online: boolean;
  last_seen_at: Date | null;
  readings: Record<string, { value: number; time: string }>;
}

export interface LatestFilter {
  family?: SensorFamily;
  gridCode?: string;
  bbox?: [number, number, number, number];
}

@Injectable()
export class LatestRepository {
  constructor(private readonly pool: Pool) {}

  async list(filter: LatestFilter): Promise<LatestRow[]> {
    const [minLon, minLat, maxLon, maxLat] = filter.bbox ?? [null, null, null, null];
    const { rows } = await this.pool.query<LatestRow>(
      `select d.id, d.family, d.name, d.lon, d.lat, d.grid_code, d.enabled, d.online, d.last_seen_at,
              coalesce(jsonb_object_agg(l.metric, jsonb_build_object('value', l.value, 'time', l.time))
                         filter (where l.metric is not null), '{}'::jsonb) as readings
         from devices d left join latest_readings l on l.device_id = d.id
        where ($1::text is null or d.family = $1)
          and ($2::text is null or d.grid_code like $2 || '%')
          and ($3::float8 is null or (d.lon between $3 and $5 and d.lat between $4 and $6))
        group by d.id order by d.id`,
      [filter.family ?? null, filter.gridCode ?? null, minLon, minLat, maxLon, maxLat],
    );
    return rows;
  }
}
