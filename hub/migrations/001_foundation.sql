-- GridHub foundation schema: plain PostgreSQL >= 14 (TimescaleDB-only statements live in timescale/).

create table settings (
  key   text primary key,
  value text not null
);

-- Grid hierarchy: district (6) → street (9) → community (12) → unit grid (15 digits). GeoJSON in WGS-84.
create table grids (
  code        text primary key check (code ~ '^[0-9]+$'),
  name        text not null,
  level       text not null check (level in ('district', 'street', 'community', 'grid')),
  parent_code text references grids (code),
  geometry    jsonb not null,
  check ((level = 'district') = (parent_code is null))
);
create index grids_parent_idx on grids (parent_code);

create table devices (
  id           text primary key check (id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  family       text not null check (family in ('air', 'water', 'video', 'emergency')),
  name         text not null,
  lon          double precision not null check (lon between -180 and 180),
  lat          double precision not null check (lat between -90 and 90),
  grid_code    text references grids (code),
  attributes   jsonb not null default '{}',
  enabled      boolean not null default true,
  secret_hash  text not null,
  created_at   timestamptz not null default now(),
  last_seen_at timestamptz
);
create index devices_family_idx on devices (family);
create index devices_grid_idx on devices (grid_code);

-- Narrow readings: one row per (device, metric, device time). Idempotent on that key.
-- Byte-order ("C") collation on the key columns: ids need no linguistic order, and comparisons are cheaper.
create table readings (
  time        timestamptz not null,
  device_id   text collate "C" not null,
  metric      text collate "C" not null,
  value       double precision not null,
  received_at timestamptz not null,
  flags       smallint not null default 0,
  primary key (device_id, metric, time)
);

create table events (
  time        timestamptz not null,
  device_id   text collate "C" not null,
  type        text collate "C" not null,
  received_at timestamptz not null,
  flags       smallint not null default 0,
  payload     jsonb not null default '{}',
  primary key (device_id, type, time)
);

create table dead_letters (
  id          bigserial primary key,
  received_at timestamptz not null,
  device_id   text,
  topic       text not null,
  reason      text not null,
  payload     text not null
);
create index dead_letters_device_idx on dead_letters (device_id, id desc);

create table rules (
  id                serial primary key,
  name              text not null,
  family            text not null check (family in ('air', 'water', 'video', 'emergency')),
  metric            text not null,
  operator          text not null check (operator in ('above', 'below')),
  threshold         double precision not null,
  severity          text not null check (severity in ('blue', 'yellow', 'orange', 'red')),
  incident_category text,
  enabled           boolean not null default true
);

create table workers (
  id           uuid primary key,
  name         text not null,
  phone        text,
  on_duty      boolean not null default false,
  lon          double precision,
  lat          double precision,
  last_seen_at timestamptz
);

create table worker_grids (
  worker_id uuid not null references workers (id) on delete cascade,
  grid_code text not null references grids (code),
  primary key (worker_id, grid_code)
);
create index worker_grids_grid_idx on worker_grids (grid_code);

create table accounts (
  id            uuid primary key default gen_random_uuid(),
  username      text not null unique check (username ~ '^[A-Za-z0-9_.-]{2,64}$'),
  password_hash text not null,
  role          text not null check (role in ('admin', 'dispatcher', 'shift_lead', 'bureau_analyst', 'grid_worker')),
  display_name  text not null,
  grid_scope    text references grids (code),
  worker_id     uuid references workers (id),
  created_at    timestamptz not null default now(),
  check ((role = 'grid_worker') = (worker_id is not null))
);

create sequence incident_code_seq;

create table incidents (
  id                 uuid primary key default gen_random_uuid(),
  code               text not null unique,
  category           text not null,
  title              text not null,
  description        text not null default '',
  priority           text not null check (priority in ('low', 'normal', 'high', 'urgent')),
  status             text not null,
  source             text not null,
  source_ref         text unique,
  lon                double precision not null,
  lat                double precision not null,
  grid_code          text references grids (code),
  assignee_worker_id uuid references workers (id),
  created_at         timestamptz not null,
  updated_at         timestamptz not null,
  dispatched_at      timestamptz,
  due_at             timestamptz,
  overdue            boolean not null default false
);
create index incidents_status_idx on incidents (status, created_at desc);
create index incidents_assignee_idx on incidents (assignee_worker_id) where assignee_worker_id is not null;

create table incident_events (
  id          bigserial primary key,
  incident_id uuid not null references incidents (id),
  action      text not null,
  from_status text,
  to_status   text,
  actor       text not null,
  at          timestamptz not null,
  detail      jsonb not null default '{}'
);
create index incident_events_incident_idx on incident_events (incident_id, id);

create table alerts (
  id          bigserial primary key,
  rule_id     integer not null references rules (id),
  device_id   text not null references devices (id),
  status      text not null check (status in ('raised', 'acknowledged', 'cleared')),
  value       double precision not null,
  raised_at   timestamptz not null,
  updated_at  timestamptz not null,
  cleared_at  timestamptz,
  incident_id uuid references incidents (id)
);
-- One active alert per (rule, device): a repeat breach updates it.
create unique index alerts_active_idx on alerts (rule_id, device_id) where status <> 'cleared';
