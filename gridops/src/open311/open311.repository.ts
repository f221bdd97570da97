import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';

export interface Open311Row {
  code: string;
  status: string;
  category: string;
  categoryZh: string | null;
  categoryEn: string | null;
  description: string;
  agency: string | null;
  createdAt: Date;
  updatedAt: Date;
  dueAt: Date | null;
  lon: number;
  lat: number;
  address: string | null;
  addressId: string | null;
  zipcode: string | null;
  mediaUrl: string | null;
}

export interface Open311Filter {
  ids: string[] | null;
  serviceCodes: string[];
  start: Date;
  end: Date;
  /** 'open' | 'closed' */
  statuses: string[] | null;
  limit: number;
}

export interface NewOpen311Request {
  incidentId: string;
  token: string;
  apiKey: string | null;
  address: string | null;
  addressId: string | null;
  zipcode: string | null;
  mediaUrl: string | null;
  deviceId: string | null;
  accountId: string | null;
  attributes: Record<string, unknown>;
  requestedAt: Date;
}

/** Loop states a citizen sees as closed (GeoReport has open and closed only). */
export const CLOSED_STATES = ['closed', 'evaluated', 'voided'];
/** Sources whose requests are public: reports made by citizens (Open311, web, 12345), not sensors or patrols. */
export const PUBLIC_SOURCES = ['public', 'hotline'];

/**
 * Reads only what GeoReport publishes — the reporter's name, phone and e-mail are never selected here, so no
 * public answer can carry them.
 */
const SELECT = `
  select i.code, i.status, i.category, c.name_zh as "categoryZh", c.name_en as "categoryEn", i.description,
         coalesce(d.name_zh, (select g.name from grids g where g.code = left(i.grid_code, 12)), (select g.name from grids g where g.code = i.grid_code)) as agency,
         i.created_at as "createdAt", i.updated_at as "updatedAt", i.due_at as "dueAt", i.lon, i.lat,
         r.address, r.address_id as "addressId", r.zipcode, r.media_url as "mediaUrl"
    from incidents i
    left join open311_requests r on r.incident_id = i.id
    left join incident_categories c on c.code = i.category
    left join departments d on d.code = i.department_code`;

@Injectable()
export class Open311Repository {
  constructor(private readonly pool: Pool) {}

  async insert(r: NewOpen311Request): Promise<void> {
    await this.pool.query(
      `insert into open311_requests (incident_id, token, api_key, address, address_id, zipcode, media_url, device_id, account_id, attributes, requested_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (incident_id) do nothing`,
      [r.incidentId, r.token, r.apiKey, r.address, r.addressId, r.zipcode, r.mediaUrl, r.deviceId, r.accountId, JSON.stringify(r.attributes), r.requestedAt],
    );
  }

  async byToken(token: string): Promise<{ code: string; token: string } | null> {
    const { rows } = await this.pool.query<{ code: string; token: string }>(
      'select i.code, r.token from open311_requests r join incidents i on i.id = r.incident_id where r.token = $1',
      [token],
    );
    return rows[0] ?? null;
  }

  async list(filter: Open311Filter): Promise<Open311Row[]> {
    const { rows } = await this.pool.query<Open311Row>(
      `${SELECT}
        where i.source = any($1::text[]) and i.category = any($2::text[])
          and ($3::text[] is null or i.code = any($3::text[]))
          and ($3::text[] is not null or (i.created_at >= $4 and i.created_at <= $5))
          and ($6::text[] is null or (case when i.status = any($7::text[]) then 'closed' else 'open' end) = any($6::text[]))
        order by i.created_at desc, i.code desc limit $8`,
      [PUBLIC_SOURCES, filter.serviceCodes, filter.ids, filter.start, filter.end, filter.statuses, CLOSED_STATES, filter.limit],
    );
    return rows;
  }
}
