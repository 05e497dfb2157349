#!/usr/bin/env bash
# Integration test of scripts/services on its own state directory and ports (the suite's own
# services are left alone): start, idempotence, data kept over stop/start, AOF mode, the engine
# server on both (when built: NEUROPERF_ENGINE_BIN, given by CTest), reset-engine (and lib.sh's
# neuro_fresh_engine), the data line of status, a stop that leaves nothing listening, clean,
# usage errors.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$(dirname "$0")/free_port.sh"
services="$root/scripts/services"
export NEUROPERF_STATE_DIR
NEUROPERF_STATE_DIR=$(mktemp -d -t neuroperf-services-test.XXXXXX)
NEUROPERF_PG_PORT=$(free_port 21000)
export NEUROPERF_PG_PORT
NEUROPERF_REDIS_PORT=$(free_port 22000)
export NEUROPERF_REDIS_PORT
NEUROPERF_ENGINE_PORT=$(free_port 23000)
export NEUROPERF_ENGINE_PORT
engine_built=0
[[ -x ${NEUROPERF_ENGINE_BIN:-} ]] && engine_built=1
trap '"$services" clean >/dev/null 2>&1 || true; rm -rf "$NEUROPERF_STATE_DIR"' EXIT

fail() { echo "services_test: $*" >&2; exit 1; }
listening() { grep -q LISTEN <<<"$(ss -ltn "( sport = :$1 )")"; }
psql_q() { psql "postgresql://neuroperf@127.0.0.1:$NEUROPERF_PG_PORT/neuroperf" -tAqc "$1"; }
redis_q() { redis-cli -h 127.0.0.1 -p "$NEUROPERF_REDIS_PORT" "$@"; }

out=$("$services" start) || fail "start exited $?"
grep -q "postgres up   postgresql://neuroperf@127.0.0.1:$NEUROPERF_PG_PORT/neuroperf" <<<"$out" ||
  fail "start did not print the PostgreSQL URL: $out"
grep -q "redis    up   redis://127.0.0.1:$NEUROPERF_REDIS_PORT" <<<"$out" ||
  fail "start did not print the Redis URL: $out"
if [[ $engine_built -eq 1 ]]; then
  grep -q "engine   up   http://127.0.0.1:$NEUROPERF_ENGINE_PORT" <<<"$out" ||
    fail "start did not print the engine server's URL: $out"
  health=$(curl -sf "http://127.0.0.1:$NEUROPERF_ENGINE_PORT/health") || fail "no /health answer"
  # The engine server's own view of the two services it was started on.
  grep -q '"postgres":"up"' <<<"$health" || fail "engine /health: $health"
  grep -q '"redis":"up"' <<<"$health" || fail "engine /health: $health"
else
  grep -q "engine   not built" <<<"$out" || fail "start did not say the engine is not built: $out"
fi
"$services" start >/dev/null || fail "a second start is not idempotent"
[[ $(psql_q 'select 41 + 1') == 42 ]] || fail "PostgreSQL does not answer queries"
[[ $(redis_q ping) == PONG ]] || fail "Redis does not answer"
[[ $(redis_q config get appendonly | tail -1) == no ]] || fail "Redis persists by default"
[[ $(redis_q config get bind | tail -1) == 127.0.0.1 ]] || fail "Redis listens beyond loopback"
[[ $(psql_q 'show listen_addresses') == 127.0.0.1 ]] || fail "PostgreSQL listens beyond loopback"
eval "$("$services" env)"
[[ $NEUROPERF_PG_URL == "postgresql://neuroperf@127.0.0.1:$NEUROPERF_PG_PORT/neuroperf" ]] ||
  fail "env printed NEUROPERF_PG_URL=$NEUROPERF_PG_URL"
[[ $NEUROPERF_TARGET_URL == "http://127.0.0.1:$NEUROPERF_ENGINE_PORT" ]] ||
  fail "env printed NEUROPERF_TARGET_URL=$NEUROPERF_TARGET_URL"
psql_q 'create table kept (v int); insert into kept values (7)' >/dev/null
if [[ $engine_built -eq 1 ]]; then
  # Redis gone and restarted by `start`: the engine server kept running (its /health said 503
  # meanwhile) must be left alone, not joined by a second one that leaves server.pid wrong.
  engine_pid=$(cat "$NEUROPERF_STATE_DIR/engine/server.pid")
  redis_q shutdown nosave >/dev/null 2>&1 || true
  # /health reports its last periodic check (every second): poll for up to 5 s.
  for ((i = 0; i < 50; i++)); do
    code=0
    out=$("$services" status) || code=$?
    grep -q 'engine   degraded' <<<"$out" && break
    sleep 0.1
  done
  if [[ $code -ne 3 ]] || ! grep -q 'engine   degraded' <<<"$out"; then
    fail "status with Redis down exited $code: $out"
  fi
  "$services" start >/dev/null || fail "start after Redis went away exited $?"
  [[ $(cat "$NEUROPERF_STATE_DIR/engine/server.pid") == "$engine_pid" ]] ||
    fail "start replaced the running engine server's pid $engine_pid"
  [[ $(pgrep -c -f -- "--listen 127.0.0.1:$NEUROPERF_ENGINE_PORT ") -eq 1 ]] ||
    fail "more than one engine server on port $NEUROPERF_ENGINE_PORT"
fi

if [[ $engine_built -eq 1 ]]; then
  # reset-engine empties the engine server's data (its schema, Redis, its data directory) and
  # leaves the rest of PostgreSQL alone; the server answers again afterwards.
  psql_q 'create table neuroperf_api.earlier_run (v int)' >/dev/null
  mkdir -p "$NEUROPERF_STATE_DIR/engine/data/videos"
  echo earlier >"$NEUROPERF_STATE_DIR/engine/data/videos/earlier.mp4"
  redis_q set earlier_run 1 >/dev/null
  out=$("$services" reset-engine) || fail "reset-engine exited $?: $out"
  grep -q "engine   up   http://127.0.0.1:$NEUROPERF_ENGINE_PORT" <<<"$out" || fail "reset-engine: $out"
  curl -sf -o /dev/null "http://127.0.0.1:$NEUROPERF_ENGINE_PORT/health" || fail "no /health after reset-engine"
  [[ -z $(psql_q "select to_regclass('neuroperf_api.earlier_run')") ]] || fail "reset-engine kept the engine's tables"
  [[ -n $(psql_q "select to_regclass('neuroperf_api.api_sessions')") ]] ||
    fail "the engine server did not create its schema again after reset-engine"
  [[ ! -e $NEUROPERF_STATE_DIR/engine/data/videos/earlier.mp4 ]] || fail "reset-engine kept the engine's videos"
  [[ $(redis_q exists earlier_run) == 0 ]] || fail "reset-engine kept Redis' keys"
  [[ $(psql_q 'select v from kept') == 7 ]] || fail "reset-engine touched a table outside the engine's schema"
  # Another state directory on the same ports resets nothing: the servers there are not its own.
  code=0
  NEUROPERF_STATE_DIR="$NEUROPERF_STATE_DIR/elsewhere" "$services" reset-engine >/dev/null 2>&1 || code=$?
  [[ $code -eq 3 ]] || fail "reset-engine from another state directory exited $code, expected 3"
  [[ -n $(psql_q "select to_regclass('neuroperf_api.api_sessions')") ]] ||
    fail "reset-engine from another state directory dropped the engine server's schema"
  curl -sf -o /dev/null "http://127.0.0.1:$NEUROPERF_ENGINE_PORT/health" ||
    fail "reset-engine from another state directory stopped the engine server"
  # lib.sh's neuro_fresh_engine: a NEUROPERF_TARGET_URL naming another server leaves the embedded
  # one alone; the embedded one's own URL empties it.
  psql_q 'create table neuroperf_api.before_fresh (v int)' >/dev/null
  (source "$(dirname "$0")/../lib.sh" && neuro_fresh_engine http://127.0.0.1:1) 2>/dev/null ||
    fail "neuro_fresh_engine with another target exited $?"
  [[ -n $(psql_q "select to_regclass('neuroperf_api.before_fresh')") ]] ||
    fail "neuro_fresh_engine emptied the embedded engine server for another target"
  (source "$(dirname "$0")/../lib.sh" && neuro_fresh_engine "http://127.0.0.1:$NEUROPERF_ENGINE_PORT") \
    >/dev/null 2>&1 || fail "neuro_fresh_engine with the embedded server's URL exited $?"
  [[ -z $(psql_q "select to_regclass('neuroperf_api.before_fresh')") ]] ||
    fail "neuro_fresh_engine did not empty the embedded engine server"
  # neuro_fresh_engine_for: the first bench_http run after a reset takes the empty server as it
  # is; the next one gets it emptied again; an executable that needs no engine changes nothing.
  (
    source "$(dirname "$0")/../lib.sh"
    neuro_fresh_engine "" 2>/dev/null
    psql_q 'create table neuroperf_api.first_run (v int)' >/dev/null
    neuro_fresh_engine_for bench_http 2>/dev/null
    [[ -n $(psql_q "select to_regclass('neuroperf_api.first_run')") ]] ||
      fail "neuro_fresh_engine_for reset an engine server no run had used yet"
    neuro_fresh_engine_for bench_dsp 2>/dev/null
    [[ -n $(psql_q "select to_regclass('neuroperf_api.first_run')") ]] ||
      fail "neuro_fresh_engine_for reset the engine server before bench_dsp"
    neuro_fresh_engine_for bench_http 2>/dev/null
    [[ -z $(psql_q "select to_regclass('neuroperf_api.first_run')") ]] ||
      fail "neuro_fresh_engine_for did not empty the engine server for the next bench_http run"
  ) || fail "neuro_fresh_engine_for: $?"
  code=0
  "$services" reset-engine now 2>/dev/null || code=$?
  [[ $code -eq 2 ]] || fail "reset-engine with an argument exited $code, expected 2"
fi
grep -q "^data     [0-9][0-9]* MiB in $NEUROPERF_STATE_DIR ([0-9][0-9]* MiB free)$" <<<"$("$services" status)" ||
  fail "status did not give the state directory's size: $("$services" status)"

"$services" stop || fail "stop exited $?"
code=0
"$services" status >/dev/null || code=$?
[[ $code -eq 3 ]] || fail "status after stop exited $code, expected 3"
listening "$NEUROPERF_PG_PORT" && fail "PostgreSQL still listens after stop"
listening "$NEUROPERF_REDIS_PORT" && fail "Redis still listens after stop"
listening "$NEUROPERF_ENGINE_PORT" && fail "the engine server still listens after stop"

"$services" start --redis-aof >/dev/null || fail "start --redis-aof exited $?"
[[ $(psql_q 'select v from kept') == 7 ]] || fail "PostgreSQL data did not survive stop/start"
[[ $(redis_q config get appendonly | tail -1) == yes ]] || fail "--redis-aof did not enable AOF"

code=0
"$services" bogus 2>/dev/null || code=$?
[[ $code -eq 2 ]] || fail "an unknown command exited $code, expected 2"
code=0
"$services" start --nope 2>/dev/null || code=$?
[[ $code -eq 2 ]] || fail "an unknown start option exited $code, expected 2"

"$services" clean || fail "clean exited $?"
[[ ! -e $NEUROPERF_STATE_DIR ]] || fail "clean left $NEUROPERF_STATE_DIR"
listening "$NEUROPERF_PG_PORT" && fail "PostgreSQL still listens after clean"
listening "$NEUROPERF_ENGINE_PORT" && fail "the engine server still listens after clean"
echo "services_test: ok"
