import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { AccessClass, AccessRequest, CatalogueFilter, CatalogueItem, CatalogueViewer, RequestStatus } from './catalogue.types';

export interface EntryChange {
  ownerDepartment?: string | null;
  accessClass?: AccessClass;
  rtspUrl?: string | null;
  hlsUrl?: string | null;
  gb28181Channel?: string | null;
}

/**
 * The catalogue in SQL: each resource with the viewer's access to it decided in the same statement ($1 admin,
 * $2 department, $3 now), so a list and a single look-up apply one rule. Restricted resources of other departments
 * are not listed at all.
 */
const ITEMS = `
  with v as (
    select d.id, d.name, d.family, d.lon, d.lat, d.grid_code, d.enabled, d.online, d.last_seen_at, d.attributes,
           c.owner_department, c.access_class, c.rtsp_url, c.hls_url, c.gb28181_channel,
           (select max(r.expires_at) from catalogue_access_requests r
             where r.device_id = d.id and r.department_code = $2 and r.status = 'approved' and r.expires_at > $3) as grant_expires_at
      from devices d join catalogue_entries c on c.device_id = d.id),
  a as (
    select v.*, case when $1 then 'admin'
                     when $2::text is not null and v.owner_department = $2 then 'own'
                     when v.access_class = 'shared' then 'shared'
                     when v.access_class = 'conditional' and v.grant_expires_at is not null then 'granted' end as access
      from v)
  select a.id as "deviceId", a.name, a.family,
         coalesce(a.attributes ->> 'sensor', a.attributes ->> 'kind', a.attributes ->> 'model') as type,
         a.owner_department as "ownerDepartment", o.name_zh as "ownerNameZh", o.name_en as "ownerNameEn",
         a.lon, a.lat, a.grid_code as "gridCode", g.name as "gridName", a.enabled, a.online, a.last_seen_at as "lastSeenAt",
         a.access_class as "accessClass", a.access, case when a.access = 'granted' then a.grant_expires_at end as "grantExpiresAt",
         case when a.access is null then null
              else json_build_object('rtsp', a.rtsp_url, 'hls', a.hls_url, 'gb28181Channel', a.gb28181_channel) end as streams
    from a
    left join departments o on o.code = a.owner_department
    left join grids g on g.code = a.grid_code`;

const REQUEST_COLUMNS = `r.id::text, r.device_id as "deviceId", d.name as "deviceName", c.owner_department as "ownerDepartment",
  r.department_code as "departmentCode", rd.name_zh as "departmentNameZh", rd.name_en as "departmentNameEn", r.reason, r.status, r.requested_by as "requestedBy", r.requested_at as "requestedAt",
  r.decided_by as "decidedBy", r.decided_at as "decidedAt", r.expires_at as "expiresAt",
  (r.status = 'approved' and r.expires_at > $1) as active`;
const REQUEST_FROM = `catalogue_access_requests r join devices d on d.id = r.device_id join catalogue_entries c on c.device_id = r.device_id
  join departments rd on rd.code = r.department_code`;

@Injectable()
export class CatalogueRepository {
  constructor(private readonly pool: Pool) {}

  async list(viewer: CatalogueViewer, filter: CatalogueFilter, now: Date): Promise<CatalogueItem[]> {
    const { rows } = await this.pool.query<CatalogueItem>(
      `${ITEMS}
        where (a.access is not null or a.access_class <> 'restricted')
          and ($4::text is null or a.grid_code like $4 || '%')
          and ($5::text is null or a.family = $5)
          and ($6::text is null or a.owner_department = $6)
          and ($7::text is null or a.access_class = $7)
          and ($8::text is null or a.grid_code like $8 || '%')
          and ($9::boolean is null or a.online = $9)
          and ($10::boolean is null or (a.access is not null) = $10)
          and ($11::text is null or a.name ilike '%' || $11 || '%' or a.id ilike '%' || $11 || '%')
        order by a.family, a.id`,
      [
        viewer.admin,
        viewer.departmentCode,
        now,
        viewer.gridScope,
        filter.family ?? null,
        filter.owner ?? null,
        filter.accessClass ?? null,
        filter.gridCode ?? null,
        filter.online ?? null,
        filter.accessible ?? null,
        filter.q?.replace(/[\\%_]/g, (c) => `\\${c}`) ?? null,
      ],
    );
    return rows;
  }

  /** One resource as the viewer sees it (restricted ones of others included, so a refusal can say why). */
  async find(viewer: CatalogueViewer, deviceId: string, now: Date): Promise<CatalogueItem | null> {
    const { rows } = await this.pool.query<CatalogueItem>(`${ITEMS} where a.id = $4`, [viewer.admin, viewer.departmentCode, now, deviceId]);
    return rows[0] ?? null;
  }

  async update(deviceId: string, change: EntryChange, by: string, now: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update catalogue_entries
          set owner_department = case when $2 then $3 else owner_department end,
              access_class = coalesce($4, access_class),
              rtsp_url = case when $5 then $6 else rtsp_url end,
              hls_url = case when $7 then $8 else hls_url end,
              gb28181_channel = case when $9 then $10 else gb28181_channel end,
              updated_at = $11, updated_by = $12
        where device_id = $1`,
      [
        deviceId,
        'ownerDepartment' in change,
        change.ownerDepartment ?? null,
        change.accessClass ?? null,
        'rtspUrl' in change,
        change.rtspUrl ?? null,
        'hlsUrl' in change,
        change.hlsUrl ?? null,
        'gb28181Channel' in change,
        change.gb28181Channel ?? null,
        now,
        by,
      ],
    );
    return (rowCount ?? 0) > 0;
  }

  async departmentExists(code: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('select 1 from departments where code = $1', [code]);
    return (rowCount ?? 0) > 0;
  }

  /** A new pending request; null when the department already has one pending for this resource. */
  async request(input: { deviceId: string; departmentCode: string; reason: string; by: string; now: Date }): Promise<AccessRequest | null> {
    const { rows } = await this.pool.query<{ id: string }>(
      `insert into catalogue_access_requests (device_id, department_code, reason, status, requested_by, requested_at)
       values ($1, $2, $3, 'pending', $4, $5) on conflict do nothing returning id::text`,
      [input.deviceId, input.departmentCode, input.reason, input.by, input.now],
    );
    return rows[0] ? this.findRequest(rows[0].id, input.now) : null;
  }

  async findRequest(id: string, now: Date): Promise<AccessRequest | null> {
    const { rows } = await this.pool.query<AccessRequest>(`select ${REQUEST_COLUMNS} from ${REQUEST_FROM} where r.id = $2`, [now, id]);
    return rows[0] ?? null;
  }

  /** Requests a viewer may see: all for an administrator; a department's own and those for its resources. */
  async requests(viewer: CatalogueViewer, status: RequestStatus | null, now: Date): Promise<AccessRequest[]> {
    const { rows } = await this.pool.query<AccessRequest>(
      `select ${REQUEST_COLUMNS} from ${REQUEST_FROM}
        where ($2 or r.department_code = $3 or c.owner_department = $3)
          and ($4::text is null or r.status = $4)
        order by r.id desc limit 500`,
      [now, viewer.admin, viewer.departmentCode, status],
    );
    return rows;
  }

  /** Moves a request from one of `from` to `to`; false when it was not in one of them (someone decided first). */
  async decide(id: string, from: readonly RequestStatus[], to: RequestStatus, by: string, now: Date, expiresAt: Date | null): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update catalogue_access_requests
          set status = $3, decided_by = $4, decided_at = $5, expires_at = case when $3 = 'approved' then $6 else expires_at end
        where id = $1 and status = any($2::text[])`,
      [id, from, to, by, now, expiresAt],
    );
    return (rowCount ?? 0) > 0;
  }
}
