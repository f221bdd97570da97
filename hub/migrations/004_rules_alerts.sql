-- Rules with real semantics (scope, condition kinds, duration, hysteresis, schedule, actions), event rules for
-- video detections and emergency alarms, and the alert lifecycle with its history (alert_events).

-- Rules ---------------------------------------------------------------------------------------------------
alter table rules drop constraint rules_operator_check;
alter table rules rename column operator to kind;
alter table rules add constraint rules_kind_check
  check (kind in ('above', 'below', 'rate_of_change', 'no_data', 'aqi_level', 'water_class'));
-- AQI, water-class and "no data" rules need no single metric.
alter table rules alter column metric drop not null;
-- The raise level: a value (above/below), a rate (rate_of_change), minutes (no_data), an AQI level 1–6
-- (aqi_level) or a target class 1–5 (water_class; null = the station's own target class).
alter table rules alter column threshold drop not null;
alter table rules add column name_en text;
alter table rules add column clear_threshold double precision;
alter table rules add column rate_per text check (rate_per in ('minute', 'hour'));
alter table rules add column rate_direction text check (rate_direction in ('rise', 'fall', 'any'));
alter table rules add column duration_s integer not null default 0 check (duration_s between 0 and 604800);
-- {"days": [1..7 (Monday = 1)], "from": "HH:MM", "to": "HH:MM"} in Asia/Shanghai; null = always active.
alter table rules add column schedule jsonb;
alter table rules add column scope_device_id text references devices (id) on delete cascade;
alter table rules add column scope_grid_code text references grids (code);
alter table rules add column actions text not null default 'both' check (actions in ('notify', 'incident', 'both'));
alter table rules add column notify_bureau text check (notify_bureau in ('environment', 'water'));
alter table rules add column created_at timestamptz not null default now();
alter table rules add column updated_at timestamptz not null default now();
-- Deleted rules stay for the history of their alerts.
alter table rules add column deleted_at timestamptz;
create index rules_enabled_idx on rules (family) where enabled and deleted_at is null;

-- Per (rule, device) evaluation state, durable so that a restart does not forget a breach in progress
-- ("sustained for 10 min") or the previous value a rate of change is measured against.
create table rule_states (
  rule_id      integer not null references rules (id) on delete cascade,
  device_id    text collate "C" not null references devices (id) on delete cascade,
  breach_since timestamptz,
  last_value   double precision,
  last_time    timestamptz,
  primary key (rule_id, device_id)
);

-- Event rules: what a video detection or an emergency alarm of one type becomes.
create table event_rules (
  event_type        text primary key,
  family            text not null check (family in ('video', 'emergency')),
  name_zh           text not null,
  name_en           text not null,
  min_confidence    double precision not null default 0 check (min_confidence between 0 and 1),
  incident_category text,
  severity          text not null check (severity in ('blue', 'yellow', 'orange', 'red')),
  -- Repeats of one situation merge: same camera and type within the window, or within the radius of an open one.
  merge_window_s    integer not null default 1800 check (merge_window_s between 0 and 604800),
  merge_radius_m    double precision not null default 50 check (merge_radius_m between 0 and 10000),
  enabled           boolean not null default true,
  updated_at        timestamptz not null default now()
);

insert into event_rules (event_type, family, name_zh, name_en, min_confidence, incident_category, severity, merge_window_s, merge_radius_m) values
  ('garbage_exposed',   'video', '暴露垃圾',     'Exposed garbage',      0.60, 'garbage_exposed',   'blue',   3600, 30),
  ('illegal_parking',   'video', '违章停车',     'Illegal parking',      0.70, 'illegal_parking',   'blue',   1800, 20),
  ('street_vending',    'video', '占道经营',     'Street vending',       0.70, 'street_vending',    'blue',   3600, 30),
  ('illegal_structure', 'video', '私搭乱建',     'Illegal structure',    0.75, 'illegal_structure', 'yellow', 86400, 30),
  ('waterlogging',      'video', '道路积水',     'Road waterlogging',    0.60, 'waterlogging',      'orange', 3600, 100),
  ('smoke_fire',        'video', '烟火',         'Smoke or fire',        0.50, 'smoke_fire',        'red',    1800, 100),
  ('crowd_gathering',   'video', '人员聚集',     'Crowd gathering',      0.70, 'crowd_gathering',   'orange', 1800, 50),
  ('intrusion',         'video', '区域入侵',     'Intrusion',            0.80, 'intrusion',         'yellow', 900, 30),
  ('fallen_person',     'video', '人员倒地',     'Fallen person',        0.60, 'fallen_person',     'orange', 900, 20),
  ('smoke_alarm',       'emergency', '烟感报警', 'Smoke alarm',          0, 'smoke_alarm',       'red', 3600, 0),
  ('gas_leak',          'emergency', '燃气泄漏', 'Gas leak',             0, 'gas_leak',          'red', 3600, 0),
  ('sos_button',        'emergency', '一键求助', 'SOS button',           0, 'sos_button',        'red', 3600, 0),
  ('manhole_cover',     'emergency', '井盖异常', 'Manhole cover moved',  0, 'manhole_cover',     'red', 3600, 0),
  ('water_logging',     'emergency', '积水超限', 'Water logging',        0, 'waterlogging',      'red', 3600, 0),
  ('building_tilt',     'emergency', '建筑倾斜', 'Building tilt',        0, 'building_tilt',     'red', 3600, 0);

-- Alerts --------------------------------------------------------------------------------------------------
alter table alerts drop constraint alerts_kind_check;
alter table alerts add constraint alerts_kind_check check (kind in ('rule', 'device_offline', 'event'));
alter table alerts add column event_type text;
alter table alerts add constraint alerts_event_kind check ((kind = 'event') = (event_type is not null));
alter table alerts add column source text check (source in ('sensor', 'video', 'emergency', 'device'));
alter table alerts add column severity text check (severity in ('blue', 'yellow', 'orange', 'red'));
alter table alerts add column emergency boolean not null default false;
alter table alerts add column count integer not null default 1;
alter table alerts add column last_value_at timestamptz;
alter table alerts add column acknowledged_at timestamptz;
alter table alerts add column acknowledged_by text;
alter table alerts add column cleared_by text;
-- Where the situation is (a video target position may differ from the camera's); null = the device's position.
alter table alerts add column lon double precision;
alter table alerts add column lat double precision;
alter table alerts add column summary text;
alter table alerts add column detail jsonb not null default '{}';
-- Who made the change being written (set by the writer, consumed and reset by the history trigger).
alter table alerts add column changed_by text;
alter table alerts add column last_actor text;

create unique index alerts_active_event_idx on alerts (device_id, event_type) where status <> 'cleared' and kind = 'event';
create index alerts_status_idx on alerts (status, updated_at desc);
create index alerts_device_idx on alerts (device_id, id desc);

-- Every transition (raise, acknowledge, clear) with actor, time, from, to and value. Written by a trigger so
-- that every writer (rules, events, device liveness, people) leaves the same trace, also in set-based statements.
create table alert_events (
  id          bigserial primary key,
  alert_id    bigint not null references alerts (id),
  action      text not null check (action in ('raise', 'acknowledge', 'clear', 'escalate')),
  from_status text,
  to_status   text not null,
  actor       text not null,
  at          timestamptz not null,
  value       double precision
);
create index alert_events_alert_idx on alert_events (alert_id, id);

create function alerts_take_actor() returns trigger language plpgsql as $$
begin
  new.last_actor := coalesce(new.changed_by, 'system');
  new.changed_by := null;
  return new;
end $$;

create function alerts_record_transition() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into alert_events (alert_id, action, from_status, to_status, actor, at, value)
    values (new.id, 'raise', null, new.status, new.last_actor, new.raised_at, new.value);
  elsif new.status is distinct from old.status then
    insert into alert_events (alert_id, action, from_status, to_status, actor, at, value)
    values (new.id, case new.status when 'acknowledged' then 'acknowledge' when 'cleared' then 'clear' else 'raise' end,
            old.status, new.status, new.last_actor, coalesce(case new.status when 'cleared' then new.cleared_at
                                                                       when 'acknowledged' then new.acknowledged_at end,
                                                                  new.updated_at), new.value);
  elsif new.severity is distinct from old.severity then
    insert into alert_events (alert_id, action, from_status, to_status, actor, at, value)
    values (new.id, 'escalate', old.status, new.status, new.last_actor, new.updated_at, new.value);
  end if;
  return null;
end $$;

create trigger alerts_take_actor before insert or update on alerts for each row execute function alerts_take_actor();
create trigger alerts_record_transition after insert or update on alerts for each row execute function alerts_record_transition();
