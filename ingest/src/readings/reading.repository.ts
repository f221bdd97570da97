import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { float8Array, int2Array, int4Array, textArray, timestamptzArray } from '../common/binary-array';
import { SQLSTATE, sqlState } from '../common/sql-state';
import { ReadingSet, WriteBatch } from './reading.types';
import { BUCKET_ORIGIN } from './rollup.repository';

/**
 * A message's readings are stored as one `reading_sets` row (migration 050): its device time, receive time and
 * flags, and its metrics and values as two arrays (`readings` is a view giving a row per metric). They go over the
 * wire as one entry per message (device time, device, receive time, flags, the number of its metric list — each
 * distinct list is sent once, `MetricLists` — and the bounds of its slice of the batch's flat value array). The
 * arrays are sent in PostgreSQL's binary format
 * (`../common/binary-array.ts`): no number is printed here and parsed there, and times arrive as timestamps
 * (measured on PostgreSQL 15, batches of 625 messages of 8 readings on one connection, three runs each: 47 µs of
 * server CPU per message instead of 51 with array literals, and 2.2–2.8 µs of hub CPU per message to build the
 * parameters instead of 2.9–3.5).
 *
 * One statement writes a whole batch: readings, the latest values they advance, the roll-up hours they touch,
 * events and dead letters, as data-modifying CTEs over `unnest` arrays. A single statement is atomic without
 * begin/commit round trips, and its parameter count is fixed whatever the batch size. Rows are fed in key
 * order so concurrent batches take locks in the same order (no deadlocks).
 *
 * The latest value per (device, metric) and the (device, hour) pairs of a batch are picked here, not in SQL:
 * a few hundred rows instead of sorting every reading of the batch in the database (measured on PostgreSQL 15,
 * 5,000 readings: 7 ms of the statement's 27 ms of server CPU).
 *
 * A reading is unique on (device, metric, device time), the first one stored wins. Messages of one device time in
 * a batch become one row here (a later one adds only the metrics the earlier lacked). `reading_sets` is inserted
 * without `on conflict`: a speculative insertion per row costs the server about as much again as the plain insert
 * (measured on the row-per-reading layout: 52 vs 31 µs per 8-reading message). A resent message — or one adding
 * metrics to a device time stored before — makes the plain statement fail as a whole (unique violation, nothing
 * written); the batch is then written again merging into the stored row (the metrics it lacked are appended, the
 * stored values stay), and so are the next batches for a while, as resends come in runs (a device reconnecting
 * after an outage resends everything it had in flight).
 */
const MERGE_INTO_STORED = `on conflict (device_id, time) do update
    set (metrics, metric_values) = (
      select s.metrics || array_agg(n.metric order by n.o), s.metric_values || array_agg(n.value order by n.o)
        from unnest(excluded.metrics, excluded.metric_values) with ordinality as n(metric, value, o)
       where n.metric <> all (s.metrics))
    where not excluded.metrics <@ s.metrics`;

const writeBatchSql = (idempotent: boolean) => `
with lists as (
  -- The batch's distinct metric lists, each once ($8: its number per name, $9: the names): messages of one family
  -- mostly share one. A message names its list ($5) and slices its values ($6, $7) out of $10.
  select l.k, array_agg(l.metric order by l.o) as metrics
    from unnest($8::int4[], $9::text[]) with ordinality as l(k, metric, o)
   group by l.k
),
stored as (
  insert into reading_sets as s (time, device_id, received_at, flags, metrics, metric_values)
  select m.t, m.device_id, m.r, m.flags, lists.metrics, ($10::float8[])[m.lo:m.hi]
    from unnest($1::timestamptz[], $2::text[], $3::timestamptz[], $4::int2[], $5::int4[], $6::int4[], $7::int4[])
           as m(t, device_id, r, flags, k, lo, hi)
    join lists on lists.k = m.k
   order by m.device_id, m.t
  ${idempotent ? MERGE_INTO_STORED : ''}
),
latest as (
  -- Only a newer device time moves the latest value: late data never overwrites it.
  insert into latest_readings (device_id, metric, time, value, received_at)
  select l.device_id, l.metric, l.t, l.value, l.r
    from unnest($11::text[], $12::text[], $13::timestamptz[], $14::float8[], $15::timestamptz[]) as l(device_id, metric, t, value, r)
  on conflict (device_id, metric) do update
    set time = excluded.time, value = excluded.value, received_at = excluded.received_at
    where excluded.time > latest_readings.time
),
dirty as (
  -- The (device, hour) pairs whose roll-ups must be recomputed, late data included: one device time per pair.
  insert into rollup_dirty (hour, device_id)
  -- Append-only marks (no key to wait on; migration 008): one per device and hour of the batch, picked below.
  select date_bin('1 hour', h.t, timestamptz '${BUCKET_ORIGIN}'), h.device_id
    from unnest($16::text[], $17::timestamptz[]) as h(device_id, t)
),
events_stored as (
  insert into events (time, device_id, type, received_at, flags, payload)
  select * from unnest($18::timestamptz[], $19::text[], $20::text[], $21::timestamptz[], $22::int2[], $23::jsonb[])
   order by 2, 3, 1
  on conflict (device_id, type, time) do nothing
),
dead as (
  insert into dead_letters (received_at, device_id, topic, reason, payload, payload_encoding)
  select * from unnest($24::timestamptz[], $25::text[], $26::text[], $27::text[], $28::text[], $29::text[])
)
select 1`;

const FAST_SQL = writeBatchSql(false);
const IDEMPOTENT_SQL = writeBatchSql(true);

/** After a batch met an already stored reading, this many batches go straight to the idempotent statement. */
const IDEMPOTENT_AFTER_CONFLICT = 50;

const HOUR_MS = 3_600_000;
/** BUCKET_ORIGIN in epoch milliseconds (hours are counted from it, as date_bin does). */
const ORIGIN_MS = Date.parse(BUCKET_ORIGIN.replace(' ', 'T').replace(/\+(\d\d)$/, '+$1:00'));


const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The distinct metric lists of a batch, numbered from 1, each sent once: slicing every message's names out of one
 * flat text array cost the server a walk from the array's start per message (text elements have no fixed width), a
 * cost that grows with the square of the batch (625 messages of 8 metrics: ≈ 8 ms a statement). Messages of a
 * family mostly carry the same names in the same order, so a message is first compared with the last list taken.
 */
class MetricLists {
  /** The list number of each name below, and the names, list after list. */
  readonly numbers: number[] = [];
  readonly names: string[] = [];
  private readonly byKey = new Map<string, number>();
  private last: string[] = [];
  private lastNumber = 0;

  /** The number of the list `names` holds (a scratch array the caller reuses). */
  numberOf(names: readonly string[]): number {
    if (sameNames(names, this.last)) return this.lastNumber;
    let key = '';
    for (const name of names) key += `${name.length}:${name}`; // length-prefixed: no two lists share a key
    let number = this.byKey.get(key);
    if (number === undefined) {
      number = this.byKey.size + 1;
      this.byKey.set(key, number);
      for (const name of names) {
        this.numbers.push(number);
        this.names.push(name);
      }
    }
    this.last = names.slice();
    this.lastNumber = number;
    return number;
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What a batch holds of one device. */
interface DeviceState {
  /** Device time → index of its row. */
  rows: Map<number, number>;
  /** Metric → the message holding its newest reading. */
  latest: Map<string, ReadingSet>;
  /** Hour (counted from BUCKET_ORIGIN) → one device time in it. */
  hours: Map<number, number>;
}

@Injectable()
export class ReadingRepository {
  /** Batches left to write idempotently after the last conflict (see above). */
  private idempotentBatches = 0;

  constructor(private readonly pool: Pool) {}

  /** Writes a batch atomically. Idempotent: a resent reading or event is not stored twice. */
  async write(batch: WriteBatch): Promise<void> {
    const params = this.parameters(batch);
    if (this.idempotentBatches > 0) {
      this.idempotentBatches--;
      await this.pool.query(IDEMPOTENT_SQL, params);
      return;
    }
    try {
      await this.pool.query(FAST_SQL, params);
    } catch (error) {
      // A reading of this batch is stored already.
      if (sqlState(error) !== SQLSTATE.uniqueViolation) throw error;
      this.idempotentBatches = IDEMPOTENT_AFTER_CONFLICT;
      await this.pool.query(IDEMPOTENT_SQL, params);
    }
  }

  private parameters({ readings, events, deadLetters }: WriteBatch): unknown[] {
    // Per device: the batch's messages by device time, the message holding the newest reading of each metric, and
    // one device time per hour touched.
    const devices = new Map<string, DeviceState>();
    // One entry per row: the first message of each device time, and what later messages of that time add.
    const rows: ReadingSet[] = [];
    let added: Map<number, Record<string, number>> | null = null;
    for (const set of readings) {
      const t = set.time.getTime();
      let device = devices.get(set.deviceId);
      if (!device) devices.set(set.deviceId, (device = { rows: new Map(), latest: new Map(), hours: new Map() }));
      const hour = Math.floor((t - ORIGIN_MS) / HOUR_MS);
      if (!device.hours.has(hour)) device.hours.set(hour, t);
      const row = device.rows.get(t);
      if (row === undefined) {
        device.rows.set(t, rows.length);
        rows.push(set);
      } else {
        // A second message of this device time: only the metrics the row lacks are added (the first one wins).
        added ??= new Map();
        let extra = added.get(row);
        if (!extra) added.set(row, (extra = {}));
        const first = rows[row]!.values;
        for (const metric in set.values) {
          if (!(metric in first) && !(metric in extra)) extra[metric] = set.values[metric]!;
        }
      }
      for (const metric in set.values) {
        const known = device.latest.get(metric);
        // The first of equal device times wins, as it does in the stored row.
        if (!known || t > known.time.getTime()) device.latest.set(metric, set);
      }
    }
    const messages = {
      time: [] as number[], device: [] as string[], received: [] as number[], flags: [] as number[],
      list: [] as number[], lo: [] as number[], hi: [] as number[],
    };
    const values: number[] = [];
    const lists = new MetricLists();
    const names: string[] = [];
    for (let i = 0; i < rows.length; i++) {
      const set = rows[i]!;
      const lo = values.length + 1;
      names.length = 0;
      for (const metric in set.values) {
        names.push(metric);
        values.push(set.values[metric]!);
      }
      const extra = added?.get(i);
      if (extra) {
        for (const metric in extra) {
          names.push(metric);
          values.push(extra[metric]!);
        }
      }
      // A message without readings stores no row (the payload schema asks for at least one).
      if (names.length === 0) continue;
      messages.time.push(set.time.getTime());
      messages.device.push(set.deviceId);
      messages.received.push(set.receivedAt.getTime());
      messages.flags.push(set.flags);
      messages.list.push(lists.numberOf(names));
      messages.lo.push(lo);
      messages.hi.push(values.length);
    }
    // In key order, so concurrent batches lock latest_readings rows in the same order.
    const last = { device: [] as string[], metric: [] as string[], time: [] as number[], value: [] as number[], received: [] as number[] };
    const hourDevices: string[] = [];
    const hourTimes: number[] = [];
    for (const deviceId of [...devices.keys()].sort(byText)) {
      const device = devices.get(deviceId)!;
      for (const metric of [...device.latest.keys()].sort(byText)) {
        const set = device.latest.get(metric)!;
        last.device.push(deviceId);
        last.metric.push(metric);
        last.time.push(set.time.getTime());
        last.value.push(set.values[metric]!);
        last.received.push(set.receivedAt.getTime());
      }
      for (const t of device.hours.values()) {
        hourDevices.push(deviceId);
        hourTimes.push(t);
      }
    }
    return [
      timestamptzArray(messages.time),
      textArray(messages.device),
      timestamptzArray(messages.received),
      int2Array(messages.flags),
      int4Array(messages.list),
      int4Array(messages.lo),
      int4Array(messages.hi),
      int4Array(lists.numbers),
      textArray(lists.names),
      float8Array(values),
      textArray(last.device),
      textArray(last.metric),
      timestamptzArray(last.time),
      float8Array(last.value),
      timestamptzArray(last.received),
      textArray(hourDevices),
      timestamptzArray(hourTimes),
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
      deadLetters.map((d) => d.payloadEncoding),
    ];
  }
}
