-- TimescaleDB path: readings and events become hypertables (1-day chunks).
select create_hypertable('readings', by_range('time', interval '1 day'), if_not_exists => true, migrate_data => true);
select create_hypertable('events', by_range('time', interval '1 day'), if_not_exists => true, migrate_data => true);

-- Compression is a Timescale-License feature: where it is not licensed (the Apache-2 build, such as the
-- embedded PGlite one) the hub keeps uncompressed chunks. The hub sets gridhub.timescale_tsl.
do $$
begin
  if current_setting('gridhub.timescale_tsl', true) is distinct from 'on' then
    raise notice 'readings compression not enabled: Timescale-License features are not available';
    return;
  end if;
  alter table readings set (timescaledb.compress, timescaledb.compress_segmentby = 'device_id, metric',
                            timescaledb.compress_orderby = 'time desc');
  perform add_compression_policy('readings', interval '7 days');
exception when others then
  raise notice 'readings compression not enabled: %', sqlerrm;
end $$;
