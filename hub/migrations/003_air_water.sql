-- Air quality index (HJ 633-2012) per station: hourly and daily, computed by the hub from the roll-ups so a
-- month of hourly AQI for every station is one index range scan. Water classes (GB 3838-2002) are computed on
-- read from readings and daily roll-ups and need no table.

create table aqi_hourly (
  device_id          text collate "C" not null,
  hour               timestamptz not null,           -- start of the hour the AQI covers
  aqi                smallint not null check (aqi between 0 and 500),
  level              smallint not null check (level between 1 and 6),
  primary_pollutants text[] not null,
  iaqi               jsonb not null,                 -- pollutant → IAQI
  concentrations     jsonb not null,                 -- pollutant → concentration indexed (1-hour means, O3 8-hour moving mean, SO2 24-hour mean)
  computed_at        timestamptz not null default now(),
  primary key (device_id, hour)
);
create index aqi_hourly_hour_idx on aqi_hourly (hour, device_id);

create table aqi_daily (
  device_id          text collate "C" not null,
  day                timestamptz not null,           -- China calendar day (00:00 UTC+8), as readings_daily
  aqi                smallint not null check (aqi between 0 and 500),
  level              smallint not null check (level between 1 and 6),
  primary_pollutants text[] not null,
  iaqi               jsonb not null,
  concentrations     jsonb not null,                 -- 24-hour means, O3 daily maximum 1-hour and 8-hour moving mean
  hours              smallint not null,              -- hours of the day with pollutant data
  computed_at        timestamptz not null default now(),
  primary key (device_id, day)
);
create index aqi_daily_day_idx on aqi_daily (day, device_id);

-- The (air device, hour) pairs whose hourly roll-up changed since the AQI job last ran. Filled from rollup_dirty
-- inside the roll-up job's own transaction: when the hub's roll-up takes (deletes) its dirty pairs, and when it
-- truncates them where readings_hourly is a continuous aggregate. Nothing is added to the ingest statement.
create table aqi_dirty (
  device_id text collate "C" not null,
  hour      timestamptz not null,
  primary key (device_id, hour)
);

create function aqi_dirty_from_rollup_taken() returns trigger language plpgsql as $$
begin
  insert into aqi_dirty (device_id, hour)
    select distinct t.device_id, t.hour
      from rollup_taken t join devices d on d.id = t.device_id collate "C"
     where d.family = 'air'
  on conflict do nothing;
  return null;
end $$;

create trigger rollup_dirty_taken_aqi after delete on rollup_dirty
  referencing old table as rollup_taken for each statement execute function aqi_dirty_from_rollup_taken();

create function aqi_dirty_from_rollup_truncate() returns trigger language plpgsql as $$
begin
  insert into aqi_dirty (device_id, hour)
    select distinct r.device_id, r.hour
      from rollup_dirty r join devices d on d.id = r.device_id collate "C"
     where d.family = 'air'
  on conflict do nothing;
  return null;
end $$;

create trigger rollup_dirty_truncate_aqi before truncate on rollup_dirty
  for each statement execute function aqi_dirty_from_rollup_truncate();
