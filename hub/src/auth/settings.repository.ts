import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';

@Injectable()
export class SettingsRepository {
  constructor(private readonly pool: Pool) {}

  /** Returns the stored value, storing `create()` first if there is none (first writer wins). */
  async getOrCreate(key: string, create: () => string): Promise<string> {
    await this.pool.query('insert into settings (key, value) values ($1, $2) on conflict (key) do nothing', [key, create()]);
    const { rows } = await this.pool.query<{ value: string }>('select value from settings where key = $1', [key]);
    return rows[0]!.value;
  }
}
