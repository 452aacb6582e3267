#!/usr/bin/env bash
# Leader election with a Port Daddy lock: WORKERS workers queue for one lock with `pd with-lock --wait`; the holder
# is the leader and prints "leader: <id> token <n>" (its fencing token). The script then kills the leader's whole
# process tree (kill -9): the daemon frees the lock (its owner died; its TTL is short) and exactly one waiting
# worker becomes the new leader, with a larger token.
#
# Uses only the pd CLI (from $PD, else PATH). Env: WORKERS (default 3), LOCK (default samples:leader), TTL (5s).
set -euo pipefail
set -m  # every background worker gets its own process group, so killing the leader kills its whole tree
PD=${PD:-pd}
WORKERS=${WORKERS:-3}
LOCK=${LOCK:-samples:leader}
TTL=${TTL:-5s}
log=$(mktemp)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  rm -f "$log"
}
trap cleanup EXIT

worker() {
  local id=$1
  # with-lock holds the lock while the command runs (renewing it every TTL/3) and gives it PD_LOCK_TOKEN.
  while true; do
    "$PD" with-lock "$LOCK" --wait 60s --ttl "$TTL" -- \
      bash -c 'echo "leader: $1 token $PD_LOCK_TOKEN"; exec sleep 3600' leader "$id" >>"$log" || sleep 0.2
  done
}

# Waits until the log holds $1 leader lines (up to 60 s).
wait_for_leaders() {
  for _ in $(seq 600); do
    [ "$(grep -c '^leader:' "$log" || true)" -ge "$1" ] && return 0
    sleep 0.1
  done
  echo "timed out waiting for leader #$1" >&2
  return 1
}

for i in $(seq "$WORKERS"); do
  worker "worker-$i" &
  pids[i]=$!
  disown "$!"  # no "Killed" job report when it is killed
done

wait_for_leaders 1
first=$(grep '^leader:' "$log" | head -1)
echo "$first"
leader=$(echo "$first" | awk '{print $2}')
token=$(echo "$first" | awk '{print $4}')

echo "killing $leader (kill -9 of its process group)"
kill -KILL -- "-${pids[${leader#worker-}]}"
unset "pids[${leader#worker-}]"

wait_for_leaders 2
sleep 1  # long enough for a second, wrong, leader to show up if the lock let one through
lines=$(grep -c '^leader:' "$log")
second=$(grep '^leader:' "$log" | sed -n 2p)
echo "$second"
new=$(echo "$second" | awk '{print $2}')
newtoken=$(echo "$second" | awk '{print $4}')
if [ "$lines" -ne 2 ] || [ "$new" = "$leader" ] || [ "$newtoken" -le "$token" ]; then
  echo "FAILED: expected exactly one new leader with a larger token; got:" >&2
  cat "$log" >&2
  exit 1
fi
echo "ok: exactly one new leader ($new, token $newtoken > $token)"
