-- City components (部件): docs/domain/components.md.
--
-- The class table follows GB/T 30428.2's pattern: a two-digit major class (大类) and a two-digit minor class
-- (小类), together a four-digit class code; a component's identifier (部件标识码) is the six-digit administrative
-- division code of its district + the class code + a six-digit serial (16 digits). A fault reported on a component
-- becomes an incident of `incident_category` (default) and goes to the component's owner department first
-- (先属主后属地).
create table component_classes (
  code                text primary key check (code ~ '^\d{4}$'),
  major_code          text not null check (major_code ~ '^\d{2}$' and major_code = left(code, 2)),
  major_name_zh       text not null,
  major_name_en       text not null,
  name_zh             text not null,
  name_en             text not null,
  incident_category   text not null references incident_categories (code),
  default_department  text references departments (code)
);

insert into component_classes (code, major_code, major_name_zh, major_name_en, name_zh, name_en, incident_category, default_department) values
  ('0101', '01', '公用设施', 'Public utilities', '上水井盖', 'Water-supply manhole cover', 'manhole_cover', 'water_bureau'),
  ('0102', '01', '公用设施', 'Public utilities', '污水井盖', 'Sewer manhole cover', 'manhole_cover', 'municipal_facilities'),
  ('0103', '01', '公用设施', 'Public utilities', '雨水井盖', 'Storm-drain manhole cover', 'manhole_cover', 'municipal_facilities'),
  ('0104', '01', '公用设施', 'Public utilities', '雨水箅子', 'Storm-drain grate', 'manhole_cover', 'municipal_facilities'),
  ('0105', '01', '公用设施', 'Public utilities', '电力井盖', 'Power manhole cover', 'manhole_cover', 'municipal_facilities'),
  ('0106', '01', '公用设施', 'Public utilities', '路灯井盖', 'Street-lighting manhole cover', 'manhole_cover', 'municipal_facilities'),
  ('0107', '01', '公用设施', 'Public utilities', '通信井盖', 'Telecom manhole cover', 'manhole_cover', 'municipal_facilities'),
  ('0110', '01', '公用设施', 'Public utilities', '热力井盖', 'District-heating manhole cover', 'manhole_cover', 'municipal_facilities'),
  ('0111', '01', '公用设施', 'Public utilities', '燃气井盖', 'Gas manhole cover', 'manhole_cover', 'gas_company'),
  ('0116', '01', '公用设施', 'Public utilities', '消防栓', 'Fire hydrant', 'hydrant', 'fire_rescue'),
  ('0201', '02', '道路交通', 'Roads and traffic', '路灯', 'Street lamp', 'street_lamp', 'municipal_facilities'),
  ('0202', '02', '道路交通', 'Roads and traffic', '交通信号灯', 'Traffic light', 'other', 'traffic_police'),
  ('0203', '02', '道路交通', 'Roads and traffic', '公交站亭', 'Bus shelter', 'other', 'municipal_facilities'),
  ('0204', '02', '道路交通', 'Roads and traffic', '护栏', 'Guard rail', 'road_damage', 'municipal_facilities'),
  ('0301', '03', '市容环境', 'City appearance', '公共厕所', 'Public toilet', 'other', 'sanitation'),
  ('0302', '03', '市容环境', 'City appearance', '垃圾箱', 'Litter bin', 'other', 'sanitation'),
  ('0303', '03', '市容环境', 'City appearance', '垃圾间', 'Refuse room', 'other', 'sanitation'),
  ('0401', '04', '园林绿化', 'Greenery', '古树名木', 'Heritage tree', 'other', 'urban_management'),
  ('0402', '04', '园林绿化', 'Greenery', '行道树', 'Street tree', 'other', 'urban_management'),
  ('0501', '05', '房屋土地', 'Buildings and land', '宣传栏', 'Notice board', 'other', 'urban_management'),
  ('0601', '06', '其他设施', 'Other facilities', '监控电子眼', 'Surveillance camera', 'other', 'public_security');

-- A component: its identifier, class, owner department (权属部门), place, unit grid (located by the grid index like
-- devices and incidents) and state (部件状态).
create table components (
  id               text primary key check (id ~ '^\d{16}$'),
  class_code       text not null references component_classes (code),
  name             text not null,
  department_code  text references departments (code),
  lon              double precision not null check (lon between -180 and 180),
  lat              double precision not null check (lat between -90 and 90),
  grid_code        text,
  state            text not null default 'normal' check (state in ('normal', 'damaged', 'missing', 'occupied', 'abandoned')),
  address          text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create index components_lat_lon_idx on components (lat, lon);
create index components_grid_idx on components (grid_code);
create index components_class_idx on components (class_code);

-- An incident may name its component: routed to the owner, and the first duplicate signal.
alter table incidents add column component_id text references components (id);
create index incidents_component_open_idx on incidents (component_id, created_at) where component_id is not null;
