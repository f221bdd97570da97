import { inTransaction } from '@gridhub/ingest';
import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { Component, ComponentClass, ComponentState, NewComponent } from './component.types';

const SELECT = `select c.id, c.class_code as "classCode", c.name, c.department_code as "departmentCode", c.lon, c.lat,
                       c.grid_code as "gridCode", c.state, c.address, c.updated_at as "updatedAt" from components c`;

export interface ComponentFilter {
  classCode?: string[];
  majorCode?: string;
  state?: ComponentState[];
  departmentCode?: string;
  /** A unit grid, community, street or district code: the components in it. */
  gridPrefix?: string;
  bbox?: [number, number, number, number];
  limit: number;
  offset: number;
}

@Injectable()
export class ComponentRepository {
  constructor(private readonly pool: Pool) {}

  async classes(): Promise<ComponentClass[]> {
    const { rows } = await this.pool.query<ComponentClass>(
      `select code, major_code as "majorCode", major_name_zh as "majorNameZh", major_name_en as "majorNameEn", name_zh as "nameZh",
              name_en as "nameEn", incident_category as "incidentCategory", default_department as "defaultDepartment"
         from component_classes order by code`,
    );
    return rows;
  }

  async find(id: string): Promise<Component | null> {
    const { rows } = await this.pool.query<Component>(`${SELECT} where c.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async list(f: ComponentFilter): Promise<{ items: Component[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (f.classCode?.length) where.push(`c.class_code = any(${param(f.classCode)}::text[])`);
    if (f.majorCode) where.push(`left(c.class_code, 2) = ${param(f.majorCode)}`);
    if (f.state?.length) where.push(`c.state = any(${param(f.state)}::text[])`);
    if (f.departmentCode) where.push(`c.department_code = ${param(f.departmentCode)}`);
    if (f.gridPrefix) where.push(`c.grid_code like ${param(f.gridPrefix)} || '%'`);
    if (f.bbox) {
      const [minLon, minLat, maxLon, maxLat] = f.bbox;
      where.push(`c.lat between ${param(minLat)} and ${param(maxLat)} and c.lon between ${param(minLon)} and ${param(maxLon)}`);
    }
    const clause = where.length ? `where ${where.join(' and ')}` : '';
    const count = await this.pool.query<{ n: number }>(`select count(*)::int as n from components c ${clause}`, params);
    const { rows } = await this.pool.query<Component>(`${SELECT} ${clause} order by c.id limit ${param(f.limit)} offset ${param(f.offset)}`, params);
    return { items: rows, total: count.rows[0]!.n };
  }

  /** Creates or replaces components in one transaction; answers how many were new. */
  async upsertMany(components: readonly NewComponent[], at: Date): Promise<{ created: number; updated: number }> {
    if (components.length === 0) return { created: 0, updated: 0 };
    return inTransaction(this.pool, async (client) => {
      let created = 0;
      for (let i = 0; i < components.length; i += 1000) {
        const chunk = components.slice(i, i + 1000);
        const col = <K extends keyof NewComponent>(k: K) => chunk.map((c) => c[k]);
        const { rows } = await client.query<{ created: boolean }>(
          `insert into components (id, class_code, name, department_code, lon, lat, grid_code, state, address, created_at, updated_at)
           select u.*, $10::timestamptz, $10::timestamptz
             from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::text[], $9::text[]) as u
           on conflict (id) do update set class_code = excluded.class_code, name = excluded.name, department_code = excluded.department_code,
             lon = excluded.lon, lat = excluded.lat, grid_code = excluded.grid_code, state = excluded.state, address = excluded.address,
             updated_at = excluded.updated_at
           returning (xmax = 0) as created`,
          [col('id'), col('classCode'), col('name'), col('departmentCode'), col('lon'), col('lat'), col('gridCode'), col('state'), col('address'), at],
        );
        created += rows.filter((r) => r.created).length;
      }
      return { created, updated: components.length - created };
    });
  }

  async setState(id: string, state: ComponentState, at: Date): Promise<Component | null> {
    const { rowCount } = await this.pool.query(`update components set state = $2, updated_at = $3 where id = $1`, [id, state, at]);
    return rowCount ? this.find(id) : null;
  }

  /** The next free serial of a class in a district (for generated identifiers). */
  async nextSerial(district: string, classCode: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `select coalesce(max(right(id, 6)::int), 0)::int + 1 as n from components where id like $1 || '%'`,
      [district + classCode],
    );
    return rows[0]!.n;
  }

  async departmentCodes(): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ code: string }>('select code from departments');
    return new Set(rows.map((r) => r.code));
  }
}
