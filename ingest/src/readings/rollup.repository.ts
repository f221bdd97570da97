import { SQLSTATE, sqlState } from '../common/sql-state';
import { inTransaction } from '../common/transaction';
import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { METRICS } from '@gridhub/contracts';

/**
 * Every metric name of every family. Naming them lets the (device, metric, time) primary key serve a
 * "device, time range" lookup as exact index probes instead of a scan of all the device's rows.
 */
export const ALL_METRICS = [...new Set(Object.values(METRICS).flatMap((m) => Object.keys(m)))];

/** Buckets are aligned to China Standard Time (UTC+8), so a daily bucket is a calendar day in China. */
export const BUCKET_ORIGIN = '2000-01-01 00:00:00+08';

const REPLACE_BUCKET = `on conflict (device_id, metric, bucket) do update
  set avg = excluded.avg, min = excluded.min, max = excluded.max, count = excluded.count, last = excluded.last`;

/** The hourly buckets of the (device, hour) pairs in $1/$2, each from the lateral subquery `x` that follows. */
const INSERT_HOURLY = `insert into readings_hourly (bucket, device_id, metric, avg, min, max, count, last)
  select b.hour, b.device_id, x.metric, x.avg, x.min, x.max, x.count, x.last
    from unnest($1::text[], $2::timestamptz[]) as b(device_id, hour)`;

/** One bucket's columns over the readings `r` of a device, metric and hour. */
const READING_AGGREGATES = `avg(r.value) as avg, min(r.value) as min, max(r.value) as max, count(*) as count,
             (array_agg(r.value order by r.time desc))[1] as last`;

/**
 * Hourly roll-ups from a plain readings table: one exact probe of the (device, metric, time) key per metric; a
 * plain join, or metric = any(…), makes the planner scan all of a device's rows for every hour (measured: 4 ms per
 * device-hour).
 */
const HOURLY_FROM_TABLE = `
  ${INSERT_HOURLY}
    cross join unnest($3::text[]) as m(metric)
    cross join lateral (
      select m.metric, ${READING_AGGREGATES}
        from readings r
       where r.device_id = b.device_id collate "C" and r.metric = m.metric collate "C"
         and r.time >= b.hour and r.time < b.hour + interval '1 hour'
      having count(*) > 0) x
  ${REPLACE_BUCKET}`;

/**
 * Hourly roll-ups from a hypertable: one range scan per device-hour, grouped by metric. A chunk holds a day, so
 * the scan reads only that day's rows of the device; a probe per metric costs a runtime exclusion over every chunk
 * each (measured on the embedded database, a year of one device: 377 s for 8,760 device-hours with 24 probes each).
 */
const HOURLY_FROM_CHUNKS = `
  ${INSERT_HOURLY}
    cross join lateral (
      select r.metric, ${READING_AGGREGATES}
        from readings r
       where r.device_id = b.device_id collate "C" and r.time >= b.hour and r.time < b.hour + interval '1 hour'
       group by r.metric) x
  ${REPLACE_BUCKET}`;

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
   * daily roll-ups of their days, in one repeatable-read transaction. Returns how many pairs it took. Ingest never
   * waits for it: the marks are append-only and only those its snapshot saw are deleted (migration 008).
   * `timescale`: readings is a hypertable (the storage fact the hub passes, as to the retention job).
   */
  async runOnce(limit: number, timescale: boolean): Promise<number> {
    if (!(await this.isHubMaintained())) {
      await this.pool.query('truncate rollup_dirty');
      return 0;
    }
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
        await client.query(timescale ? HOURLY_FROM_CHUNKS : HOURLY_FROM_TABLE, timescale ? pairs : [...pairs, ALL_METRICS]);
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
