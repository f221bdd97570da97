import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { SQLSTATE, sqlState } from '../common/sql-state';
import { SensorFamily } from '@gridhub/contracts';
import { Device } from './device.types';

export interface DeviceRow {
  id: string;
  family: SensorFamily;
  name: string;
  lon: number;
  lat: number;
  grid_code: string | null;
  attributes: Record<string, unknown>;
  enabled: boolean;
  online: boolean;
  last_seen_at: Date | null;
}

/** Device columns in DeviceRow's order; `alias` prefixes them for joins. */
export const deviceColumns = (alias = '') =>
  ['id', 'family', 'name', 'lon', 'lat', 'grid_code', 'attributes', 'enabled', 'online', 'last_seen_at'].map((c) => alias + c).join(', ');
const COLUMNS = deviceColumns();

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    family: row.family,
    name: row.name,
    lon: row.lon,
    lat: row.lat,
    gridCode: row.grid_code,
    attributes: row.attributes,
    enabled: row.enabled,
    online: row.online,
    lastSeenAt: row.last_seen_at,
  };
}

export interface DeviceFilter {
  family?: SensorFamily;
  /** A grid code at any level: devices in that unit grid or anywhere below that area. */
  gridCode?: string;
  bbox?: [number, number, number, number];
  enabled?: boolean;
  /** The reader's grid scope (a code prefix); null or absent: the whole city. */
  scope?: string | null;
  limit: number;
  offset: number;
}

export class DuplicateDeviceError extends Error {}

/** A device secret's hashes: argon2id (checked by GridHub) and bcrypt (for an engine that checks logins itself), if issued. */
export interface SecretHashes {
  secret: string;
  broker: string | null;
}

export interface BrokerAccount {
  id: string;
  family: SensorFamily;
  brokerSecretHash: string;
}

@Injectable()
export class DeviceRepository {
  constructor(private readonly pool: Pool) {}

  async insert(device: Device, hashes: SecretHashes): Promise<void> {
    try {
      await this.pool.query(
        `insert into devices (id, family, name, lon, lat, grid_code, attributes, enabled, secret_hash, broker_secret_hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [device.id, device.family, device.name, device.lon, device.lat, device.gridCode, JSON.stringify(device.attributes), device.enabled, hashes.secret, hashes.broker],
      );
    } catch (error) {
      if (sqlState(error) === SQLSTATE.uniqueViolation) throw new DuplicateDeviceError(`device ${device.id} already exists`);
      throw error;
    }
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

  async list(filter: DeviceFilter): Promise<{ items: Device[]; total: number }> {
    const [minLon, minLat, maxLon, maxLat] = filter.bbox ?? [null, null, null, null];
    const { rows } = await this.pool.query<DeviceRow & { total: number }>(
      `select ${COLUMNS}, count(*) over ()::int as total from devices
        where ($1::text is null or family = $1)
          and ($2::text is null or grid_code like $2 || '%')
          and ($3::float8 is null or (lon between $3 and $5 and lat between $4 and $6))
          and ($7::boolean is null or enabled = $7)
          and ($10::text is null or grid_code like $10 || '%')
        order by id limit $8 offset $9`,
      [filter.family ?? null, filter.gridCode ?? null, minLon, minLat, maxLon, maxLat, filter.enabled ?? null, filter.limit, filter.offset, filter.scope ?? null],
    );
    return { items: rows.map(toDevice), total: rows[0]?.total ?? 0 };
  }

  async setEnabled(id: string, enabled: boolean): Promise<Device | null> {
    const { rows } = await this.pool.query<DeviceRow>(
      `update devices set enabled = $2, online = online and $2 where id = $1 returning ${COLUMNS}`,
      [id, enabled],
    );
    return rows[0] ? toDevice(rows[0]) : null;
  }

  async replaceSecret(id: string, hashes: SecretHashes, at: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query('update devices set secret_hash = $2, broker_secret_hash = $3, secret_rotated_at = $4 where id = $1', [id, hashes.secret, hashes.broker, at]);
    return (rowCount ?? 0) > 0;
  }

  /** Enabled devices with a broker hash: the accounts an engine that checks logins itself is given. */
  async brokerAccounts(): Promise<BrokerAccount[]> {
    const { rows } = await this.pool.query<{ id: string; family: SensorFamily; broker_secret_hash: string }>(
      'select id, family, broker_secret_hash from devices where enabled and broker_secret_hash is not null order by id',
    );
    return rows.map((r) => ({ id: r.id, family: r.family, brokerSecretHash: r.broker_secret_hash }));
  }
}
