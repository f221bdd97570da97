-- Sensing hub: online state, latest values, roll-ups, device-offline alerts.

alter table devices add column online boolean not null default false;
alter table devices add column status_changed_at timestamptz;
alter table devices add column secret_rotated_at timestamptz;
create index devices_liveness_idx on devices (last_seen_at) where enabled and online;

-- One row per device and metric; advanced only by a newer device time (late data never overwrites it).
create table latest_readings (
  device_id   text collate "C" not null references devices (id) on delete cascade,
  metric      text collate "C" not null,
  time        timestamptz not null,
  value       double precision not null,
  received_at timestamptz not null,
  primary key (device_id, metric)
);

-- Hourly and daily roll-ups of readings (buckets aligned to China Standard Time, UTC+8). On a TimescaleDB
-- server with the community edition these become continuous aggregates (timescale/002); elsewhere a job keeps
-- them from the (device, hour) pairs that new readings touched, late data included.
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

create table rollup_dirty (
  hour      timestamptz not null,
  device_id text collate "C" not null,
  primary key (device_id, hour)
);

-- Alerts also come from device liveness: rule_id is null for those, kind tells them apart.
alter table alerts add column kind text not null default 'rule' check (kind in ('rule', 'device_offline'));
alter table alerts alter column rule_id drop not null;
alter table alerts add constraint alerts_rule_kind check ((kind = 'rule') = (rule_id is not null));
drop index alerts_active_idx;
create unique index alerts_active_rule_idx on alerts (rule_id, device_id) where status <> 'cleared' and kind = 'rule';
create unique index alerts_active_offline_idx on alerts (device_id) where status <> 'cleared' and kind = 'device_offline';
alter table alerts alter column value drop not null;

-- Dead letters keep the raw payload as text when it is clean UTF-8, otherwise base64 (NUL bytes cannot be text).
alter table dead_letters add column payload_encoding text not null default 'utf8' check (payload_encoding in ('utf8', 'base64'));
