#!/usr/bin/env bash
# The actor catalogue: validates pd-fleet.yml, runs it in the daemon (--background), lists the actors, queues a
# message for the navigator (an alias of the cartographer), shows it waiting in the mailbox (nothing starts: no body
# wakes on its mailbox), then stops the fleet. Uses only the pd CLI (from $PD, else PATH); spends nothing.
set -euo pipefail
PD=${PD:-pd}
cd "$(dirname "$0")"
"$PD" fleet validate pd-fleet.yml
"$PD" fleet up --background
trap '"$PD" fleet down >/dev/null 2>&1 || true' EXIT
"$PD" actors
"$PD" actor navigator --message "roadmap item needs evidence"
"$PD" actor navigator --inbox-stats
"$PD" actor cartographer --inbox
echo "ok: the message waits in the cartographer's mailbox; no agent started"
