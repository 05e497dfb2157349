#!/usr/bin/env bash
# Does the regression gate catch what it must and nothing else? With bench_selftest (a fixed
# workload plus NEURO_SELFTEST_EXTRA_WORK_PERCENT more), per trial:
#   wall-clock mode, 10 repetitions each: same build vs itself, and +25 % work;
#   instruction-count mode (scripts/bench-callgrind): same build vs itself, and +3 % work.
# Prints how many trials `neuroperf compare` flagged (exit 1) in each case.
#   scripts/anchors/compare_gate.sh [--trials N] [--callgrind-trials N]
# With --same-build BENCH (e.g. bench_dsp): only the same-build trials, on that executable, the
# way `ctest -L bench` runs it (10 repetitions, random interleaving, min time 0.2 s): N + 1 runs
# back to back, each compared with the one before, with baselines/thresholds.yaml; also prints
# what the calibration benchmark saw and what the raw (--no-calibration) verdict would have been.
#   scripts/anchors/compare_gate.sh --same-build BENCH [--trials N]
# BENCH bench_db or bench_cache uses NEUROPERF_PG_URL / NEUROPERF_REDIS_URL, else the embedded
# services (started, then stopped).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
trials=10
callgrind_trials=10
same_build=
while [[ $# -gt 0 ]]; do
  case $1 in
    --trials) trials=${2:?}; shift 2 ;;
    --callgrind-trials) callgrind_trials=${2:?}; shift 2 ;;
    --same-build) same_build=${2:?}; shift 2 ;;
    -h|--help) neuro_help; exit 0 ;;
    *) die 2 "unknown argument '$1' (try --help)" ;;
  esac
done
neuro_build release "${same_build:-bench_selftest}" neuroperf
bench="$NEURO_ROOT/build/release/benchmarks/bench_selftest"
neuroperf="$NEURO_ROOT/build/release/tools/cli/neuroperf"
tmp=$(mktemp -d -t neuroperf-gate.XXXXXX)
neuro_on_exit rm -rf "$tmp"

if [[ -n $same_build ]]; then
  exe="$NEURO_ROOT/build/release/benchmarks/$same_build"
  neuro_use_bench_services "$exe"
  config="$NEURO_ROOT/baselines/thresholds.yaml"
  flagged=0 raw_flagged=0
  for t in $(seq 0 "$trials"); do
    neuro_fresh_engine_for "$exe"  # bench_http: each run on an empty embedded engine server
    "$exe" --benchmark_repetitions=10 --benchmark_min_time=0.2 \
      --benchmark_enable_random_interleaving=true --benchmark_out="$tmp/run$t.json" \
      --benchmark_out_format=json >/dev/null 2>&1 || die 1 "$same_build failed in run $t"
    [[ $t -gt 0 ]] || continue
    rc=0
    "$neuroperf" compare "$tmp/run$((t - 1)).json" "$tmp/run$t.json" --config "$config" \
      --format json --out "$tmp/verdict.json" 2>/dev/null || rc=$?
    raw=0
    "$neuroperf" compare "$tmp/run$((t - 1)).json" "$tmp/run$t.json" --config "$config" \
      --no-calibration >/dev/null 2>&1 || raw=$?
    [[ $rc -le 1 && $raw -le 1 ]] || die 2 "neuroperf compare failed on trial $t"
    flagged=$((flagged + rc)) raw_flagged=$((raw_flagged + raw))
    speed=$(/usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["machine_speed"]
print(", ".join("%+.1f %%%s" % (x["change"] * 100, " (divided out)" if x["applied"] else "") for x in m) or "none")' "$tmp/verdict.json")
    log "trial $t: flagged=$rc (raw times: $raw), calibration $speed"
  done
  echo "$same_build same build vs itself: flagged in $flagged/$trials trials" \
    "(raw times, --no-calibration: $raw_flagged/$trials)"
  exit 0
fi

run() {  # run OUT EXTRA_PERCENT
  NEURO_SELFTEST_EXTRA_WORK_PERCENT=$2 "$bench" --benchmark_repetitions=10 \
    --benchmark_min_time=0.1 --benchmark_enable_random_interleaving=true \
    --benchmark_out="$1" --benchmark_out_format=json >/dev/null 2>&1
}
flagged() {  # flagged A B -> 0 (passed), 1 (flagged) or E (compare failed)
  local code=0
  "$neuroperf" compare "$1" "$2" >/dev/null 2>&1 || code=$?
  case $code in 0 | 1) echo "$code" ;; *) echo E ;; esac
}

same=0 knob=0
for t in $(seq "$trials"); do
  run "$tmp/a.json" 0; run "$tmp/b.json" 0; run "$tmp/c.json" 25
  r1=$(flagged "$tmp/a.json" "$tmp/b.json"); r2=$(flagged "$tmp/a.json" "$tmp/c.json")
  [[ $r1 == 1 ]] && same=$((same + 1)); [[ $r2 == 1 ]] && knob=$((knob + 1))
  log "trial $t: same-build flagged=$r1, +25% flagged=$r2"
done
echo "wall-clock, 10 repetitions: same build flagged in $same/$trials trials; +25 % flagged in $knob/$trials"

cg_same=0 cg_knob=0
for t in $(seq "$callgrind_trials"); do
  "$NEURO_ROOT/scripts/bench-callgrind" bench_selftest --out "$tmp/cga.json" >/dev/null 2>&1
  "$NEURO_ROOT/scripts/bench-callgrind" bench_selftest --out "$tmp/cgb.json" >/dev/null 2>&1
  NEURO_SELFTEST_EXTRA_WORK_PERCENT=3 "$NEURO_ROOT/scripts/bench-callgrind" bench_selftest \
    --out "$tmp/cgc.json" >/dev/null 2>&1
  r1=$(flagged "$tmp/cga.json" "$tmp/cgb.json"); r2=$(flagged "$tmp/cga.json" "$tmp/cgc.json")
  [[ $r1 == 1 ]] && cg_same=$((cg_same + 1)); [[ $r2 == 1 ]] && cg_knob=$((cg_knob + 1))
  a=$(grep -o '"instructions": [0-9]*' "$tmp/cga.json" | tr -dc 0-9)
  b=$(grep -o '"instructions": [0-9]*' "$tmp/cgb.json" | tr -dc 0-9)
  d=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%+.2f %%", (b / a - 1) * 100 }')
  log "callgrind trial $t: same-build flagged=$r1 (instructions $d), +3% flagged=$r2"
done
echo "instruction count: same build flagged in $cg_same/$callgrind_trials trials; +3 % flagged in $cg_knob/$callgrind_trials"
