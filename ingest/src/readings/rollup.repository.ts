import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';

/** Buckets are aligned to China Standard Time (UTC+8), so a daily bucket is a calendar day in China. */
export const BUCKET_ORIGIN = '2000-01-01 00:00:00+08';

@Injectable()
export class RollupRepository {
  private hubMaintained: Promise<boolean> | null = null;

  constructor(private readonly pool: Pool) {}

  /** False where readings_hourly is a TimescaleDB continuous aggregate, which maintains itself. */
  isHubMaintained(): Promise<boolean> {
    this.hubMaintained ??= this.pool
      .query<{ relkind: string }>(`select relkind from pg_class where oid = to_regclass('readings_hourly')`)
      .then(({ rows }) => rows[0]?.relkind === 'r');
    return this.hubMaintained;
  }

  /**
   * Recomputes the hourly roll-ups of up to `limit` (device, hour) pairs touched by new readings, and the
   * daily roll-ups of their days, in one transaction. Returns how many pairs it took.
   */
  async runOnce(limit: number): Promise<number> {
    if (!(await this.isHubMaintained())) {
      await this.pool.query('truncate rollup_dirty');
      return 0;
    }
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ device_id: string; hour: Date }>(
        `delete from rollup_dirty where (device_id, hour) in
           (select device_id, hour from rollup_dirty order by hour limit $1 for update skip locked)
         returning device_id, hour`,
        [limit],
      );
      if (rows.length > 0) {
        const pairs = [rows.map((r) => r.device_id), rows.map((r) => r.hour)];
        await client.query(
          `insert into readings_hourly (bucket, device_id, metric, avg, min, max, count, last)
           select b.hour, r.device_id, r.metric, avg(r.value), min(r.value), max(r.value), count(*),
                  (array_agg(r.value order by r.time desc))[1]
             from unnest($1::text[], $2::timestamptz[]) as b(device_id, hour)
             join readings r on r.device_id = b.device_id and r.time >= b.hour and r.time < b.hour + interval '1 hour'
            group by b.hour, r.device_id, r.metric
           on conflict (device_id, metric, bucket) do update
             set avg = excluded.avg, min = excluded.min, max = excluded.max, count = excluded.count, last = excluded.last`,
          pairs,
        );
        await client.query(
          `insert into readings_daily (bucket, device_id, metric, avg, min, max, count, last)
           select d.day, h.device_id, h.metric, sum(h.avg * h.count) / sum(h.count), min(h.min), max(h.max), sum(h.count),
                  (array_agg(h.last order by h.bucket desc))[1]
             from (select distinct device_id, date_bin('1 day', hour, timestamptz '${BUCKET_ORIGIN}') as day
                     from unnest($1::text[], $2::timestamptz[]) as b(device_id, hour)) d
             join readings_hourly h on h.device_id = d.device_id and h.bucket >= d.day and h.bucket < d.day + interval '1 day'
            group by d.day, h.device_id, h.metric
           on conflict (device_id, metric, bucket) do update
             set avg = excluded.avg, min = excluded.min, max = excluded.max, count = excluded.count, last = excluded.last`,
          pairs,
        );
      }
      await client.query('commit');
      return rows.length;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
