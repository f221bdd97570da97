-- Working time (工作时) and suspension (挂账/缓办): docs/working-time.md.
--
-- Each time limit of a category counts working time (the city's working hours on workdays, holidays and make-up
-- workdays from the holiday calendar) or natural time (every minute). A category "around the clock" (24 小时制,
-- emergencies) counts every limit in natural time whatever the limit says.
alter table incident_categories
  add column verify_basis     text not null default 'working' check (verify_basis in ('working', 'natural')),
  add column dispatch_basis   text not null default 'working' check (dispatch_basis in ('working', 'natural')),
  add column accept_basis     text not null default 'working' check (accept_basis in ('working', 'natural')),
  add column handle_basis     text not null default 'working' check (handle_basis in ('working', 'natural')),
  add column reinspect_basis  text not null default 'working' check (reinspect_basis in ('working', 'natural')),
  add column around_the_clock boolean not null default false;

-- Emergencies and the sensing alarms that must be answered at night run around the clock.
update incident_categories set around_the_clock = true
 where emergency or code in ('air_pollution', 'water_pollution', 'flood_warning', 'waterlogging', 'crowd_gathering', 'intrusion');

-- The incident carries how its running step counts (the browser shows it) and its suspension:
-- `suspension` while the clock is stopped ({reason, requestedBy, approvedBy, at, step, elapsedMinutes,
-- remainingMinutes, basis}), `suspension_pending` while a request waits for the shift lead.
alter table incidents
  add column step_basis          text check (step_basis in ('working', 'natural')),
  add column suspended_at        timestamptz,
  add column suspension          jsonb,
  add column suspension_pending  jsonb,
  add column suspension_count    integer not null default 0,
  add column suspended_minutes   numeric not null default 0;

-- The supervisor (监督员) of the supervision centre (监督中心): a field account with a worker record, like a grid
-- worker, who verifies reports on site (核实) and re-inspects handled work (核查); never dispatched to handle.
alter table workers add column duty text not null default 'grid_worker' check (duty in ('grid_worker', 'supervisor'));

alter table accounts drop constraint accounts_role_check;
alter table accounts add constraint accounts_role_check
  check (role in ('admin', 'dispatcher', 'shift_lead', 'bureau_analyst', 'grid_worker', 'supervisor'));
alter table accounts drop constraint accounts_check;
alter table accounts add constraint accounts_worker_check check ((role in ('grid_worker', 'supervisor')) = (worker_id is not null));
