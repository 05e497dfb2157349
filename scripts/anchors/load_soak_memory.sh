#!/usr/bin/env bash
# Does `neuroperf load` keep its memory flat over a long run? A soak at a fixed rate against nginx
# (`return 200`, pinned to CPU 1; the runner, 1 thread, pinned to CPU 0) while this script reads
# the runner's resident memory from /proc every 5 s. Goal (issue: the load runner): 30 minutes at
# 10k req/s end within 50 MB of the RSS after the first minute (k6 keeps every sample instead).
#   scripts/anchors/load_soak_memory.sh [--minutes M] [--rate R] [--port P] [--out DIR]
# Prints the RSS at 1 minute, at the end and its peak (VmHWM: writing the result happens between
# two samples), the differences, and the run's totals; the series goes to DIR/rss.tsv (seconds,
# RSS kB, peak kB) beside the run's result.json. Samples come every 5 s, every 0.1 s from 10 s
# before the planned end.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
neuroperf="$NEURO_ROOT/build/release/tools/cli/neuroperf"
minutes=30
rate=10000
port=18081
out=
while [[ $# -gt 0 ]]; do
  case $1 in
    --minutes) minutes=${2:?}; shift 2 ;;
    --rate) rate=${2:?}; shift 2 ;;
    --port) port=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    -h | --help) neuro_help; exit 0 ;;
    *) die 2 "unknown argument '$1' (try --help)" ;;
  esac
done
[[ -x $neuroperf ]] || die 2 "$neuroperf not built"
source "$(dirname "$0")/nginx_return_200.sh"

work=$(mktemp -d)
out=${out:-$work/out}
neuro_on_exit rm -rf "$work"  # after nginx stops (start_nginx_return_200 registers that)
start_nginx_return_200 "$work" "$port" 1

cat >"$work/soak.yaml" <<YAML
name: soak-memory-${rate}-per-s
target: http://127.0.0.1:$port
steps: [{name: root, path: /}]
executor: {type: soak, rate: $rate, duration: ${minutes}m, leak_threshold: 50MB}
YAML

mkdir -p "$out"
taskset -c 0 "$neuroperf" load "$work/soak.yaml" --threads 1 --quiet --out "$out" \
  --target-pid "$nginx_pid" >"$out/stdout.txt" 2>&1 &
runner=$!
start=$(date +%s)
: >"$out/rss.tsv"
planned_end=$((start + minutes * 60))
while kill -0 "$runner" 2>/dev/null; do
  read -r rss hwm < <(awk '/^VmRSS:/ {r = $2} /^VmHWM:/ {h = $2} END {print r, h}' \
    "/proc/$runner/status" 2>/dev/null || true)
  [[ -n ${rss:-} ]] && printf '%d\t%d\t%d\n' "$(($(date +%s) - start))" "$rss" "$hwm" >>"$out/rss.tsv"
  if (($(date +%s) < planned_end - 10)); then sleep 5; else sleep 0.1; fi
done
rc=0
wait "$runner" || rc=$?

awk -v rc="$rc" '
  { t[NR] = $1; r[NR] = $2; if ($3 > peak) peak = $3; if (!at1 && $1 >= 60) at1 = $2 }
  END {
    if (NR == 0) { print "no RSS samples"; exit 2 }
    end = r[NR]
    printf "runner RSS: %.1f MB at 1 min, %.1f MB at the end (%d s), peak %.1f MB; " \
      "end - 1 min = %+.1f MB, peak - 1 min = %+.1f MB (goal: within 50 MB); runner exit %d\n",
      at1 / 1024, end / 1024, t[NR], peak / 1024, (end - at1) / 1024, (peak - at1) / 1024, rc
  }' "$out/rss.tsv"
python3 -c '
import json, os, sys
d = json.load(open(sys.argv[1]))
series = d["series"]
print("result.json %.1f MB, %d series points of %s s" % (os.path.getsize(sys.argv[1]) / 1e6,
      len(series), series[0].get("dt_s", 1) if series else "-"))
t, p = d["totals"], d["steps"][0]["percentiles_ms"]
o, s = d.get("open_model") or {}, d.get("soak") or {}
print("requests %d, errors %d, %.0f req/s, p50 %.3f ms, p99 %.3f ms, late sends %s; "
      "nginx RSS growth %s bytes, suspected leak %s" % (t["requests"], t["errors"], t["rps"],
      p["p50"], p["p99"], o.get("late_sends"), s.get("rss_growth_bytes"), s.get("suspected_leak")))
' "$out/result.json" 2>/dev/null || echo "(no result.json: see $out/stdout.txt)"
