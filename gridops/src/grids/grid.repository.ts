import { inTransaction } from '@gridhub/ingest';
import { Injectable } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { GRID_LEVELS, GridArea, GridLevel } from './grid.types';

const SELECT = `
  select code, name, level, parent_code as "parentCode", geometry,
         case when responsible_name is null and responsible_phone is null and responsible_department is null then null
              else json_build_object('name', responsible_name, 'phone', responsible_phone, 'departmentCode', responsible_department)
         end as responsible
    from grids`;

/** A grid's node in the hierarchy without its shape (for chains and fallbacks). */
export interface GridNode {
  code: string;
  name: string;
  level: GridLevel;
  parentCode: string | null;
  responsible: GridArea['responsible'];
}

@Injectable()
export class GridRepository {
  constructor(private readonly pool: Pool) {}

  async list(level?: GridLevel, parent?: string): Promise<GridArea[]> {
    const { rows } = await this.pool.query<GridArea>(
      `with recursive under (code) as (
         select code from grids where parent_code = $2
         union all
         select g.code from grids g join under u on g.parent_code = u.code
       )
       ${SELECT}
        where ($1::text is null or level = $1)
          and ($2::text is null or code in (select code from under))
        order by code`,
      [level ?? null, parent ?? null],
    );
    return rows;
  }

  /** Every grid's node, without geometry. */
  async nodes(): Promise<GridNode[]> {
    const { rows } = await this.pool.query<GridNode>(
      `select code, name, level, parent_code as "parentCode",
              case when responsible_name is null and responsible_phone is null and responsible_department is null then null
                   else json_build_object('name', responsible_name, 'phone', responsible_phone, 'departmentCode', responsible_department)
              end as responsible
         from grids order by code`,
    );
    return rows;
  }

  async find(code: string): Promise<GridArea | null> {
    const { rows } = await this.pool.query<GridArea>(`${SELECT} where code = $1`, [code]);
    return rows[0] ?? null;
  }

  /** A cheap fingerprint of the stored hierarchy; changes whenever grids are imported. */
  async version(): Promise<string> {
    const { rows } = await this.pool.query<{ v: string }>(
      `select count(*)::text || ':' || coalesce(max(updated_at)::text, '') as v from grids`,
    );
    return rows[0]!.v;
  }

  /** Inserts areas parents first; existing codes are left as they are (the demo seed). */
  async insertMany(areas: readonly GridArea[]): Promise<void> {
    await this.write(this.pool, areas, false, null);
  }

  /**
   * Creates or replaces the given grids in one transaction, parents first (an import is all or nothing).
   * Responsible parties given as null are cleared.
   */
  async upsertMany(areas: readonly GridArea[], at: Date): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await this.write(client, areas, true, at);
    });
  }

  private async write(db: Pool | PoolClient, areas: readonly GridArea[], replace: boolean, at: Date | null): Promise<void> {
    if (areas.length === 0) return;
    const ordered = [...areas].sort((a, b) => GRID_LEVELS.indexOf(a.level) - GRID_LEVELS.indexOf(b.level) || a.code.localeCompare(b.code));
    await db.query(
      `insert into grids (code, name, level, parent_code, geometry, responsible_name, responsible_phone, responsible_department, updated_at)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
       on conflict (code) do ${
         replace
           ? `update set name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
                geometry = excluded.geometry, responsible_name = excluded.responsible_name,
                responsible_phone = excluded.responsible_phone, responsible_department = excluded.responsible_department,
                updated_at = excluded.updated_at`
           : 'nothing'
       }`,
      [
        ordered.map((a) => a.code),
        ordered.map((a) => a.name),
        ordered.map((a) => a.level),
        ordered.map((a) => a.parentCode),
        ordered.map((a) => JSON.stringify(a.geometry)),
        ordered.map((a) => a.responsible?.name ?? null),
        ordered.map((a) => a.responsible?.phone ?? null),
        ordered.map((a) => a.responsible?.departmentCode ?? null),
        ordered.map(() => at),
      ],
    );
  }

  /** Department codes that exist, among those given. */
  async existingDepartments(codes: readonly string[]): Promise<Set<string>> {
    if (codes.length === 0) return new Set();
    const { rows } = await this.pool.query<{ code: string }>('select code from departments where code = any($1::text[])', [codes]);
    return new Set(rows.map((r) => r.code));
  }
}
