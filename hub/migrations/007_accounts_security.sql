-- Accounts: lock-out after repeated failed logins, disabling, refresh tokens and an audit log.

alter table accounts
  add column failed_logins integer not null default 0,
  add column locked_until  timestamptz,
  add column disabled      boolean not null default false,
  add column updated_at    timestamptz not null default now();

-- Refresh tokens are random 256-bit values; only their SHA-256 is kept. Each use rotates the token; a token
-- used twice (stolen and replayed) revokes its whole family.
create table refresh_tokens (
  id          uuid primary key default gen_random_uuid(),
  family      uuid not null,
  account_id  uuid not null references accounts (id) on delete cascade,
  token_hash  bytea not null unique,
  created_at  timestamptz not null,
  expires_at  timestamptz not null,
  used_at     timestamptz,
  revoked_at  timestamptz
);
create index refresh_tokens_account_idx on refresh_tokens (account_id) where revoked_at is null;
create index refresh_tokens_family_idx on refresh_tokens (family);

-- Who did what: logins (success, failure, lock-out) and administrative changes. Append-only.
create table audit_log (
  id        bigserial primary key,
  at        timestamptz not null,
  actor     text not null,
  action    text not null,
  target    text,
  ip        text,
  detail    jsonb not null default '{}'
);
create index audit_log_at_idx on audit_log (at desc);
create index audit_log_target_idx on audit_log (target, at desc);
