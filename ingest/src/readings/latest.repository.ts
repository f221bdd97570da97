import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { SensorFamily } from '@gridhub/contracts';
import { deviceColumns, DeviceRow, toDevice } from '../devices/device.repository';
import { Device } from '../devices/device.types';

export interface LatestValues {
  device: Device;
  readings: Record<string, { value: number; time: Date }>;
}

export interface LatestFilter {
  family?: SensorFamily;
  gridCode?: string;
  bbox?: [number, number, number, number];
}

@Injectable()
export class LatestRepository {
  constructor(private readonly pool: Pool) {}

  /** Every matching device with the latest value of each of its metrics. */
  async list(filter: LatestFilter): Promise<LatestValues[]> {
    const [minLon, minLat, maxLon, maxLat] = filter.bbox ?? [null, null, null, null];
    const { rows } = await this.pool.query<DeviceRow & { readings: Record<string, { value: number; time: string }> }>(
      `select ${deviceColumns('d.')},
              coalesce(jsonb_object_agg(l.metric, jsonb_build_object('value', l.value, 'time', l.time))
                         filter (where l.metric is not null), '{}'::jsonb) as readings
         from devices d left join latest_readings l on l.device_id = d.id
        where ($1::text is null or d.family = $1)
          and ($2::text is null or d.grid_code like $2 || '%')
          and ($3::float8 is null or (d.lon between $3 and $5 and d.lat between $4 and $6))
        group by d.id order by d.id`,
      [filter.family ?? null, filter.gridCode ?? null, minLon, minLat, maxLon, maxLat],
    );
    return rows.map((row) => ({
      device: toDevice(row),
      readings: Object.fromEntries(Object.entries(row.readings).map(([metric, v]) => [metric, { value: v.value, time: new Date(v.time) }])),
    }));
  }
}
