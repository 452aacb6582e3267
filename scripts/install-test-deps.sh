#!/usr/bin/env bash
# Installs the system tools the test suite drives (curl for the v1 README's curl examples).
# Idempotent: does nothing when everything is present.
set -euo pipefail
missing=()
command -v curl >/dev/null 2>&1 || missing+=(curl)
if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}"
fi
