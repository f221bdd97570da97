-- One row per message: `reading_sets` holds a device's readings of one device time — its metrics and their
-- values as two arrays of the same length — instead of a `readings` row per metric (issue 20). Ingest is
-- PostgreSQL-bound on a small machine, and most of a narrow row's cost is per row: its tuple header, its key
-- entry, its WAL record. Measured on PostgreSQL 15 (`bench/row-layout.js`, 8 metrics a message): 41.7 → 24.1 µs
-- of backend CPU, 1,740 → 386 bytes of WAL and 1,186 → 320 bytes of table and key per message.
--
-- `readings` stays, as a view of the same name and columns (time, device_id, metric, value, received_at, flags):
-- what read it reads it unchanged, and what wrote to it still can (a trigger, below). What stored semantics
-- change is said in docs/decisions.md: a reading is still unique on (device, metric, time) — a second message of
-- the same device time adds the metrics the first lacked and keeps the values already stored — but a metric merged
-- in so carries the first message's receive time and flags.
create table reading_sets (
  time          timestamptz not null,
  device_id     text collate "C" not null,
  received_at   timestamptz not null,
  flags         smallint not null default 0,
  metrics       text[] collate "C" not null,
  metric_values double precision[] not null,
  primary key (device_id, time),
  constraint reading_sets_pairs check (cardinality(metrics) = cardinality(metric_values) and cardinality(metrics) > 0)
);

-- The readings stored so far, a row per device time (a metric's receive time and flags: the earliest receive
-- time, every flag any of them had).
insert into reading_sets (time, device_id, received_at, flags, metrics, metric_values)
select time, device_id, min(received_at), bit_or(flags), array_agg(metric order by metric), array_agg(value order by metric)
  from readings
 group by device_id, time;

-- Continuous aggregates (a licensed TimescaleDB, timescale/002) cannot be defined over an unnest of arrays
-- (TimescaleDB refuses lateral joins in them), so there the roll-ups become the hub's tables, as on every other
-- path. They keep what the aggregates answered (real-time aggregation included: up to now), and the last three
-- days — the aggregates' refresh window — are marked for the hub's roll-up job to recompute exactly.
do $$
begin
  if (select relkind from pg_class where oid = to_regclass('readings_hourly')) is distinct from 'v' then
    return;
  end if;
  create temporary table kept_hourly on commit drop as select * from readings_hourly;
  create temporary table kept_daily on commit drop as select * from readings_daily;
  drop materialized view readings_hourly;
  drop materialized view readings_daily;
  create table readings_hourly (
    bucket    timestamptz not null,
    device_id text collate "C" not null,
    metric    text collate "C" not null,
    avg       double precision not null,
    min       double precision not null,
    max       double precision not null,
    count     integer not null,
    last      double precision not null,
    primary key (device_id, metric, bucket)
  );
  create table readings_daily (like readings_hourly including all);
  insert into readings_hourly select bucket, device_id, metric, avg, min, max, count, last from kept_hourly;
  insert into readings_daily select bucket, device_id, metric, avg, min, max, count, last from kept_daily;
  insert into rollup_dirty (hour, device_id)
  select distinct date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+08'), device_id
    from reading_sets where time > now() - interval '3 days';
  raise notice 'readings_hourly and readings_daily are tables kept by the hub from now on';
end $$;

drop table readings;

create view readings as
  select s.time, s.device_id, r.metric, r.value, s.received_at, s.flags
    from reading_sets s
    cross join lateral unnest(s.metrics, s.metric_values) as r(metric, value);

-- The view stays writable, a reading at a time, with the table's rule (the first stored value of a device, metric
-- and time wins; a new metric joins its device time's row): so that a hub of the previous version keeps storing
-- during a rolling upgrade (its statement inserts into `readings`), and so does SQL a user wrote against the table.
-- It costs a row lock and an upsert per reading: the hub itself writes `reading_sets` directly.
create function readings_insert() returns trigger language plpgsql as $$
begin
  insert into reading_sets as s (time, device_id, received_at, flags, metrics, metric_values)
  values (new.time, new.device_id, new.received_at, coalesce(new.flags, 0), array[new.metric], array[new.value])
  on conflict (device_id, time) do update
    set metrics = s.metrics || excluded.metrics, metric_values = s.metric_values || excluded.metric_values
    where not excluded.metrics <@ s.metrics;
  return new;
end $$;
create trigger readings_insert instead of insert on readings for each row execute function readings_insert();
