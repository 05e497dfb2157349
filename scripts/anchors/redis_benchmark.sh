#!/usr/bin/env bash
# Our pipelined cache throughput against redis-benchmark, on the same server, interleaved:
#   redis-benchmark -P 16 -c 50 -t get,set -d 32   vs   bench_cache BM_CacheMultiplexed/{get,set}
# (50 connections, 16 commands in flight each, 32-byte values), then single-client GET latency:
#   redis-benchmark -c 1 -t get -d 32              vs   bench_cache BM_CacheGet/string depth 1.
# Each run alternates which goes first; prints every run, the medians and our/their ratio.
#   scripts/anchors/redis_benchmark.sh [--runs N] [--requests N] [--min-time S] [--bench PATH]
# The server is NEUROPERF_REDIS_URL, else the embedded one (scripts/services: started, and
# stopped at the end when this script started it). --bench uses an already built bench_cache
# instead of building it.
# Exit: 0 ok; 2 bad usage or build failure; 3 the server is not reachable.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
runs=5
requests=1000000
min_time=2
bench=
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=${2:?}; shift 2 ;;
    --requests) requests=${2:?}; shift 2 ;;
    --min-time) min_time=${2:?}; shift 2 ;;
    --bench) bench=${2:?}; shift 2 ;;
    -h|--help) neuro_help; exit 0 ;;
    *) die 2 "unknown argument '$1' (try --help)" ;;
  esac
done
command -v redis-benchmark >/dev/null || die 2 "redis-benchmark not found (Debian package redis-tools)"
py=/usr/bin/python3
[[ -x $py ]] || die 2 "python3 not found (Debian package python3)"
if [[ -z $bench ]]; then
  neuro_build release bench_cache
  bench="$NEURO_ROOT/build/release/benchmarks/bench_cache"
fi
[[ -x $bench ]] || die 2 "bench_cache not found at '$bench'"

neuro_use_services redis
url=$NEUROPERF_REDIS_URL
# redis://[:password@]host[:port][/db] -> redis-benchmark's -h -p -a --dbnum.
[[ $url =~ ^redis://((:([^@]*))@)?([^:/]+|\[[^]]+\])(:([0-9]+))?(/([0-9]*))?$ ]] ||
  die 2 "NEUROPERF_REDIS_URL '$url': expected redis://[:password@]host[:port][/db]"
host=${BASH_REMATCH[4]//[\[\]]/}
port=${BASH_REMATCH[6]:-6379}
password=${BASH_REMATCH[3]}
db=${BASH_REMATCH[8]:-0}
rb_args=(-h "$host" -p "$port" --dbnum "$db")
[[ -n $password ]] && rb_args+=(-a "$password")
[[ $(redis-cli "${rb_args[@]/--dbnum/-n}" ping 2>/dev/null || true) == PONG ]] ||
  die 3 "$url: no answer to PING"

tmp=$(mktemp -d -t neuroperf-redis-anchor.XXXXXX)
neuro_on_exit rm -rf "$tmp"

# theirs: prints "get_rps set_rps"
theirs() {
  redis-benchmark "${rb_args[@]}" -P 16 -c 50 -t get,set -d 32 -n "$requests" --csv 2>/dev/null |
    awk -F'","' '/^"SET"/ {s = $2} /^"GET"/ {g = $2} END {print g + 0, s + 0}'
}
# ours: prints "get_ops set_ops"
ours() {
  "$bench" --benchmark_filter='BM_CacheMultiplexed' --benchmark_min_time="$min_time" \
    --benchmark_out="$tmp/ours.json" --benchmark_out_format=json >/dev/null 2>"$tmp/ours.err" ||
    { cat "$tmp/ours.err" >&2; die 3 "bench_cache failed"; }
  "$py" -c 'import json, sys
ops = {b["name"].split("/")[1]: b["ops_per_second"]
       for b in json.load(open(sys.argv[1]))["benchmarks"] if not b.get("error_occurred")}
print(ops.get("get", 0), ops.get("set", 0))' "$tmp/ours.json"
}
# single-client GET p99 in ms: theirs, then ours
their_p99() {
  redis-benchmark "${rb_args[@]}" -c 1 -t get -d 32 -n 50000 --csv 2>/dev/null |
    awk -F'","' '/^"GET"/ {print $7 + 0}'
}
our_p99() {
  "$bench" --benchmark_filter='^BM_CacheGet/string/depth:1/manual_time/threads:1$' \
    --benchmark_min_time="$min_time" --benchmark_out="$tmp/lat.json" \
    --benchmark_out_format=json >/dev/null 2>"$tmp/ours.err" ||
    { cat "$tmp/ours.err" >&2; die 3 "bench_cache failed"; }
  "$py" -c 'import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"][0]
print(b.get("latency_p50_ms", 0), b.get("latency_p99_ms", 0))' "$tmp/lat.json"
}

: >"$tmp/rows"
for r in $(seq "$runs"); do
  if ((r % 2)); then t=$(theirs); o=$(ours); else o=$(ours); t=$(theirs); fi
  if ((r % 2)); then tp=$(their_p99); op=$(our_p99); else op=$(our_p99); tp=$(their_p99); fi
  echo "$t $o $tp $op" >>"$tmp/rows"
  log "run $r: ops/s redis-benchmark get/set $t | ours get/set ${o// /, } | single GET p99 ms: theirs $tp, ours (p50 p99) $op"
done

# Columns: their_get their_set our_get our_set their_p99 our_p50 our_p99
awk -v runs="$runs" '
  function median(col,   n, i, j, v, t) {
    n = 0
    for (i = 1; i <= NR; i++) v[++n] = row[i, col]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  { for (c = 1; c <= NF; c++) row[NR, c] = $c; row[NR, 8] = $3 / $1; row[NR, 9] = $4 / $2 }
  END {
    tg = median(1); ts = median(2); og = median(3); os = median(4)
    printf "medians of %d interleaved runs (ops/s):\n", runs
    printf "  GET  redis-benchmark -P 16 -c 50 -d 32: %10.0f   ours (multiplexed, 50 x 16): %10.0f   ratio %.2f\n", tg, og, og / tg
    printf "  SET  redis-benchmark -P 16 -c 50 -d 32: %10.0f   ours (multiplexed, 50 x 16): %10.0f   ratio %.2f\n", ts, os, os / ts
    printf "  median of the per-run ratios (each pair ran back to back): GET %.2f, SET %.2f\n", median(8), median(9)
    printf "single-client GET latency (ms): redis-benchmark p99 %.3f; ours p50 %.3f, p99 %.3f\n", median(5), median(6), median(7)
  }' "$tmp/rows"
