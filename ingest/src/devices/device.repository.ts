import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { SensorFamily } from '../contracts/families';
import { Device } from './device.types';

interface DeviceRow {
  id: string;
  family: SensorFamily;
  name: string;
  lon: number;
  lat: number;
  grid_code: string | null;
  attributes: Record<string, unknown>;
  enabled: boolean;
  last_seen_at: Date | null;
}

const COLUMNS = 'id, family, name, lon, lat, grid_code, attributes, enabled, last_seen_at';

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    family: row.family,
    name: row.name,
    lon: row.lon,
    lat: row.lat,
    gridCode: row.grid_code,
    attributes: row.attributes,
    enabled: row.enabled,
    lastSeenAt: row.last_seen_at,
  };
}

export interface DeviceFilter {
  family?: SensorFamily;
  gridCode?: string;
}

@Injectable()
export class DeviceRepository {
  constructor(private readonly pool: Pool) {}

  async insert(device: Device, secretHash: string): Promise<void> {
    await this.pool.query(
      `insert into devices (id, family, name, lon, lat, grid_code, attributes, enabled, secret_hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        device.id,
        device.family,
        device.name,
        device.lon,
        device.lat,
        device.gridCode,
        JSON.stringify(device.attributes),
        device.enabled,
        secretHash,
      ],
    );
  }

  async findCredentials(id: string): Promise<{ device: Device; secretHash: string } | null> {
    const { rows } = await this.pool.query<DeviceRow & { secret_hash: string }>(
      `select ${COLUMNS}, secret_hash from devices where id = $1`,
      [id],
    );
    const row = rows[0];
    return row ? { device: toDevice(row), secretHash: row.secret_hash } : null;
  }

  async find(id: string): Promise<Device | null> {
    const { rows } = await this.pool.query<DeviceRow>(`select ${COLUMNS} from devices where id = $1`, [id]);
    return rows[0] ? toDevice(rows[0]) : null;
  }

  async list(filter: DeviceFilter): Promise<Device[]> {
    const { rows } = await this.pool.query<DeviceRow>(
      `select ${COLUMNS} from devices
        where ($1::text is null or family = $1) and ($2::text is null or grid_code = $2)
        order by id`,
      [filter.family ?? null, filter.gridCode ?? null],
    );
    return rows.map(toDevice);
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('select count(*)::int as n from devices');
    return rows[0]?.n ?? 0;
  }
}
