import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { WriteBatch } from './reading.types';
import { BUCKET_ORIGIN } from './rollup.repository';

/**
 * One statement writes a whole batch: readings, the latest values they advance, the roll-up hours they touch,
 * events and dead letters, as data-modifying CTEs over `unnest` arrays. A single statement is atomic without
 * begin/commit round trips, and its parameter count is fixed whatever the batch size. Rows are fed in key
 * order so concurrent batches take row locks in the same order (no deadlocks).
 */
const WRITE_BATCH_SQL = `
with r as (
  select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::timestamptz[], $6::int2[])
           as u(time, device_id, metric, value, received_at, flags)
),
stored as (
  insert into readings (time, device_id, metric, value, received_at, flags)
  select time, device_id, metric, value, received_at, flags from r order by device_id, metric, time
  on conflict (device_id, metric, time) do nothing
),
latest as (
  -- Only a newer device time moves the latest value: late data never overwrites it.
  insert into latest_readings (device_id, metric, time, value, received_at)
  select distinct on (device_id, metric) device_id, metric, time, value, received_at
    from r order by device_id, metric, time desc
  on conflict (device_id, metric) do update
    set time = excluded.time, value = excluded.value, received_at = excluded.received_at
    where excluded.time > latest_readings.time
),
dirty as (
  -- The (device, hour) pairs whose roll-ups must be recomputed, late data included.
  insert into rollup_dirty (hour, device_id)
  select hour, device_id
    from (select distinct date_bin('1 hour', time, timestamptz '${BUCKET_ORIGIN}') as hour, device_id from r) h
   order by device_id, hour
  on conflict do nothing
),
events_stored as (
  insert into events (time, device_id, type, received_at, flags, payload)
  select * from unnest($7::timestamptz[], $8::text[], $9::text[], $10::timestamptz[], $11::int2[], $12::jsonb[])
   order by 2, 3, 1
  on conflict (device_id, type, time) do nothing
),
dead as (
  insert into dead_letters (received_at, device_id, topic, reason, payload)
  select * from unnest($13::timestamptz[], $14::text[], $15::text[], $16::text[], $17::text[])
)
select 1`;

@Injectable()
export class ReadingsRepository {
  constructor(private readonly pool: Pool) {}

  /** Writes a batch atomically. Idempotent: a resent reading or event is not stored twice. */
  async write(batch: WriteBatch): Promise<void> {
    const { readings, events, deadLetters } = batch;
    await this.pool.query(WRITE_BATCH_SQL, [
      readings.map((r) => r.time),
      readings.map((r) => r.deviceId),
      readings.map((r) => r.metric),
      readings.map((r) => r.value),
      readings.map((r) => r.receivedAt),
      readings.map((r) => r.flags),
      events.map((e) => e.time),
      events.map((e) => e.deviceId),
      events.map((e) => e.type),
      events.map((e) => e.receivedAt),
      events.map((e) => e.flags),
      events.map((e) => JSON.stringify(e.payload)),
      deadLetters.map((d) => d.receivedAt),
      deadLetters.map((d) => d.deviceId),
      deadLetters.map((d) => d.topic),
      deadLetters.map((d) => d.reason),
      deadLetters.map((d) => d.payload),
    ]);
  }
}
