#!/usr/bin/env bash
# A two-agent handshake over Port Daddy inboxes: agent A registers, claims a port, listens on it and sends the port
# to agent B's inbox; agent B waits on its inbox (pd inbox watch --once), reads the port, connects over TCP and says
# hello; A sees the connection and answers. The two agents are separate processes that share nothing but the daemon.
#
# Uses only the pd CLI (from $PD, else PATH), python3 for A's listener and bash's /dev/tcp for B.
# Env: A and B (the agent ids, default sample-a-$$ and sample-b-$$).
set -euo pipefail
PD=${PD:-pd}
A=${A:-sample-a-$$}
B=${B:-sample-b-$$}
here=$(cd "$(dirname "$0")" && pwd)
agent_b=""
listener=""
heard=$(mktemp)
cleanup() {
  [ -n "$agent_b" ] && kill "$agent_b" 2>/dev/null || true
  [ -n "$listener" ] && kill "$listener" 2>/dev/null || true
  rm -f "$heard"
  PD_AGENT_ID=$A "$PD" release "handshake:$A" >/dev/null 2>&1 || true
  PD_AGENT_ID=$A "$PD" agent unregister >/dev/null 2>&1 || true
  PD_AGENT_ID=$B "$PD" agent unregister >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Agent B: waits for A's message, then connects to the port it names.
agent_b() {
  export PD_AGENT_ID=$B
  echo "B: waiting on my inbox"
  message=$("$PD" inbox watch --once)
  port=$(echo "$message" | sed -n 's/.*port \([0-9][0-9]*\).*/\1/p')
  echo "B: inbox says port $port"
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  echo "hello from $B" >&3
  IFS= read -r reply <&3
  echo "B: A replied: $reply"
}

# B is registered before A can write to its inbox.
PD_AGENT_ID=$B "$PD" agent register --purpose "inbox handshake sample: B" --pid $$ >/dev/null
agent_b &
agent_b=$!

export PD_AGENT_ID=$A
"$PD" agent register --purpose "inbox handshake sample: A" --pid $$ >/dev/null
port=$("$PD" claim "handshake:$A" -q)
echo "A: claimed port $port"
# A listens first, then tells B where: the listener prints "listening on <port>" once bound, then
# "connection from B: …" when B connects.
python3 "$here/listener.py" "$port" "$A" >"$heard" &
listener=$!
line() { # waits (up to 60 s) for line $1 of what A's listener printed, and prints it
  for _ in $(seq 600); do
    [ "$(wc -l <"$heard")" -ge "$1" ] && { sed -n "$1p" "$heard"; return 0; }
    sleep 0.1
  done
  echo "A's listener said nothing more" >&2
  return 1
}
echo "A: $(line 1)"
"$PD" inbox send "$B" "port $port" >/dev/null
echo "A: sent port $port to $B's inbox"
echo "A: $(line 2)"
wait "$listener"
listener=""
wait "$agent_b"
agent_b=""
echo "ok: handshake complete"
