import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { ALL_METRICS, BUCKET_ORIGIN } from './rollup.repository';

export interface RangeQuery {
  deviceIds: string[];
  metric: string | null;
  from: Date;
  to: Date;
  /** Rows beyond this are not read; the caller turns "limit + 1 rows" into a refusal. */
  limit: number;
}

export interface RawRow {
  device_id: string;
  metric: string;
  time: Date;
  value: number;
  received_at: Date;
  flags: number;
}

export interface BucketRow {
  device_id: string;
  metric: string;
  bucket: Date;
  avg: number;
  min: number;
  max: number;
  count: number;
  last: number;
}

/**
 * The metrics to read from the roll-ups: the one asked for, or all. Each query probes the (device, metric, bucket)
 * key once per device and metric (LATERAL); `metric = any(…)` would be applied as a filter over all of a device's
 * buckets.
 */
const metrics = (q: RangeQuery) => (q.metric ? [q.metric] : ALL_METRICS);

/**
 * A device's readings in [$3, $4), only the metric asked for ($2) when one is: one range scan of its `reading_sets`
 * rows in time order (the `readings` view unnests them; migration 050). `d.device_id` names the device.
 */
const DEVICE_READINGS = `from readings
       where device_id = d.device_id collate "C" and time >= $3 and time < $4 and ($2::text is null or metric = $2::text)`;

/** One packed roll-up bucket: epoch seconds, avg, min, max (float8), count (int4), last (float8). */
const PACKED_BUCKET_BYTES = 8 * 5 + 4;

@Injectable()
export class TimeseriesRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Raw readings, at most `limit` in all. Each device's scan stops at `limit` readings: when it does, the answer has
   * `limit` rows and the caller refuses the request as too large, so no series is ever cut short unnoticed.
   */
  async raw(q: RangeQuery): Promise<RawRow[]> {
    const { rows } = await this.pool.query<RawRow>(
      `select d.device_id, r.metric, r.time, r.value, r.received_at, r.flags
         from unnest($1::text[]) d(device_id)
         cross join lateral (
           select metric, time, value, received_at, flags
             ${DEVICE_READINGS}
            order by time limit $5) r
        order by 1, 2, 3 limit $5`,
      [q.deviceIds, q.metric, q.from, q.to, q.limit],
    );
    return rows;
  }

  /** Buckets computed from raw readings (date_bin, aligned to China Standard Time). */
  async binned(q: RangeQuery, seconds: number): Promise<BucketRow[]> {
    const { rows } = await this.pool.query<BucketRow>(
      `select d.device_id, r.metric, r.bucket, r.avg, r.min, r.max, r.count, r.last
         from unnest($1::text[]) d(device_id)
         cross join lateral (
           select metric, date_bin(make_interval(secs => $6), time, timestamptz '${BUCKET_ORIGIN}') as bucket,
                  avg(value) as avg, min(value) as min, max(value) as max, count(*)::int as count,
                  (array_agg(value order by time desc))[1] as last
             ${DEVICE_READINGS}
            group by 1, 2) r
        order by 1, 2, 3 limit $5`,
      [q.deviceIds, q.metric, q.from, q.to, q.limit, seconds],
    );
    return rows;
  }

  /**
   * Buckets read from the hourly or daily roll-ups (tables or continuous aggregates). Each series comes back as
   * one row holding its buckets packed in PostgreSQL's binary send format (`float8send`, `int4send`: big-endian
   * IEEE 754 doubles and int32), 44 bytes a bucket, decoded here. A row per bucket cost far more than the query
   * itself: on the embedded database a year of hourly buckets took 126 ms as 8,760 rows and 20 ms packed (the
   * index scan is 5–9 ms), since every row and every float's text form goes through the WebAssembly server and
   * its socket one by one.
   */
  async rolledUp(q: RangeQuery, table: 'readings_hourly' | 'readings_daily'): Promise<BucketRow[]> {
    const { rows } = await this.pool.query<{ device_id: string; metric: string; packed: Buffer }>(
      `select d.device_id, m.metric, r.packed
         from unnest($1::text[]) d(device_id) cross join unnest($2::text[]) m(metric)
         cross join lateral (
           select string_agg(
                    -- Every column is not null (tables) or an aggregate of at least one reading (views).
                    float8send(extract(epoch from b.bucket)::float8) || float8send(b.avg) || float8send(b.min)
                    || float8send(b.max) || int4send(b.count::int) || float8send(b.last),
                    ''::bytea order by b.bucket) as packed
             from (select bucket, avg, min, max, count, last from ${table}
                    where device_id = d.device_id collate "C" and metric = m.metric collate "C"
                      and bucket >= $3 and bucket < $4
                    order by bucket limit $5) b) r
        where r.packed is not null
        order by 1, 2`,
      [q.deviceIds, metrics(q), q.from, q.to, q.limit],
    );
    const out: BucketRow[] = [];
    for (const { device_id, metric, packed } of rows) {
      for (let o = 0; o + PACKED_BUCKET_BYTES <= packed.length && out.length < q.limit; o += PACKED_BUCKET_BYTES) {
        out.push({
          device_id,
          metric,
          bucket: new Date(packed.readDoubleBE(o) * 1000),
          avg: packed.readDoubleBE(o + 8),
          min: packed.readDoubleBE(o + 16),
          max: packed.readDoubleBE(o + 24),
          count: packed.readInt32BE(o + 32),
          last: packed.readDoubleBE(o + 36),
        });
      }
    }
    return out;
  }
}
