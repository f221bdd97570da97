-- TimescaleDB path: events become a hypertable (1-day chunks). Readings were one too until migration 050 made
-- `readings` a view of `reading_sets` (a row per message); timescale/004 makes `reading_sets` the hypertable,
-- with compression where the Timescale licence allows it. Where this ran before 050 (installs older than it),
-- it had made `readings` a hypertable; 050 moved its rows into `reading_sets` and dropped it.
select create_hypertable('events', by_range('time', interval '1 day'), if_not_exists => true, migrate_data => true);
