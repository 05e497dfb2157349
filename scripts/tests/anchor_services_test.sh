#!/usr/bin/env bash
# Integration test: the anchors that need PostgreSQL or Redis start the embedded services when
# their URL is not given, and stop them again (on this test's own state directory and ports);
# with a URL given they use it and start nothing: one that answers nothing is exit 3; so is a
# pgbench run that fails, with pgbench's own error.
#   anchor_services_test.sh BENCH_CACHE_PATH
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$(dirname "$0")/free_port.sh"
bench_cache=${1:?usage: anchor_services_test.sh BENCH_CACHE_PATH}
unset NEUROPERF_PG_URL NEUROPERF_REDIS_URL
export NEUROPERF_STATE_DIR
NEUROPERF_STATE_DIR=$(mktemp -d -t neuroperf-anchor-services.XXXXXX)
NEUROPERF_PG_PORT=$(free_port 24000)
export NEUROPERF_PG_PORT
NEUROPERF_REDIS_PORT=$(free_port 25000)
export NEUROPERF_REDIS_PORT
# The engine server starts with the others: on a port of its own, not the suite's 8000.
NEUROPERF_ENGINE_PORT=$(free_port 20000)
export NEUROPERF_ENGINE_PORT
trap '"$root/scripts/services" clean >/dev/null 2>&1 || true; rm -rf "$NEUROPERF_STATE_DIR"' EXIT

fail() { echo "anchor_services_test: $*" >&2; exit 1; }
listening() { grep -q LISTEN <<<"$(ss -ltn "( sport = :$1 )")"; }

out=$("$root/scripts/anchors/redis_benchmark.sh" --runs 1 --requests 5000 --min-time 0.05 \
  --bench "$bench_cache" 2>&1) || fail "redis_benchmark.sh without NEUROPERF_REDIS_URL exited $?: $out"
grep -q 'GET  redis-benchmark -P 16 -c 50 -d 32: *[1-9]' <<<"$out" || fail "redis_benchmark.sh printed no GET figures: $out"
listening "$NEUROPERF_REDIS_PORT" && fail "redis_benchmark.sh left the Redis it started running"

out=$("$root/scripts/anchors/pg_write_anchor.sh" --seconds 1 2>&1) ||
  fail "pg_write_anchor.sh without NEUROPERF_PG_URL exited $?: $out"
grep -q 'pgbench row INSERT, 1 client(s): [1-9]' <<<"$out" || fail "pg_write_anchor.sh printed no rows/s: $out"
listening "$NEUROPERF_PG_PORT" && fail "pg_write_anchor.sh left the PostgreSQL it started running"

# A URL given is used as it is: nothing answers there, so exit 3, and nothing was started.
code=0
NEUROPERF_REDIS_URL=redis://127.0.0.1:1 "$root/scripts/anchors/redis_benchmark.sh" --runs 1 \
  --bench "$bench_cache" >/dev/null 2>&1 || code=$?
[[ $code -eq 3 ]] || fail "redis_benchmark.sh against a dead NEUROPERF_REDIS_URL exited $code, expected 3"
code=0
NEUROPERF_PG_URL=postgresql://neuroperf@127.0.0.1:1/neuroperf "$root/scripts/anchors/pg_write_anchor.sh" \
  --seconds 1 >/dev/null 2>&1 || code=$?
[[ $code -eq 3 ]] || fail "pg_write_anchor.sh against a dead NEUROPERF_PG_URL exited $code, expected 3"
listening "$NEUROPERF_REDIS_PORT" && fail "a given NEUROPERF_REDIS_URL still started Redis"
listening "$NEUROPERF_PG_PORT" && fail "a given NEUROPERF_PG_URL still started PostgreSQL"
# A role allowed 5 connections passes the 1-client pgbench run and fails the 20-client one:
# exit 3, the error pgbench printed quoted.
"$root/scripts/services" start >/dev/null 2>&1 || fail "scripts/services start exited $?"
pg_admin="postgresql://neuroperf@127.0.0.1:$NEUROPERF_PG_PORT/neuroperf"
psql "$pg_admin" -qc 'CREATE ROLE anchor_few LOGIN CONNECTION LIMIT 5' \
  -c 'GRANT CREATE ON DATABASE neuroperf TO anchor_few' || fail "could not create the role anchor_few"
code=0
out=$(NEUROPERF_PG_URL="postgresql://anchor_few@127.0.0.1:$NEUROPERF_PG_PORT/neuroperf" \
  "$root/scripts/anchors/pg_write_anchor.sh" --seconds 1 2>&1) || code=$?
[[ $code -eq 3 ]] || fail "pg_write_anchor.sh whose pgbench fails exited $code, expected 3: $out"
grep -q 'pgbench with 20 client(s) at .* exited [1-9]: .*too many connections for role "anchor_few"' <<<"$out" ||
  fail "pg_write_anchor.sh did not quote pgbench's error: $out"
echo "anchor_services_test: ok"
