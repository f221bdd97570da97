-- Kiosk tokens: a wall screen of the command centre opens the city overview without anyone logging in. An
-- administrator issues a token (256 random bits, shown once, kept only as its SHA-256), optionally confined to a
-- part of the grid hierarchy and with an end date, and revokes it at will. The screen exchanges it for a short
-- access token with the role `kiosk`, which the hub accepts only on the overview's data and live events.
create table kiosk_tokens (
  id           uuid primary key default gen_random_uuid(),
  name         text not null check (length(name) between 1 and 64),
  token_hash   bytea not null unique,
  grid_scope   text references grids (code),
  created_by   text not null,
  created_at   timestamptz not null,
  expires_at   timestamptz,
  revoked_at   timestamptz,
  revoked_by   text,
  last_used_at timestamptz,
  last_used_ip text
);
create index kiosk_tokens_active_idx on kiosk_tokens (created_at desc) where revoked_at is null;
