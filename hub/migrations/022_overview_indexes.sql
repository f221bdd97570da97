-- The overview's "filed today" and "closed today" count incidents by when they were filed or closed, whenever they
-- were reported: without these the count reads every incident (bench/overview.js, 200,000 incidents).
create index incidents_filed_at_idx on incidents (filed_at) where filed_at is not null;
create index incidents_closed_at_idx on incidents (closed_at) where closed_at is not null;
