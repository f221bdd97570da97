import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { Department } from './department.types';

const SELECT = `select code, name_zh as "nameZh", name_en as "nameEn", categories, contact_name as "contactName",
                       contact_phone as "contactPhone" from departments`;

@Injectable()
export class DepartmentRepository {
  constructor(private readonly pool: Pool) {}

  async list(category?: string): Promise<Department[]> {
    const { rows } = await this.pool.query<Department>(`${SELECT} where ($1::text is null or $1 = any(categories)) order by code`, [category ?? null]);
    return rows;
  }

  async find(code: string): Promise<Department | null> {
    const { rows } = await this.pool.query<Department>(`${SELECT} where code = $1`, [code]);
    return rows[0] ?? null;
  }

  /** Creates or replaces a department. Returns true when it was new. */
  async upsert(d: Department): Promise<boolean> {
    const { rows } = await this.pool.query<{ created: boolean }>(
      `insert into departments (code, name_zh, name_en, categories, contact_name, contact_phone)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (code) do update set name_zh = excluded.name_zh, name_en = excluded.name_en, categories = excluded.categories,
         contact_name = excluded.contact_name, contact_phone = excluded.contact_phone
       returning (xmax = 0) as created`,
      [d.code, d.nameZh, d.nameEn, d.categories, d.contactName, d.contactPhone],
    );
    return rows[0]!.created;
  }
}
