#!/usr/bin/env bash
# Installs what the test suite drives, idempotently:
# - curl, for the v1 README's curl examples, dig (dnsutils) for the DNS responder, chromium for the
#   dashboard's and HTTPS names' browser tests, certutil (libnss3-tools) for pd trust's NSS step, and openssl to
#   read the CA's extensions, sqlite3 for the first README's port_assignments line, and postgresql (the server
#   binaries initdb, pg_ctl, postgres and psql under /usr/lib/postgresql/<version>/bin, from which PostgresServer
#   starts a private server per suite for the cluster tests) (Debian packages);
# - a throw-away Python virtualenv at .build/test-venv with the official MCP Python SDK (`mcp` from PyPI), the
#   real client the MCP tests use, the web frameworks the scan and health tests run, and msgpack for the binary IPC
#   tests' independent client, croniter (the reference CronTests compare next fire times with), and the official
#   LLM clients (anthropic, ollama, openai) that prove
#   Tests/fixtures/agents/fake_llm.py speaks the real wire formats, and openapi-spec-validator and schemathesis
#   (OpenAPIConformanceTests validate docs/openapi.json and fuzz a test daemon with it). .build/ is never committed.
# Run by scripts/test (the README's test command) before any test starts; tests never install anything.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
missing=()
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v dig >/dev/null 2>&1 || missing+=(dnsutils)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
command -v certutil >/dev/null 2>&1 || missing+=(libnss3-tools)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-venv)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
if ((${#missing[@]})); then
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}"
fi
venv=.build/test-venv
python_packages=('mcp>=1.10' 'django>=5.2' 'flask>=3.1' 'fastapi' 'uvicorn' 'msgpack>=1.0' anthropic ollama openai croniter
  'openapi-spec-validator==0.7.2' 'schemathesis==4.32.5')
modules="mcp, django, flask, fastapi, uvicorn, msgpack, anthropic, ollama, openai, croniter, openapi_spec_validator, schemathesis"
if ! "$venv/bin/python" -c "import $modules" >/dev/null 2>&1; then
  mkdir -p .build
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    $sudo apt-get update -qq && $sudo apt-get install -y -qq python3-venv
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check "${python_packages[@]}"
  "$venv/bin/python" -c "import $modules"
fi
