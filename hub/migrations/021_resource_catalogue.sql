-- The shared catalogue of video and sensing resources (视频监控与感知数据资源目录): every device with its owner
-- department, access class and stream links; departments see their own resources, the shared ones, and others'
-- through an approved request with an expiry (docs/catalogue.md).

-- The department an account works for (its resources, its requests); null for accounts of no department.
alter table accounts add column department_code text references departments (code);

insert into departments (code, name_zh, name_en, contact_name, contact_phone) values
  ('command_centre', '城市运行管理服务中心', 'City operations management centre', '总值班室', '0351-12345')
on conflict (code) do nothing;

-- Access classes of government information resources (政务信息资源共享管理暂行办法, 国发〔2016〕51号):
-- shared = 无条件共享 (every department), conditional = 有条件共享 (by an approved request), restricted = 不予共享
-- (the owner only).
create table catalogue_entries (
  device_id        text primary key references devices (id) on delete cascade,
  owner_department text references departments (code),
  access_class     text not null check (access_class in ('shared', 'conditional', 'restricted')),
  rtsp_url         text check (rtsp_url ~ '^rtsps?://'),
  hls_url          text check (hls_url ~ '^(https?://|/)'),
  -- GB/T 28181-2016 device/channel id: 20 digits
  gb28181_channel  text check (gb28181_channel ~ '^[0-9]{20}$'),
  updated_at       timestamptz not null default now(),
  updated_by       text not null default 'system'
);
create index catalogue_entries_owner_idx on catalogue_entries (owner_department);

-- Every device gets its entry when registered, with its family's default owner and class (docs/catalogue.md);
-- an administrator changes it with PUT /api/v1/catalogue/{deviceId}.
create function catalogue_entry_for_device() returns trigger language plpgsql as $$
declare
  owner text;
  channel text;
begin
  owner := case new.family
    when 'air' then 'environment_bureau'
    when 'water' then 'water_bureau'
    when 'video' then 'public_security'
    else case new.attributes ->> 'sensor'
      when 'smoke' then 'fire_rescue'
      when 'gas' then 'gas_company'
      when 'manhole' then 'municipal_facilities'
      when 'waterlogging' then 'water_bureau'
      when 'tilt' then 'housing_bureau'
      else 'urban_management' end
  end;
  if not exists (select 1 from departments where code = owner) then owner := null; end if;
  channel := substring(new.attributes ->> 'stream' from '^gb28181:([0-9]{20})$');
  insert into catalogue_entries (device_id, owner_department, access_class, gb28181_channel)
  values (new.id, owner, case new.family when 'video' then 'conditional' else 'shared' end, channel)
  on conflict (device_id) do nothing;
  return null;
end $$;

create trigger devices_catalogue_entry after insert on devices for each row execute function catalogue_entry_for_device();

-- Devices registered before this migration.
insert into catalogue_entries (device_id, owner_department, access_class, gb28181_channel)
select d.id,
       (select code from departments where code = case d.family when 'air' then 'environment_bureau' when 'water' then 'water_bureau'
                                                               when 'video' then 'public_security' else 'urban_management' end),
       case d.family when 'video' then 'conditional' else 'shared' end,
       substring(d.attributes ->> 'stream' from '^gb28181:([0-9]{20})$')
  from devices d
on conflict (device_id) do nothing;

-- A department's request to use another department's conditional resource; approved by the owner department
-- (or an administrator) until an expiry.
create table catalogue_access_requests (
  id               bigserial primary key,
  device_id        text not null references devices (id) on delete cascade,
  department_code  text not null references departments (code),
  reason           text not null check (length(reason) between 1 and 500),
  status           text not null check (status in ('pending', 'approved', 'rejected', 'revoked')),
  requested_by     text not null,
  requested_at     timestamptz not null,
  decided_by       text,
  decided_at       timestamptz,
  expires_at       timestamptz,
  check (status <> 'approved' or expires_at is not null)
);
create index catalogue_access_requests_grant_idx on catalogue_access_requests (department_code, device_id) where status = 'approved';
create unique index catalogue_access_requests_pending_idx on catalogue_access_requests (department_code, device_id) where status = 'pending';
