-- HJ 633—2026 (环境空气质量指数 AQI 技术规定) replaces HJ 633-2012 for data from 2026-03-01 00:00 Asia/Shanghai on
-- (docs/domain/air-quality.md). Reports stored before this release for those hours were computed under 2012 rules:
-- every air station hour with data from then on is marked for recomputation, and the hub's AQI job (every minute)
-- recomputes them under the edition in force for their time, logging how many reports it changed. An administrator
-- can run the same job on demand: POST /api/v1/air/aqi/recompute answers with the counts.
insert into aqi_dirty (device_id, hour)
  select distinct h.device_id, h.bucket
    from readings_hourly h join devices d on d.id = h.device_id collate "C"
   where d.family = 'air' and h.bucket >= timestamptz '2026-03-01 00:00:00+08'
on conflict do nothing;
