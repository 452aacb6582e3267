#!/usr/bin/env bash
# Reproduces the "Cluster mode" figures of docs/BENCHMARKS.md: builds a release pd, starts a private PostgreSQL
# (initdb in a temp dir, a free port), two daemons that join it as nodes a and b, one daemon that runs alone, and a
# private Redis, then runs `pd bench --only cluster` against node a with node b as the peer. Everything is measured
# in the same run by the same client code; the ratios are what to compare across machines.
# Never touches ~/.port-daddy or port 9876. Arguments go to `pd bench` (e.g. --iterations 2000).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if ((${#need[@]})); then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}"
fi
pgbin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
out="${BENCH_OUT:-bench-out}"
mkdir -p "$out"
swift build -c release --static-swift-stdlib --product pd-daemon 2>&1 | grep -E "error:|complete" | tail -3
swift build -c release --static-swift-stdlib --product pd 2>&1 | grep -E "error:|complete" | tail -2
pd="$PWD/.build/release/pd"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
work=$(mktemp -d /tmp/pdcluster-XXXXXX)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$work"
  as_pg=(setpriv --reuid=postgres --regid=postgres --clear-groups)
fi
pg_port=$(free_port)
password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
"${as_pg[@]}" "$pgbin/initdb" -D "$work/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >"$out/initdb.log"
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -l "$work/postgres.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1" start >/dev/null
psql -h "$work" -p "$pg_port" -U postgres -qc "CREATE ROLE pd LOGIN PASSWORD '$password'" -c "CREATE DATABASE pd OWNER pd"
printf '%s\n' "$password" >"$work/password" && chmod 600 "$work/password"
redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >"$out/redis.log" 2>&1 &
redis_pid=$!
homes=("$work/a" "$work/b" "$work/alone")
cleanup() {
  for home in "${homes[@]}"; do PORT_DADDY_HOME=$home "$pd" stop >/dev/null 2>&1 || true; done
  kill "$redis_pid" 2>/dev/null || true
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "${homes[@]}"
node() { # name: starts a daemon that joins the cluster as that node
  PORT_DADDY_HOME="$work/$1" PORT_DADDY_PORT=0 PORT_DADDY_PROXY_PORT=0 PORT_DADDY_NODE="$1" \
    PORT_DADDY_CLUSTER_URL="postgres://pd@127.0.0.1:$pg_port/pd" PORT_DADDY_CLUSTER_PASSWORD_FILE="$work/password" "$pd" start >/dev/null
}
node a
node b
PORT_DADDY_HOME="$work/alone" PORT_DADDY_PORT=0 PORT_DADDY_PROXY_PORT=0 "$pd" start >/dev/null
for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done
PORT_DADDY_HOME="$work/a" "$pd" bench --only cluster --cluster-peer "$work/b/pd.sock" --single-node "$work/alone/pd.sock" \
  --redis "127.0.0.1:$redis_port" --json "$@" >"$out/pd-bench-cluster.json"
python3 - "$out/pd-bench-cluster.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
def us(micros): return f"{micros:,.0f} µs"
print("| series | p50 | p99 |")
print("|---|---|---|")
for row in report["rows"]:
    lat = row.get("latency")
    if lat: print(f"| {row['label']} | {us(lat['p50'])} | {us(lat['p99'])} |")
print()
for ratio in report.get("ratios", []):
    if ratio.get("value") is not None: print(f"- {ratio['label']}: {ratio['value']:.2f} ×")
PY
