import { Injectable } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { WriteBatch } from './reading.types';

export interface ReadingQuery {
  deviceId: string;
  metric?: string;
  from: Date;
  to: Date;
  limit: number;
}

export interface StoredReading {
  time: Date;
  metric: string;
  value: number;
  receivedAt: Date;
  flags: number;
}

@Injectable()
export class ReadingsRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Writes a batch in one transaction with one statement per table (unnest of arrays keeps the parameter
   * count fixed whatever the batch size). Idempotent: a resent reading or event is not stored twice.
   */
  async write(batch: WriteBatch): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await this.writeIn(client, batch);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async writeIn(client: PoolClient, batch: WriteBatch): Promise<void> {
    const { readings, events, deadLetters, seen } = batch;
    if (readings.length > 0) {
      await client.query(
        `insert into readings (time, device_id, metric, value, received_at, flags)
         select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::timestamptz[], $6::int2[])
         on conflict (device_id, metric, time) do nothing`,
        [
          readings.map((r) => r.time),
          readings.map((r) => r.deviceId),
          readings.map((r) => r.metric),
          readings.map((r) => r.value),
          readings.map((r) => r.receivedAt),
          readings.map((r) => r.flags),
        ],
      );
    }
    if (events.length > 0) {
      await client.query(
        `insert into events (time, device_id, type, received_at, flags, payload)
         select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::timestamptz[], $5::int2[], $6::jsonb[])
         on conflict (device_id, type, time) do nothing`,
        [
          events.map((e) => e.time),
          events.map((e) => e.deviceId),
          events.map((e) => e.type),
          events.map((e) => e.receivedAt),
          events.map((e) => e.flags),
          events.map((e) => JSON.stringify(e.payload)),
        ],
      );
    }
    if (deadLetters.length > 0) {
      await client.query(
        `insert into dead_letters (received_at, device_id, topic, reason, payload)
         select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[])`,
        [
          deadLetters.map((d) => d.receivedAt),
          deadLetters.map((d) => d.deviceId),
          deadLetters.map((d) => d.topic),
          deadLetters.map((d) => d.reason),
          deadLetters.map((d) => d.payload),
        ],
      );
    }
    if (seen.length > 0) {
      await client.query(
        `update devices d set last_seen_at = greatest(coalesce(d.last_seen_at, s.at), s.at)
           from (select device_id, max(at) as at
                   from unnest($1::text[], $2::timestamptz[]) as u(device_id, at) group by device_id) s
          where d.id = s.device_id`,
        [seen.map((s) => s.deviceId), seen.map((s) => s.at)],
      );
    }
  }

  async query(q: ReadingQuery): Promise<StoredReading[]> {
    const { rows } = await this.pool.query<StoredReading>(
      `select time, metric, value, received_at as "receivedAt", flags from readings
        where device_id = $1 and ($2::text is null or metric = $2) and time >= $3 and time < $4
        order by time desc, metric limit $5`,
      [q.deviceId, q.metric ?? null, q.from, q.to, q.limit],
    );
    return rows;
  }
}
