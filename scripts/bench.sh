#!/usr/bin/env bash
# Reproduces docs/BENCHMARKS.md: builds a release pd and a static hello-world, starts a private daemon, Google's
# portserver and a private Redis side by side, runs `pd bench` against them, times `pd claim -q` and the
# hello-world as whole processes with hyperfine, and writes the results table of docs/BENCHMARKS.md.
# Never touches ~/.port-daddy or port 9876. Arguments go to `pd bench` (e.g. --iterations 3000 --duration 5).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v portserver >/dev/null 2>&1 || need+=(python3-portpicker)
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if ((${#need[@]})); then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}"
fi

out="${BENCH_OUT:-bench-out}"
mkdir -p "$out"
swift build -c release --static-swift-stdlib --product pd-daemon >/dev/null   # the daemon, and pd bench itself
# The client whose start is timed, linked as the README says: static runtime, fixed address (no relocations to apply).
swift build -c release --static-swift-stdlib --product pd -Xswiftc -Xclang-linker -Xswiftc -no-pie >/dev/null
pd="$PWD/.build/release/pd"
# The anchor for the whole-process figures: the smallest Swift program that loads Foundation, built the same way.
printf 'import Foundation\nprint("hello")\n' >"$out/hello.swift"
swiftc -O -static-stdlib "$out/hello.swift" -o "$out/hello"
hello="$(cd "$out" && pwd)/hello"  # BENCH_OUT may be absolute

export PORT_DADDY_HOME
PORT_DADDY_HOME=$(mktemp -d /tmp/pdbench-XXXXXX)
# A range wide enough for the find series' 10,000 live claims.
export PORT_DADDY_PORT=0 PORT_DADDY_PROXY_PORT=0 PORT_DADDY_RANGE_START=10000 PORT_DADDY_RANGE_END=29999
ps_sock="$PORT_DADDY_HOME-portserver.sock"
portserver --portserver_address "$ps_sock" >"$out/portserver.log" 2>&1 &
ps_pid=$!
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >"$out/redis.log" 2>&1 &
redis_pid=$!
cleanup() {
  "$pd" stop >/dev/null 2>&1 || true
  kill "$ps_pid" "$redis_pid" 2>/dev/null || true
  rm -rf "$PORT_DADDY_HOME" "$ps_sock"
}
trap cleanup EXIT
for _ in $(seq 100); do [ -S "$ps_sock" ] && break; sleep 0.05; done

"$pd" start >/dev/null
sleep 1  # let the daemon settle before reading its idle RSS
for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done
"$pd" bench --portserver "$ps_sock" --redis "127.0.0.1:$redis_port" --hello-world "$hello" --json "$@" >"$out/pd-bench.json"
hyperfine -N --warmup 20 --runs 300 --export-json "$out/hyperfine.json" "$pd claim bench.hyperfine -q" "$hello" \
  | tee "$out/hyperfine.txt"
python3 scripts/bench_table.py "$out/pd-bench.json" "$out/hyperfine.json" docs/BENCHMARKS.md | tee "$out/table.md"
echo "results in $out/; docs/BENCHMARKS.md's results table rewritten"
