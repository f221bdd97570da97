import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { BUCKET_ORIGIN } from '../readings/rollup.repository';

export interface MetricValueRow {
  time: Date;
  metric: string;
  value: number;
}

@Injectable()
export class WaterRepository {
  constructor(private readonly pool: Pool) {}

  /** Raw readings of some metrics of one device, in time order (one range scan of its rows: a row per message). */
  async raw(deviceId: string, metrics: readonly string[], from: Date, to: Date, limit: number): Promise<MetricValueRow[]> {
    const { rows } = await this.pool.query<MetricValueRow>(
      `select time, metric, value from readings
        where device_id = $1 collate "C" and time >= $3 and time < $4 and metric = any($2::text[])
        order by time, metric limit $5`,
      [deviceId, metrics, from, to, limit],
    );
    return rows;
  }

  /** Daily means (China calendar days) of some metrics of one device, from the daily roll-up. */
  async dailyMeans(deviceId: string, metrics: readonly string[], from: Date, to: Date): Promise<MetricValueRow[]> {
    const { rows } = await this.pool.query<MetricValueRow>(
      `select d.bucket as time, m.metric, d.avg as value
         from unnest($2::text[]) m(metric)
         cross join lateral (
           select bucket, avg from readings_daily
            where device_id = $1 collate "C" and metric = m.metric collate "C" and bucket >= $3 and bucket < $4) d
        order by d.bucket, m.metric`,
      [deviceId, metrics, from, to],
    );
    return rows;
  }

  /** Rainfall per hour (sum of interval rainfall), from raw readings so the current hour is complete to the last sample. */
  async hourlyRainfall(deviceId: string, from: Date, to: Date): Promise<{ hour: Date; mm: number; samples: number }[]> {
    const { rows } = await this.pool.query<{ hour: Date; mm: number; samples: number }>(
      `select date_bin('1 hour', time, timestamptz '${BUCKET_ORIGIN}') as hour, sum(value) as mm, count(*)::int as samples
         from readings
        where device_id = $1 collate "C" and metric = 'rain_mm' and time >= $2 and time < $3
        group by 1 order by 1`,
      [deviceId, from, to],
    );
    return rows;
  }
}
