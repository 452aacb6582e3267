#!/usr/bin/env bash
# Measures the agent launcher on this machine: launch latency (from starting `pd spawn --detach` to the agent's
# first instruction) and kill-to-gone (from `pd spawn kill` to the run ended with its whole tree gone), each as the
# median of N runs, against a private daemon. Usage: scripts/measure-launch.sh [BIN_DIR] [N]
set -euo pipefail
BIN=${1:-.build/debug}
N=${2:-20}
BIN=$(cd "$BIN" && pwd)
WORK=$(mktemp -d /tmp/pd-measure-XXXXXX)
trap 'PORT_DADDY_HOME=$WORK/home "$BIN/pd" stop >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
export PORT_DADDY_HOME=$WORK/home PORT_DADDY_PORT=0 PORT_DADDY_PROXY_PORT=0 PORT_DADDY_STOP_GRACE=5
mkdir -p "$PORT_DADDY_HOME"
"$BIN/pd" start >/dev/null
# The agent's first instruction writes the clock; then it waits to be killed (it handles SIGTERM at once).
cat > "$WORK/agent.sh" <<'AGENT'
#!/bin/sh
date +%s%N > "$STAMP"
echo '{"pd_usage":{"input":1,"output":1}}' >&3
exec sleep 300
AGENT
chmod +x "$WORK/agent.sh"
launch=() ; killed=()
for i in $(seq 1 "$N"); do
  export STAMP=$WORK/stamp.$i
  t0=$(date +%s%N)
  id=$("$BIN/pd" spawn --backend custom --budget 1 --telemetry report --task "measure" --detach -- "$WORK/agent.sh")
  while [ ! -s "$STAMP" ]; do sleep 0.001; done
  launch+=($(( ($(cat "$STAMP") - t0) / 1000 )))
  t1=$(date +%s%N)
  "$BIN/pd" spawn kill "$id" >/dev/null
  killed+=($(( ($(date +%s%N) - t1) / 1000 )))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "launch latency (pd spawn --detach start → agent's first instruction), median of $N: $(median "${launch[@]}") µs"
echo "kill-to-gone (pd spawn kill → run ended, tree gone), median of $N: $(median "${killed[@]}") µs"
