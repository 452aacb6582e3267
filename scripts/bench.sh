#!/usr/bin/env bash
# Reproduces docs/BENCHMARKS.md: builds a release pd, starts a private daemon and Google's portserver
# side by side, runs `pd bench` against both, and times `pd claim -q` as a whole process with hyperfine.
# Never touches ~/.port-daddy or port 9876.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v portserver >/dev/null 2>&1 || need+=(python3-portpicker)
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
if ((${#need[@]})); then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}"
fi

swift build -c release --static-swift-stdlib >/dev/null
pd="$PWD/.build/release/pd"
out="${BENCH_OUT:-bench-out}"
mkdir -p "$out"

export PORT_DADDY_HOME
PORT_DADDY_HOME=$(mktemp -d /tmp/pdbench-XXXXXX)
export PORT_DADDY_PORT=0
ps_sock="$PORT_DADDY_HOME-portserver.sock"
portserver --portserver_address "$ps_sock" >"$out/portserver.log" 2>&1 &
ps_pid=$!
cleanup() {
  "$pd" stop >/dev/null 2>&1 || true
  kill "$ps_pid" 2>/dev/null || true
  rm -rf "$PORT_DADDY_HOME" "$ps_sock"
}
trap cleanup EXIT
for _ in $(seq 100); do [ -S "$ps_sock" ] && break; sleep 0.05; done

"$pd" start >/dev/null
sleep 1  # let the daemon settle before reading its idle RSS
"$pd" bench --portserver "$ps_sock" "$@" | tee "$out/pd-bench.txt"
"$pd" bench --portserver "$ps_sock" --json "$@" >"$out/pd-bench.json"
hyperfine -N --warmup 20 --runs 300 --export-json "$out/hyperfine.json" "$pd claim bench.hyperfine -q" | tee "$out/hyperfine.txt"
echo "results in $out/"
