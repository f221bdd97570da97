import { SQLSTATE, sqlState } from '../common/sql-state';
import { inTransaction } from '../common/transaction';
import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { METRICS } from '@gridhub/contracts';

/**
 * Every metric name of every family. Naming them lets the (device, metric, bucket) primary key of the roll-ups serve
 * a "device, time range" lookup as exact index probes instead of a scan of all the device's buckets.
 */
export const ALL_METRICS = [...new Set(Object.values(METRICS).flatMap((m) => Object.keys(m)))];

/** Buckets are aligned to China Standard Time (UTC+8), so a daily bucket is a calendar day in China. */
export const BUCKET_ORIGIN = '2000-01-01 00:00:00+08';

const REPLACE_BUCKET = `on conflict (device_id, metric, bucket) do update
  set avg = excluded.avg, min = excluded.min, max = excluded.max, count = excluded.count, last = excluded.last`;

/**
 * Hourly roll-ups of the (device, hour) pairs in $1/$2: one range scan of the device's rows of the hour (a row per
 * message, which the `readings` view unnests; migration 050), grouped by metric. On a hypertable the scan reads only
 * the chunk of that day.
 */
const HOURLY = `insert into readings_hourly (bucket, device_id, metric, avg, min, max, count, last)
  select b.hour, b.device_id, x.metric, x.avg, x.min, x.max, x.count, x.last
    from unnest($1::text[], $2::timestamptz[]) as b(device_id, hour)
    cross join lateral (
      select r.metric, avg(r.value) as avg, min(r.value) as min, max(r.value) as max, count(*) as count,
             (array_agg(r.value order by r.time desc))[1] as last
        from readings r
       where r.device_id = b.device_id collate "C" and r.time >= b.hour and r.time < b.hour + interval '1 hour'
       group by r.metric) x
  ${REPLACE_BUCKET}`;

@Injectable()
export class RollupRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Recomputes the hourly roll-ups of up to `limit` (device, hour) pairs touched by new readings, and the
   * daily roll-ups of their days, in one repeatable-read transaction. Returns how many pairs it took. Ingest never
   * waits for it: the marks are append-only and only those its snapshot saw are deleted (migration 008).
   */
  async runOnce(limit: number): Promise<number> {
    return inTransaction(
      this.pool,
      async (client) => {
        // One run at a time (several hubs share the database); another run in progress is simply left to finish.
        const { rows: lock } = await client.query<{ ok: boolean }>(`select pg_try_advisory_xact_lock(hashtext('gridhub.rollup')) as ok`);
        if (!lock[0]?.ok) return 0;
        // The marks committed before this transaction's snapshot (repeatable read: every statement below sees the
        // same readings); a mark and its readings are written by one statement, so the readings are all visible.
        const { rows } = await client.query<{ device_id: string; hour: Date }>(
          `select distinct hour, device_id from rollup_dirty order by hour, device_id limit $1`,
          [limit],
        );
        if (rows.length === 0) return 0;
        const pairs = [rows.map((r) => r.device_id), rows.map((r) => r.hour)];
        await client.query(HOURLY, pairs);
        await client.query(
          `insert into readings_daily (bucket, device_id, metric, avg, min, max, count, last)
           select d.day, d.device_id, x.metric, x.avg, x.min, x.max, x.count, x.last
             from (select distinct device_id, date_bin('1 day', hour, timestamptz '${BUCKET_ORIGIN}') as day
                     from unnest($1::text[], $2::timestamptz[]) as b(device_id, hour)) d
             cross join unnest($3::text[]) as m(metric)
             cross join lateral (
               select m.metric, sum(h.avg * h.count) / sum(h.count) as avg, min(h.min) as min, max(h.max) as max,
                      sum(h.count) as count, (array_agg(h.last order by h.bucket desc))[1] as last
                 from readings_hourly h
                where h.device_id = d.device_id collate "C" and h.metric = m.metric collate "C"
                  and h.bucket >= d.day and h.bucket < d.day + interval '1 day'
               having count(*) > 0) x
           ${REPLACE_BUCKET}`,
          [...pairs, ALL_METRICS],
        );
        // Only the marks this snapshot saw go (the trigger passes the air devices' hours on to the AQI job).
        await client.query(
          `delete from rollup_dirty d using unnest($1::text[], $2::timestamptz[]) as t(device_id, hour)
            where d.device_id = t.device_id and d.hour = t.hour`,
          pairs,
        );
        return rows.length;
      },
      'repeatable read',
    ).catch((error: unknown) => {
      // Another run committed between this one's snapshot and its lock: its work is done; the next run goes on.
      if (sqlState(error) === SQLSTATE.serializationFailure) return 0;
      throw error;
    });
  }
}
