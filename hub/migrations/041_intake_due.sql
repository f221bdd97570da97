-- The intake deadline (受理时限) of a report that waits for the command centre (public, 12345, patrol): by then it
-- should be sent for verification, filed or voided. The category's dispatch limit on its basis (working or
-- natural time), set at intake; 按时受理率 (docs/domain/indicators.md) compares the first intake action with it.
alter table incidents add column intake_due_at timestamptz;

-- Reports from before: their limit in natural minutes (the working calendar is not known to SQL).
update incidents i set intake_due_at = i.created_at + c.dispatch_minutes * interval '1 minute'
  from incident_categories c
 where c.code = i.category and i.source in ('public', 'hotline', 'patrol') and not i.emergency;
