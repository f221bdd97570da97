-- The seven-step incident loop (../shared/domain/governance.md): category taxonomy with time limits per step,
-- step timestamps and counters on incidents (read by the indicators), place/note/attachments on the trail,
-- attachments. Plain PostgreSQL; runs on embedded PGlite too.

-- 大类/小类 with default priority, specialist department and time limits per step (minutes; fractions allowed so
-- a test city can run on seconds). Values are the demo city's (CJ/T 315 sets the framework, each city its numbers).
create table incident_categories (
  code                   text primary key check (code ~ '^[a-z][a-z0-9_]{1,63}$'),
  kind                   text not null check (kind in ('event', 'component')),  -- 事件 / 部件
  major_code             text not null,
  major_name_zh          text not null,
  major_name_en          text not null,
  name_zh                text not null,
  name_en                text not null,
  default_priority       text not null check (default_priority in ('low', 'normal', 'high', 'urgent')),
  department_code        text,                                             -- 专业部门 for specialist work
  skill                  text,                                             -- worker skill that fits it
  emergency              boolean not null default false,                  -- skip verification, dispatch at once
  verify_minutes         numeric not null check (verify_minutes > 0),     -- 核实
  dispatch_minutes       numeric not null check (dispatch_minutes > 0),   -- 立案 → 派遣
  accept_minutes         numeric not null check (accept_minutes > 0),     -- 派遣 → 接单, then a backup
  handle_urgent_minutes  numeric not null check (handle_urgent_minutes > 0), -- 处置, by priority
  handle_high_minutes    numeric not null check (handle_high_minutes > 0),
  handle_normal_minutes  numeric not null check (handle_normal_minutes > 0),
  handle_low_minutes     numeric not null check (handle_low_minutes > 0),
  reinspect_minutes      numeric not null check (reinspect_minutes > 0), -- 核查
  enabled                boolean not null default true
);

insert into incident_categories (code, kind, major_code, major_name_zh, major_name_en, name_zh, name_en, default_priority,
                                 department_code, skill, emergency, verify_minutes, dispatch_minutes, accept_minutes,
                                 handle_urgent_minutes, handle_high_minutes, handle_normal_minutes, handle_low_minutes,
                                 reinspect_minutes)
values
  -- sensing (a breach is its own verification)
  ('air_pollution', 'event', 'ecology', '生态环境', 'Ecology and environment', '大气污染', 'Air pollution', 'high',
   'environment_bureau', 'environment', false, 60, 30, 15, 120, 240, 1440, 4320, 240),
  ('water_pollution', 'event', 'ecology', '生态环境', 'Ecology and environment', '水体污染', 'Water pollution', 'high',
   'environment_bureau', 'environment', false, 60, 30, 15, 120, 240, 1440, 4320, 240),
  ('flood_warning', 'event', 'ecology', '生态环境', 'Ecology and environment', '水位超警', 'Water level warning', 'high',
   'water_bureau', 'water', false, 30, 15, 10, 60, 120, 720, 1440, 120),
  -- city appearance and environment (市容环境)
  ('garbage_exposed', 'event', 'city_appearance', '市容环境', 'City appearance and environment', '暴露垃圾', 'Exposed garbage', 'normal',
   'sanitation', 'sanitation', false, 60, 30, 30, 60, 120, 240, 480, 120),
  ('garbage_overflow', 'event', 'city_appearance', '市容环境', 'City appearance and environment', '垃圾满溢', 'Garbage bin overflow', 'normal',
   'sanitation', 'sanitation', false, 60, 30, 30, 60, 120, 240, 480, 120),
  -- street order (街面秩序)
  ('illegal_parking', 'event', 'street_order', '街面秩序', 'Street order', '违章停车', 'Illegal parking', 'normal',
   'traffic_police', null, false, 30, 15, 15, 30, 60, 120, 240, 60),
  ('street_vending', 'event', 'street_order', '街面秩序', 'Street order', '占道经营', 'Street vending', 'normal',
   'urban_management', null, false, 30, 15, 15, 30, 60, 120, 240, 60),
  ('crowd_gathering', 'event', 'street_order', '街面秩序', 'Street order', '人员聚集', 'Crowd gathering', 'high',
   'public_security', null, false, 15, 10, 10, 30, 60, 120, 240, 60),
  ('intrusion', 'event', 'street_order', '街面秩序', 'Street order', '非法闯入', 'Intrusion', 'high',
   'public_security', null, false, 15, 10, 10, 30, 60, 120, 240, 60),
  -- construction (施工管理)
  ('illegal_structure', 'event', 'construction', '施工管理', 'Construction', '私搭乱建', 'Illegal structure', 'normal',
   'urban_management', null, false, 240, 60, 60, 1440, 2880, 7200, 14400, 1440),
  -- emergencies (突发事件): sensor alarms skip verification
  ('smoke_fire', 'event', 'emergency', '突发事件', 'Emergencies', '烟雾火情', 'Smoke or fire', 'urgent',
   'fire_rescue', 'first_aid', true, 10, 5, 5, 30, 60, 120, 240, 60),
  ('smoke_alarm', 'event', 'emergency', '突发事件', 'Emergencies', '烟感报警', 'Smoke alarm', 'urgent',
   'fire_rescue', 'first_aid', true, 10, 5, 5, 30, 60, 120, 240, 60),
  ('gas_leak', 'event', 'emergency', '突发事件', 'Emergencies', '燃气泄漏', 'Gas leak', 'urgent',
   'gas_company', 'gas', true, 10, 5, 5, 30, 60, 120, 240, 60),
  ('sos_button', 'event', 'emergency', '突发事件', 'Emergencies', '紧急呼救', 'SOS call', 'urgent',
   null, 'first_aid', true, 10, 5, 5, 30, 60, 120, 240, 60),
  ('fallen_person', 'event', 'emergency', '突发事件', 'Emergencies', '人员倒地', 'Fallen person', 'urgent',
   null, 'first_aid', true, 10, 5, 5, 30, 60, 120, 240, 60),
  ('building_tilt', 'event', 'emergency', '突发事件', 'Emergencies', '建筑倾斜', 'Building tilt', 'urgent',
   'housing_bureau', null, true, 10, 5, 5, 60, 120, 240, 480, 120),
  ('waterlogging', 'event', 'emergency', '突发事件', 'Emergencies', '道路积水', 'Flooded road', 'high',
   'water_bureau', 'water', false, 30, 15, 10, 60, 120, 240, 480, 120),
  -- fixed assets (部件)
  ('manhole_cover', 'component', 'public_utilities', '公用设施', 'Public utilities', '井盖缺损', 'Manhole cover missing or damaged', 'high',
   'municipal_facilities', 'facilities', false, 30, 15, 15, 60, 120, 480, 1440, 120),
  ('street_lamp', 'component', 'public_utilities', '公用设施', 'Public utilities', '路灯损坏', 'Street lamp broken', 'normal',
   'municipal_facilities', 'facilities', false, 120, 60, 60, 240, 480, 2880, 4320, 480),
  ('hydrant', 'component', 'public_utilities', '公用设施', 'Public utilities', '消防栓损坏', 'Hydrant damaged', 'high',
   'fire_rescue', 'facilities', false, 60, 30, 30, 120, 240, 1440, 2880, 240),
  ('road_damage', 'component', 'roads_traffic', '道路交通', 'Roads and traffic', '道路破损', 'Road damage', 'normal',
   'municipal_facilities', 'facilities', false, 120, 60, 60, 240, 480, 2880, 4320, 480),
  ('other', 'event', 'other', '其他', 'Other', '其他事件', 'Other', 'normal',
   null, null, false, 120, 60, 60, 240, 480, 2880, 4320, 480);

-- Reporter (citizen contact stored apart so answers can mask it), step deadlines and completion times,
-- counters. `step_seq` numbers each timed step: timers carry it, so a timer of a finished step does nothing.
alter table incidents
  add column reporter_name          text,
  add column reporter_phone         text,
  add column reporter_email         text,
  add column reported_by            text,
  add column department_code        text,
  add column emergency              boolean not null default false,
  add column verifier_worker_id     uuid references workers (id),
  add column reinspector_worker_id  uuid references workers (id),
  add column step_seq               integer not null default 0,
  add column step_started_at        timestamptz,
  add column verify_due_at          timestamptz,
  add column dispatch_due_at        timestamptz,
  add column accept_due_at          timestamptz,
  add column reinspect_due_at       timestamptz,
  add column verification_requested_at timestamptz,
  add column verified_at            timestamptz,
  add column verified_valid         boolean,
  add column filed_at               timestamptz,
  add column voided_at              timestamptz,
  add column accepted_at            timestamptz,
  add column arrived_at             timestamptz,
  add column handled_at             timestamptz,
  add column reinspection_requested_at timestamptz,
  add column reinspected_at         timestamptz,
  add column reinspection_passed    boolean,
  add column closed_at              timestamptz,
  add column evaluated_at           timestamptz,
  add column evaluation_grade       text check (evaluation_grade in ('satisfied', 'basically_satisfied', 'dissatisfied')),
  add column escalated_at           timestamptz,
  add column rework_count           integer not null default 0,
  add column reassign_count         integer not null default 0,
  add column extension_count        integer not null default 0,
  add column extended               boolean not null default false,
  add column extension_pending      jsonb;

alter table incidents add constraint incidents_status_check check (status in
  ('reported', 'verifying', 'filed', 'voided', 'dispatched', 'accepted', 'in_progress', 'handled', 'reinspecting', 'closed', 'evaluated'));

create index incidents_grid_idx on incidents (grid_code, created_at desc);
create index incidents_category_idx on incidents (category, created_at desc);
create index incidents_created_idx on incidents (created_at desc);

-- The trail stays append-only; new columns say where and with what each step was done.
alter table incident_events
  add column lon         double precision check (lon between -180 and 180),
  add column lat         double precision check (lat between -90 and 90),
  add column note        text,
  add column attachments uuid[] not null default '{}',
  -- A timer's own key (supervision warnings, timeouts): a retried job cannot write its entry twice.
  add column timer_key   text;
create unique index incident_events_timer_key_idx on incident_events (timer_key) where timer_key is not null;

-- Photos and other files of an incident. The stored file name is generated; the client's name is kept for
-- display only and never used as a path.
create table attachments (
  id            uuid primary key,
  incident_id   uuid not null references incidents (id),
  storage_name  text not null unique check (storage_name ~ '^[0-9a-f-]{36}\.(jpg|png|webp)$'),
  original_name text not null,
  content_type  text not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
  size_bytes    integer not null check (size_bytes > 0),
  sha256        text not null,
  uploaded_by   text not null,
  uploaded_at   timestamptz not null
);
create index attachments_incident_idx on attachments (incident_id, uploaded_at);
