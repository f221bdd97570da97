-- Grid hierarchy with a city level and responsible parties; departments (专业部门); workers with primary and
-- backup grids, skills, status, duty shifts and a location trail; indicator support; Open311 tokens.

-- City (GB/T 2260 prefecture code, XXXX00) → district → street → community → unit grid. A district may stand
-- alone (no city row) as in the demo city.
alter table grids drop constraint if exists grids_level_check;
alter table grids drop constraint if exists grids_check;
alter table grids add constraint grids_level_check check (level in ('city', 'district', 'street', 'community', 'grid'));
alter table grids add constraint grids_parent_check check (
  case level when 'city' then parent_code is null when 'district' then true else parent_code is not null end
);

create table departments (
  code          text primary key check (code ~ '^[A-Za-z0-9_.-]{1,32}$'),
  name_zh       text not null,
  name_en       text not null,
  -- Incident category codes this department handles (专业处置).
  categories    text[] not null default '{}',
  contact_name  text,
  contact_phone text,
  created_at    timestamptz not null default now()
);
create index departments_categories_idx on departments using gin (categories);

-- The demo city's departments: the ones the category taxonomy (005) routes specialist work to.
insert into departments (code, name_zh, name_en, contact_name, contact_phone) values
  ('environment_bureau', '生态环境局', 'Ecology and environment bureau', '值班室', '0351-12369'),
  ('water_bureau', '水务局', 'Water bureau', '防汛值班室', '0351-12314'),
  ('sanitation', '环境卫生服务中心', 'Sanitation service centre', '调度室', '0351-12319'),
  ('traffic_police', '交警支队', 'Traffic police', '指挥中心', '0351-122'),
  ('urban_management', '城市管理综合行政执法局', 'Urban management law enforcement', '指挥中心', '0351-12319'),
  ('public_security', '公安分局', 'Public security', '指挥中心', '0351-110'),
  ('fire_rescue', '消防救援支队', 'Fire and rescue', '指挥中心', '0351-119'),
  ('gas_company', '燃气公司', 'Gas company', '抢修热线', '0351-96777'),
  ('housing_bureau', '住房和城乡建设局', 'Housing and construction bureau', '值班室', '0351-12345'),
  ('municipal_facilities', '市政设施管理中心', 'Municipal facilities centre', '调度室', '0351-12319');
update departments d set categories = coalesce(
  (select array_agg(c.code order by c.code) from incident_categories c where c.department_code = d.code), '{}');

-- Responsible party of a grid (责任主体). Empty: the parent's applies (属地兜底).
alter table grids add column responsible_name text;
alter table grids add column responsible_phone text;
alter table grids add column responsible_department text references departments (code);
alter table grids add column updated_at timestamptz;

alter table workers add column status text not null default 'available' check (status in ('available', 'busy', 'off'));
alter table workers add column skills text[] not null default '{}';
alter table workers add column department_code text references departments (code);
alter table workers add column location_at timestamptz;

-- A worker's grids: primary (their own) or backup (covers when the primary worker is away).
alter table worker_grids add column role text not null default 'primary' check (role in ('primary', 'backup'));

-- Weekly duty schedule in China Standard Time (UTC+8): ISO weekday 1 = Monday; `ends` before `starts` crosses
-- midnight into the next day. A worker without shift rows is on duty whenever the on_duty flag says so.
create table worker_shifts (
  id        bigserial primary key,
  worker_id uuid not null references workers (id) on delete cascade,
  weekday   smallint not null check (weekday between 1 and 7),
  starts    time not null,
  ends      time not null,
  check (starts <> ends)
);
create index worker_shifts_worker_idx on worker_shifts (worker_id);

-- Positions reported by tablets (MQTT gridhub/v1/workers/{id}/location or HTTP). Idempotent on (worker, time).
create table worker_locations (
  worker_id   uuid not null references workers (id) on delete cascade,
  at          timestamptz not null,
  lon         double precision not null check (lon between -180 and 180),
  lat         double precision not null check (lat between -90 and 90),
  accuracy_m  real,
  received_at timestamptz not null,
  primary key (worker_id, at)
);

-- Indicators over a period and a part of the hierarchy: a code-prefix range scan on the unit grid, by report time.
create index incidents_grid_period_idx on incidents (grid_code text_pattern_ops, created_at);
create index incidents_assignee_period_idx on incidents (assignee_worker_id, created_at) where assignee_worker_id is not null;
create index incidents_department_period_idx on incidents (department_code, created_at) where department_code is not null;

-- Open311 GeoReport v2 requests (the incident holds the report and the reporter's contact; this keeps what the
-- GeoReport protocol adds): the token handed to the citizen (GET tokens/{token}), the address as given, the client.
create table open311_requests (
  incident_id    uuid primary key references incidents (id),
  token          text not null unique,
  api_key        text,
  address        text,
  address_id     text,
  zipcode        text,
  media_url      text,
  device_id      text,
  account_id     text,
  attributes     jsonb not null default '{}',
  requested_at   timestamptz not null
);
