-- TimescaleDB path: the readings' table since migration 050, a row per message, becomes a hypertable (1-day
-- chunks), its rows kept (`migrate_data`: installs older than 050 had their readings moved into it).
select create_hypertable('reading_sets', by_range('time', interval '1 day'), if_not_exists => true, migrate_data => true);

-- Compression is a Timescale-License feature: where it is not licensed (the Apache-2 build, such as the embedded
-- PGlite one) the hub keeps uncompressed chunks. The hub sets gridhub.timescale_tsl. A compressed segment holds one
-- device's messages in time order (its metric names compress as a dictionary: they repeat message after message).
do $$
begin
  if current_setting('gridhub.timescale_tsl', true) is distinct from 'on' then
    raise notice 'readings compression not enabled: Timescale-License features are not available';
    return;
  end if;
  alter table reading_sets set (timescaledb.compress, timescaledb.compress_segmentby = 'device_id',
                                timescaledb.compress_orderby = 'time desc');
  perform add_compression_policy('reading_sets', interval '7 days');
exception when others then
  raise notice 'readings compression not enabled: %', sqlerrm;
end $$;
