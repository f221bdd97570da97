-- Roll-ups as continuous aggregates where the TimescaleDB community edition allows them (a Timescale-License
-- feature): the plain tables of 002_sensing are replaced by views of the same name and columns, so the API
-- reads them the same way. Elsewhere (plain PostgreSQL, the Apache edition in the embedded database) the hub's
-- roll-up job keeps the tables.
do $$
begin
  if current_setting('gridhub.timescale_tsl', true) is distinct from 'on' then
    raise notice 'continuous aggregates not available; the hub keeps the roll-ups';
    return;
  end if;
  drop table readings_hourly;
  drop table readings_daily;
  create materialized view readings_hourly with (timescaledb.continuous) as
    select time_bucket('1 hour', time) as bucket, device_id, metric,
           avg(value) as avg, min(value) as min, max(value) as max, count(*)::integer as count, last(value, time) as last
      from readings group by 1, 2, 3 with no data;
  create materialized view readings_daily with (timescaledb.continuous) as
    select time_bucket('1 day', time, '2000-01-01 00:00:00+08'::timestamptz) as bucket, device_id, metric,
           avg(value) as avg, min(value) as min, max(value) as max, count(*)::integer as count, last(value, time) as last
      from readings group by 1, 2, 3 with no data;
  perform add_continuous_aggregate_policy('readings_hourly', start_offset => interval '3 days', end_offset => interval '1 hour', schedule_interval => interval '5 minutes');
  perform add_continuous_aggregate_policy('readings_daily', start_offset => interval '10 days', end_offset => interval '1 day', schedule_interval => interval '1 hour');
end $$;
