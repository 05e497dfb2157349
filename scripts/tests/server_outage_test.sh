#!/usr/bin/env bash
# Integration test: the engine server while PostgreSQL or Redis is down, on services of this
# test's own (state directory and ports; the suite's shared services are never touched).
# Redis down: /health 503 "degraded" with "redis":"down"; the API keeps answering (Redis is only
# health-checked, no route reads it). PostgreSQL down: /health 503 "postgres":"down", API routes
# 503 {"error":"service_unavailable","detail"} and nothing is stored. Each comes back by itself
# once the service returns (no restart of the engine server). Prints how long each took.
#   server_outage_test.sh   (NEUROPERF_ENGINE_BIN: the server binary; exit 77 without it)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
services="$root/scripts/services"
source "$(dirname "$0")/free_port.sh"
[[ -x ${NEUROPERF_ENGINE_BIN:-} ]] || { echo "server_outage_test: no NEUROPERF_ENGINE_BIN: skipped"; exit 77; }
unset NEUROPERF_PG_URL NEUROPERF_REDIS_URL NEUROPERF_TARGET_URL
export NEUROPERF_STATE_DIR
NEUROPERF_STATE_DIR=$(mktemp -d -t neuroperf-outage-test.XXXXXX)
NEUROPERF_PG_PORT=$(free_port 26000)
export NEUROPERF_PG_PORT
NEUROPERF_REDIS_PORT=$(free_port 27000)
export NEUROPERF_REDIS_PORT
NEUROPERF_ENGINE_PORT=$(free_port 28000)
export NEUROPERF_ENGINE_PORT
trap '"$services" clean >/dev/null 2>&1 || true; rm -rf "$NEUROPERF_STATE_DIR"' EXIT

fail() { echo "server_outage_test: $*" >&2; exit 1; }
url="http://127.0.0.1:$NEUROPERF_ENGINE_PORT"
pg_bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
now_ms() { date +%s%3N; }

# call METHOD PATH [JSON]: sets $status and $body.
call() {
  local args=(-s -o "$NEUROPERF_STATE_DIR/body" -w '%{http_code}' -X "$1" --max-time 10)
  [[ -z ${token:-} ]] || args+=(-H "Authorization: Bearer $token")
  [[ -z ${3:-} ]] || args+=(-H 'Content-Type: application/json' -d "$3")
  status=$(curl "${args[@]}" "$url$2") || status=000
  body=$(cat "$NEUROPERF_STATE_DIR/body" 2>/dev/null || true)
}
# until_status SECONDS WANT METHOD PATH [JSON]: polls every 50 ms; sets $ms to the time taken.
until_status() {
  local limit_ms=$(($1 * 1000)) want=$2 start
  shift 2
  start=$(now_ms)
  while :; do
    call "$@"
    [[ $status == "$want" ]] && { ms=$(($(now_ms) - start)); return 0; }
    (($(now_ms) - start < limit_ms)) || fail "$1 $2: still $status after ${limit_ms} ms (want $want): $body"
    sleep 0.05
  done
}
stop_postgres() {
  local ctl=("$pg_bin/pg_ctl" -D "$NEUROPERF_STATE_DIR/postgres" -m fast -w stop)
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "${ctl[@]}" >/dev/null; else "${ctl[@]}" >/dev/null; fi
}

"$services" start >/dev/null || fail "scripts/services start exited $?"
call POST /auth/token '{"username":"test_user","password":"test_pass"}'
[[ $status == 200 ]] || fail "login: $status $body"
token=$(sed -E 's/.*"access_token":"([^"]+)".*/\1/' <<<"$body")
call GET /api/v2/sessions
[[ $status == 200 ]] || fail "sessions before any outage: $status $body"

# Redis down.
redis-cli -h 127.0.0.1 -p "$NEUROPERF_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
until_status 5 503 GET /health
grep -q '"redis":"down"' <<<"$body" || fail "/health with Redis down: $body"
grep -q '"status":"degraded"' <<<"$body" || fail "/health with Redis down: $body"
echo "redis down: /health 503 after $ms ms"
call GET /api/v2/sessions
[[ $status == 200 ]] || fail "sessions with Redis down (no route reads Redis): $status $body"
"$services" start >/dev/null || fail "restarting Redis failed"
until_status 10 200 GET /health
echo "redis back: /health 200 after $ms ms"

# PostgreSQL down.
call GET /api/v2/patients?limit=1000
patients_before=$(grep -o '"id":' <<<"$body" | wc -l)
stop_postgres || fail "could not stop the test's PostgreSQL"
until_status 5 503 GET /api/v2/sessions
grep -q '"error":"service_unavailable"' <<<"$body" || fail "sessions with PostgreSQL down: $body"
grep -q '"detail":"' <<<"$body" || fail "sessions with PostgreSQL down: no detail: $body"
echo "postgres down: /api/v2/sessions 503 after $ms ms: $body"
call POST /api/v2/patients '{"name":"outage","dob":"1990-01-01","mrn":"OUTAGE1"}'
[[ $status == 503 ]] || fail "POST patient with PostgreSQL down: $status $body"
grep -q '"error":"service_unavailable"' <<<"$body" || fail "POST patient with PostgreSQL down: $body"
# /health reports the last periodic check (health_interval, 1 s), so it may lag the API by up to that.
until_status 5 503 GET /health
grep -q '"postgres":"down"' <<<"$body" || fail "/health with PostgreSQL down: $body"
echo "postgres down: /health 503 after $ms ms"
"$services" start >/dev/null || fail "restarting PostgreSQL failed"
until_status 15 200 GET /api/v2/sessions
echo "postgres back: /api/v2/sessions 200 after $ms ms"
call GET /api/v2/patients?limit=1000
[[ $(grep -o '"id":' <<<"$body" | wc -l) -eq $patients_before ]] ||
  fail "a patient refused with 503 was stored: $body"
call POST /api/v2/patients '{"name":"after","dob":"1990-01-01","mrn":"AFTER1"}'
[[ $status == 201 ]] || fail "POST patient after recovery: $status $body"
call GET /health
[[ $status == 200 ]] || fail "/health after recovery: $status $body"
echo "server_outage_test: ok"
