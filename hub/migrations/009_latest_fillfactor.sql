-- latest_readings is rewritten by nearly every ingest batch: one update per device and metric the batch holds
-- (with thousands of devices, as many updates as readings). At the default fillfactor (100) its pages are full,
-- so only about a third of those updates could stay on their page (HOT) and the rest also wrote a new entry into
-- the primary-key index. With half of each page left free every update stays HOT (measured on PostgreSQL 15,
-- batches of 587 messages from 587 devices, 8 readings each: the upsert of their 4,696 latest values took
-- 20 instead of 29 ms, 34 % → 100 % HOT). New pages get the free space; existing ones as they are rewritten.
alter table latest_readings set (fillfactor = 50);
