-- Retired by migration 050. Here the roll-ups used to become continuous aggregates on a licensed TimescaleDB; since
-- readings are stored a row per message (`reading_sets`, its metrics and values as arrays) an aggregate per metric
-- needs an unnest of those arrays, which TimescaleDB does not allow in a continuous aggregate. The roll-ups are the
-- hub's tables on every path (kept by its roll-up job, late data included); 050 turned aggregates made before it
-- into such tables, keeping their contents. Kept as an empty step so the recorded migration list stays the same.
select 1;
