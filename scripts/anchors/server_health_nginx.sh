#!/usr/bin/env bash
# Anchor for the engine server's HTTP path: `GET /health` on neuroperf-server (--threads 1,
# pinned to CPU 1, a schema and data directory of its own) against nginx `return 200` (one
# worker, pinned to CPU 1) under the same client, `wrk -t1 -c50` pinned to CPU 0, keep-alive,
# interleaved, median of N runs each. Goal: server >= 0.8x nginx.
#   scripts/anchors/server_health_nginx.sh [--server PATH] [--runs N] [--seconds S]
#       [--connections C] [--perf FILE]
# --perf FILE: `perf record -g` on the server during one extra run (report: perf report -i FILE).
# Needs NEUROPERF_PG_URL and NEUROPERF_REDIS_URL (the server's /health reports their state).
set -euo pipefail
# lib.sh: neuro_on_exit, which nginx_return_200.sh registers its nginx's stop with.
source "$(dirname "$0")/../lib.sh"
root=$NEURO_ROOT
server="$root/build/release/engine/server/neuroperf-server"
runs=5
seconds=5
connections=50
perf_out=
while [[ $# -gt 0 ]]; do
  case $1 in
    --server) server=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --seconds) seconds=${2:?}; shift 2 ;;
    --connections) connections=${2:?}; shift 2 ;;
    --perf) perf_out=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "server_health_nginx.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ -x $server ]] || { echo "server_health_nginx.sh: $server not built" >&2; exit 2; }
command -v wrk >/dev/null || { echo "server_health_nginx.sh: install wrk" >&2; exit 2; }
[[ -n ${NEUROPERF_PG_URL:-} && -n ${NEUROPERF_REDIS_URL:-} ]] ||
  { echo "server_health_nginx.sh: set NEUROPERF_PG_URL and NEUROPERF_REDIS_URL" >&2; exit 3; }
source "$(dirname "$0")/nginx_return_200.sh"

nginx_port=$((18200 + RANDOM % 100))
server_port=$((18300 + RANDOM % 100))
work=$(mktemp -d)
schema="neuro_anchor_health_$$"
cleanup() {
  kill "${nginx_pid:-}" "${server_pid:-}" 2>/dev/null || true
  wait "${nginx_pid:-}" "${server_pid:-}" 2>/dev/null || true
  psql "$NEUROPERF_PG_URL" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
neuro_on_exit cleanup
start_nginx_return_200 "$work" "$nginx_port" 1
mkdir -p "$work/server"
taskset -c 1 "$server" --listen "127.0.0.1:$server_port" --threads 1 --handler-threads 1 \
  --job-workers 1 --pg "$NEUROPERF_PG_URL" --redis "$NEUROPERF_REDIS_URL" --schema "$schema" \
  --data-dir "$work/server" --no-demo-data >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$server_port/health" && break
  sleep 0.1
done
curl -sf -o /dev/null "http://127.0.0.1:$server_port/health" ||
  { tail -5 "$work/server.log" >&2; echo "server_health_nginx.sh: the server does not answer" >&2; exit 3; }

rps() {  # rps URL -> requests per second (wrk -t1 on CPU 0)
  taskset -c 0 wrk -t1 -c"$connections" -d"${seconds}s" "$1" | awk '/Requests\/sec/ {print $2}'
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

n=() s=()
for ((i = 0; i < runs; i++)); do  # interleaved so that machine drift hits both alike
  n+=("$(rps "http://127.0.0.1:$nginx_port/")")
  s+=("$(rps "http://127.0.0.1:$server_port/health")")
done
echo "nginx req/s: ${n[*]}" >&2
echo "server req/s: ${s[*]}" >&2
nm=$(median "${n[@]}") sm=$(median "${s[@]}")
echo "| client | nginx return 200 req/s | neuroperf-server /health req/s | ratio |"
echo "|---|---:|---:|---:|"
printf '| wrk -t1 -c%d, %d x %d s | %.0f | %.0f | %.2fx |\n' "$connections" "$runs" "$seconds" \
  "$nm" "$sm" "$(echo "$sm / $nm" | bc -l)"
if [[ -n $perf_out ]]; then
  perf record -g -o "$perf_out" -p "$server_pid" -- sleep "$seconds" >/dev/null 2>&1 &
  perf_pid=$!
  rps "http://127.0.0.1:$server_port/health" >/dev/null
  wait "$perf_pid" || true
  echo "perf: $perf_out" >&2
fi
