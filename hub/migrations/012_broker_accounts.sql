-- A second hash of each device secret, in bcrypt, for an engine that checks device logins itself: the NATS
-- server's MQTT listener reads the users file GridHub writes (NATS_ACCOUNTS_FILE) and understands bcrypt, not
-- argon2id. Filled when a secret is issued (registration, rotation) by a hub on the NATS path (NATS_URL); a device
-- registered before gets one with its next secret rotation. The argon2id hash stays the one GridHub itself checks.
alter table devices add column broker_secret_hash text;
