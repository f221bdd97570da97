-- TimescaleDB path: readings and events become hypertables (1-day chunks).
select create_hypertable('readings', by_range('time', interval '1 day'), if_not_exists => true, migrate_data => true);
select create_hypertable('events', by_range('time', interval '1 day'), if_not_exists => true, migrate_data => true);

-- Compression is a Timescale-License feature: the Apache-2 build (such as the embedded PGlite one) refuses
-- it, and the hub then keeps uncompressed chunks.
do $$
begin
  alter table readings set (timescaledb.compress, timescaledb.compress_segmentby = 'device_id, metric',
                            timescaledb.compress_orderby = 'time desc');
  perform add_compression_policy('readings', interval '7 days');
exception when others then
  raise notice 'readings compression not enabled: %', sqlerrm;
end $$;
