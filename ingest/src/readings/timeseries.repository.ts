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
 * The metrics to read: the one asked for, or all. Each query probes the (device, metric, time) key once per
 * device and metric (LATERAL); `metric = any(…)` would be applied as a filter over all of a device's rows.
 */
const metrics = (q: RangeQuery) => (q.metric ? [q.metric] : ALL_METRICS);

@Injectable()
export class TimeseriesRepository {
  constructor(private readonly pool: Pool) {}

  async raw(q: RangeQuery): Promise<RawRow[]> {
    const { rows } = await this.pool.query<RawRow>(
      `select d.device_id, m.metric, r.time, r.value, r.received_at, r.flags
         from unnest($1::text[]) d(device_id) cross join unnest($2::text[]) m(metric)
         cross join lateral (
           select time, value, received_at, flags from readings
            where device_id = d.device_id collate "C" and metric = m.metric collate "C" and time >= $3 and time < $4
            order by time limit $5) r
        order by 1, 2, 3 limit $5`,
      [q.deviceIds, metrics(q), q.from, q.to, q.limit],
    );
    return rows;
  }

  /** Buckets computed from raw readings (date_bin, aligned to China Standard Time). */
  async binned(q: RangeQuery, seconds: number): Promise<BucketRow[]> {
    const { rows } = await this.pool.query<BucketRow>(
      `select d.device_id, m.metric, r.bucket, r.avg, r.min, r.max, r.count, r.last
         from unnest($1::text[]) d(device_id) cross join unnest($2::text[]) m(metric)
         cross join lateral (
           select date_bin(make_interval(secs => $6), time, timestamptz '${BUCKET_ORIGIN}') as bucket,
                  avg(value) as avg, min(value) as min, max(value) as max, count(*)::int as count,
                  (array_agg(value order by time desc))[1] as last
             from readings
            where device_id = d.device_id collate "C" and metric = m.metric collate "C" and time >= $3 and time < $4
            group by 1) r
        order by 1, 2, 3 limit $5`,
      [q.deviceIds, metrics(q), q.from, q.to, q.limit, seconds],
    );
    return rows;
  }

  /** Buckets read from the hourly or daily roll-ups (tables or continuous aggregates). */
  async rolledUp(q: RangeQuery, table: 'readings_hourly' | 'readings_daily'): Promise<BucketRow[]> {
    const { rows } = await this.pool.query<BucketRow>(
      `select d.device_id, m.metric, r.bucket, r.avg, r.min, r.max, r.count, r.last
         from unnest($1::text[]) d(device_id) cross join unnest($2::text[]) m(metric)
         cross join lateral (
           select bucket, avg, min, max, count::int as count, last from ${table}
            where device_id = d.device_id collate "C" and metric = m.metric collate "C" and bucket >= $3 and bucket < $4
            order by bucket limit $5) r
        order by 1, 2, 3 limit $5`,
      [q.deviceIds, metrics(q), q.from, q.to, q.limit],
    );
    return rows;
  }
}
