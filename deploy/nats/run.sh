#!/bin/sh
# Starts nats-server for the cluster profile and reloads it (SIGHUP) whenever GridHub rewrites the users file it
# issues (NATS_ACCOUNTS_FILE in a volume the nodes share): a hub in another container cannot signal this process.
set -eu
users=/etc/nats/accounts/users.conf
mkdir -p /etc/nats/accounts
chown 1000:1000 /etc/nats/accounts # the hub runs as the image's node user (uid 1000) and replaces the file
# Until the hub has written it: only the hub's own login, so that the hub can connect.
[ -s "$users" ] || printf 'users = [ { user: "%s", password: "%s" } ]\n' "$GRIDHUB_NATS_USER" "$GRIDHUB_NATS_PASSWORD" > "$users"
nats-server -c /etc/nats/nats.conf &
pid=$!
trap 'kill -TERM $pid; wait $pid; exit 0' TERM INT
last=$(md5sum "$users" | cut -d' ' -f1)
while kill -0 "$pid" 2>/dev/null; do
  sleep 2
  now=$(md5sum "$users" 2>/dev/null | cut -d' ' -f1 || true)
  if [ -n "$now" ] && [ "$now" != "$last" ]; then
    last=$now
    kill -HUP "$pid"
  fi
done
wait "$pid"
