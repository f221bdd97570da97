-- GB/T 35965.1-2018 early-warning messages: each message of a warning (Alert, Update, Cancel) gets its identifier
-- ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N once, when first asked for, and keeps it; N is the 0–9 sequence of the hub's
-- messages entered in the same second (docs/domain/early-warning.md).
create table warning_messages (
  alert_id       bigint not null references alerts (id) on delete cascade,
  msg_type       text not null check (msg_type in ('Alert', 'Update', 'Cancel')),
  sent_at        timestamptz not null,
  entered_second timestamptz not null,
  sequence       smallint not null check (sequence between 0 and 9),
  primary key (alert_id, msg_type, sent_at),
  unique (entered_second, sequence)
);
