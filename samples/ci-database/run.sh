#!/usr/bin/env bash
# An ephemeral CI database: claim a port for this run (ci:db:$RUN_ID), start a throw-away database server on it
# (db_server.py: an in-memory SQLite spoken over TCP, one SQL statement per line), run a "test suite" against it,
# then stop the server and release the claim: the port is free again for the next run.
#
# Uses only the pd CLI (from $PD, else PATH), python3 for the stand-in server and bash's /dev/tcp for the client.
# Env: RUN_ID (default: this shell's PID).
set -euo pipefail
PD=${PD:-pd}
RUN_ID=${RUN_ID:-$$}
here=$(cd "$(dirname "$0")" && pwd)
identity="ci:db:$RUN_ID"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  "$PD" release "$identity" >/dev/null 2>&1 || true
}
trap cleanup EXIT

port=$("$PD" claim "$identity" -q)
echo "claimed $identity: port $port"

python3 "$here/db_server.py" "$port" &
server=$!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
echo "database listening on 127.0.0.1:$port (pid $server)"

# The "test suite": one connection, one statement per line, one answer line per statement.
exec 3<>"/dev/tcp/127.0.0.1/$port"
query() {
  echo "$1" >&3
  IFS= read -r answer <&3
  echo "$answer"
}
query "CREATE TABLE users (name TEXT)" >/dev/null
query "INSERT INTO users VALUES ('ada'), ('grace')" >/dev/null
result=$(query "SELECT count(*) FROM users")
exec 3>&-
if [ "$result" != '[[2]]' ]; then
  echo "FAILED: expected [[2]], got $result" >&2
  exit 1
fi
echo "test passed: SELECT count(*) FROM users -> $result"

kill "$server"
wait "$server" 2>/dev/null || true
server=""
"$PD" release "$identity" >/dev/null
if "$PD" find "$identity" 2>/dev/null | grep -qF "$identity"; then
  echo "FAILED: $identity is still claimed" >&2
  exit 1
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "FAILED: something still listens on $port" >&2
  exit 1
fi
echo "released $identity; port $port is free"
