#!/usr/bin/env bash
# Coordinated omission, the issue's scenario: a server that holds every response during the first
# second of every 10 s (load_cli_server --stall 10000:1000), loaded at a fixed rate. Sent on
# schedule, 10 % of the requests meet the stall and wait for its end, uniformly 0-1 s, so the
# analytic distribution is: p50 the service time, p95 500 ms, p99 900 ms, p99.9 990 ms (p90 is
# the edge between the two and is left out). Prints neuroperf's percentiles (open model, from the
# intended send time) beside the analytic ones, and wrk's (closed model: it waits out the stall
# instead of sending, so the stall hardly shows).
#   scripts/anchors/load_coordinated_omission.sh [--rate R] [--seconds S] [--out DIR]
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
build="$NEURO_ROOT/build/release"
neuroperf="$build/tools/cli/neuroperf"
server="$build/tools/cli/load_cli_server"
rate=1000
seconds=60
out=
while [[ $# -gt 0 ]]; do
  case $1 in
    --rate) rate=${2:?}; shift 2 ;;
    --seconds) seconds=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    -h | --help) neuro_help; exit 0 ;;
    *) die 2 "unknown argument '$1' (try --help)" ;;
  esac
done
[[ -x $neuroperf && -x $server ]] || die 2 "build $build first"
((seconds % 10 == 0)) || die 2 "--seconds must be whole 10 s periods"
work=$(mktemp -d)
neuro_on_exit rm -rf "$work"
out=${out:-$work/out}
mkdir -p "$out"
cat >"$work/co.yaml" <<YAML
name: coordinated-omission
target: http://127.0.0.1:1
steps: [{name: ok, path: /ok}]
executor: {type: constant-rate, rate: $rate, duration: ${seconds}s, max_connections: $((rate * 3 / 2))}
timeout: 5s
YAML

"$server" --stall 10000:1000 "$neuroperf" load "$work/co.yaml" --target '{URL}' --threads 1 --quiet \
  --out "$out" >"$out/neuroperf.txt" 2>&1 || true
wrk_line=skipped
if command -v wrk >/dev/null; then
  "$server" --stall 10000:1000 "$(command -v wrk)" -t1 -c50 -d"${seconds}s" --latency '{URL}/ok' >"$out/wrk.txt" 2>&1 || true
  wrk_line=$(awk '/Latency Distribution/ {on = 1; next} on && /%/ {printf "%s %s  ", $1, $2} /requests in/ {on = 0}' "$out/wrk.txt")
fi
python3 - "$out/result.json" "$wrk_line" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["steps"][0]["percentiles_ms"]
print("neuroperf: %d requests, %d errors, late sends %s" % (d["totals"]["requests"], d["totals"]["errors"],
      (d.get("open_model") or {}).get("late_sends")))
print("percentile  analytic ms  neuroperf ms  deviation")
for name, analytic in (("p95", 500.0), ("p99", 900.0), ("p99.9", 990.0)):
    print("%-10s  %11.1f  %12.2f  %+8.2f %%" % (name, analytic, p[name], (p[name] - analytic) / analytic * 100))
print("%-10s  %11s  %12.3f" % ("p50", "service", p["p50"]))
print("wrk -t1 -c50 (closed model): " + sys.argv[2])
PY
