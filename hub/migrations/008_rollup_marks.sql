-- rollup_dirty becomes append-only marks. With a unique key, an ingest batch's `insert … on conflict do nothing`
-- had to wait for the roll-up job's transaction whenever that transaction had taken (deleted) the same
-- (device, hour): every batch of a busy device stalled for the whole recomputation (seconds under load). Without
-- one, ingest never waits; the job reads the marks in a repeatable-read snapshot, recomputes from the same
-- snapshot and deletes only the marks it saw, so a mark committed after its snapshot (with readings it did not
-- see) stays for the next run.
alter table rollup_dirty drop constraint rollup_dirty_pkey;
create index rollup_dirty_hour_idx on rollup_dirty (hour, device_id);
