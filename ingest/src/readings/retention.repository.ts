import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';

@Injectable()
export class RetentionRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Removes raw readings and events older than `cutoff` (roll-ups are kept). On TimescaleDB whole chunks are
   * dropped (`drop_chunks`, available in every edition); on plain PostgreSQL rows are deleted.
   */
  async removeOlderThan(cutoff: Date, timescale: boolean): Promise<void> {
    // `readings` is a view of `reading_sets` (a row per message, migration 050).
    for (const table of ['reading_sets', 'events']) {
      if (timescale) await this.pool.query(`select drop_chunks('${table}', older_than => $1::timestamptz)`, [cutoff]);
      else await this.pool.query(`delete from ${table} where time < $1`, [cutoff]);
    }
  }
}
