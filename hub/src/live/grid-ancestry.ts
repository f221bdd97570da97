import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';

/** A grid code and the codes above it, from the unit grid up to the city (cached; grids change rarely). */
@Injectable()
export class GridAncestry {
  private cache = new Map<string, readonly string[]>();
  private loadedAt = 0;
  private static readonly TTL_MS = 60_000;

  constructor(private readonly pool: Pool) {}

  async chainOf(code: string): Promise<readonly string[]> {
    if (Date.now() - this.loadedAt > GridAncestry.TTL_MS || !this.cache.has(code)) await this.load();
    return this.cache.get(code) ?? [code];
  }

  private async load(): Promise<void> {
    const { rows } = await this.pool.query<{ code: string; parent: string | null }>('select code, parent_code as parent from grids');
    const parentOf = new Map(rows.map((r) => [r.code, r.parent]));
    const cache = new Map<string, readonly string[]>();
    for (const { code } of rows) {
      const chain: string[] = [];
      for (let at: string | null | undefined = code; at && chain.length < 16; at = parentOf.get(at)) chain.push(at);
      cache.set(code, chain);
    }
    this.cache = cache;
    this.loadedAt = Date.now();
  }
}
