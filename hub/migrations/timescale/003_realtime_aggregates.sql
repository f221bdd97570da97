-- Where the roll-ups are continuous aggregates (Timescale licence, 002), answer with real-time aggregation: the
-- buckets their refresh policies have not materialized yet — the last hour and the last two days, by the policies'
-- end offsets — are computed from raw readings at query time. TimescaleDB (2.13 on) creates continuous aggregates
-- materialized-only, so charts lacked the open hour and the last days there, while the hub's own roll-ups (plain
-- PostgreSQL, the Apache edition) have them within a minute. Elsewhere nothing to do.
do $$
begin
  if (select relkind from pg_class where oid = to_regclass('readings_hourly')) is distinct from 'v' then
    return;
  end if;
  alter materialized view readings_hourly set (timescaledb.materialized_only = false);
  alter materialized view readings_daily set (timescaledb.materialized_only = false);
exception when others then
  raise notice 'real-time aggregation not enabled on the roll-ups: %', sqlerrm;
end $$;
