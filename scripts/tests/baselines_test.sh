#!/usr/bin/env bash
# Baselines that follow the machine (scripts/baselines.sh through scripts/bench-check), with two
# fake machines (NEUROPERF_CPU_MODEL / NEUROPERF_ISA_LEVEL) and tiny bench_selftest runs:
# machine A has a committed baseline, machine B none, machine C one from before contexts carried
# the ISA level. B's first run records a local baseline in
# the state directory and is skipped; B's second run compares against it (and catches +60 %);
# A compares against its committed one; a committed baseline under B's key from another compiler
# is passed over for the local one; the summary line names the baseline each verdict used.
#   baselines_test.sh BUILD_DIR
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../baselines.sh"

build=$(cd "${1:?usage: baselines_test.sh BUILD_DIR}" && pwd)
work=$(mktemp -d -t neuroperf-baselines-test.XXXXXX)
neuro_on_exit rm -rf "$work"
fail() { printf 'baselines_test: FAIL: %s\n' "$*" >&2; exit 1; }

# A build tree of its own (links to the two binaries) so that bench-check's bench-results/ does
# not collide with other tests writing into build/.
mkdir -p "$work/build/benchmarks" "$work/build/tools/cli"
ln -s "$build/benchmarks/bench_selftest" "$work/build/benchmarks/bench_selftest"
ln -s "$build/tools/cli/neuroperf" "$work/build/tools/cli/neuroperf"
selftest="$work/build/benchmarks/bench_selftest"
neuroperf="$work/build/tools/cli/neuroperf"
export NEUROPERF_BASELINES_DIR="$work/committed" NEUROPERF_STATE_DIR="$work/state"
mkdir -p "$NEUROPERF_BASELINES_DIR"
cp "$NEURO_ROOT/baselines/thresholds.yaml" "$NEUROPERF_BASELINES_DIR/"
export NEURO_BENCH_REPETITIONS=6 NEURO_BENCH_MIN_TIME=0.02  # 6 vs 6: p can reach 0.001

on_machine() {  # on_machine A|B COMMAND...: runs COMMAND as if on fake machine A or B
  local m=$1
  shift
  NEUROPERF_CPU_MODEL="Fake CPU $m" NEUROPERF_ISA_LEVEL=x86-64-v2 "$@"
}
check() {  # check WANT_CODE LABEL: runs bench-check for bench_selftest, output in $work/out
  local want=$1 code=0
  shift
  "$@" "$NEURO_ROOT/scripts/bench-check" "$selftest" >"$work/out" 2>&1 || code=$?
  [[ $code -eq $want ]] || { cat "$work/out" >&2; fail "bench-check exited $code, expected $want"; }
}
has() { grep -qF -- "$1" "$work/out" || { cat "$work/out" >&2; fail "output lacks '$1'"; }; }

# Machine A's committed baseline, made as run-suite makes runs.
run_on() {  # run_on A|B OUT.json
  on_machine "$1" "$selftest" --benchmark_repetitions=6 --benchmark_min_time=0.02 \
    --benchmark_context="$(on_machine "$1" neuro_benchmark_context release)" \
    --benchmark_out="$2" --benchmark_out_format=json >/dev/null 2>&1
}
run_on A "$work/a.json"
key_a=$("$neuroperf" machine-key "$work/a.json")
[[ $key_a == fake-a-*cpu-x86-64-v2 ]] || fail "machine key of A: '$key_a'"
mkdir -p "$NEUROPERF_BASELINES_DIR/$key_a"
cp "$work/a.json" "$NEUROPERF_BASELINES_DIR/$key_a/bench_selftest.json"

# B: no committed baseline -> a local one is recorded, nothing compared (skip).
check 77 on_machine B
key_b=$("$neuroperf" machine-key "$work/build/bench-results/bench_selftest.json")
[[ $key_b == fake-b-*cpu-x86-64-v2 && $key_b != "$key_a" ]] || fail "machine key of B: '$key_b'"
local_b="$NEUROPERF_STATE_DIR/baselines/$key_b/bench_selftest.json"
has "recorded this run as the local baseline $local_b"
[[ -f $local_b ]] || fail "no local baseline at $local_b"
[[ ! -e $NEUROPERF_BASELINES_DIR/$key_b ]] || fail "a committed folder was written for B"
cmp -s "$local_b" "$work/build/bench-results/bench_selftest.json" || fail "the local baseline is not the run"

# B again: compared with its local baseline, and it passes.
check 0 on_machine B
has "compared with the local baseline $local_b (machine $key_b)"
has "-> PASS"
cmp -s "$local_b" "$work/build/bench-results/bench_selftest.json" && fail "the second run replaced the local baseline"
# ... and the comparison is real: +60 % work in B's run regresses against the local baseline.
check 1 env NEURO_SELFTEST_EXTRA_WORK_PERCENT=60 NEUROPERF_CPU_MODEL="Fake CPU B" \
  NEUROPERF_ISA_LEVEL=x86-64-v2
has "regressed"

# A: compared with its committed baseline.
check 0 on_machine A
has "compared with the committed baseline $NEUROPERF_BASELINES_DIR/$key_a/bench_selftest.json"

# A committed baseline under B's key but from another compiler: not used, the local one is.
mkdir -p "$NEUROPERF_BASELINES_DIR/$key_b"
/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["context"]["compiler"] = "other compiler 1.0"
json.dump(d, open(sys.argv[2], "w"))' "$local_b" "$NEUROPERF_BASELINES_DIR/$key_b/bench_selftest.json"
check 0 on_machine B
has "from another machine with the same key $key_b"
has "compared with the local baseline $local_b"

# Baselines recorded before contexts carried isa_level sit under the key without it: used when
# the fingerprint agrees (machine C).
run_on C "$work/c.json"
key_c=$("$neuroperf" machine-key "$work/c.json")
older_c=${key_c%-x86-64-v2}
[[ $older_c != "$key_c" ]] || fail "machine key of C has no ISA level: $key_c"
mkdir -p "$NEUROPERF_BASELINES_DIR/$older_c"
/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); del d["context"]["isa_level"]
json.dump(d, open(sys.argv[2], "w"))' "$work/c.json" "$NEUROPERF_BASELINES_DIR/$older_c/bench_selftest.json"
[[ $("$neuroperf" machine-key "$NEUROPERF_BASELINES_DIR/$older_c/bench_selftest.json") == "$older_c" ]] ||
  fail "the older baseline's key is not $older_c"
check 0 on_machine C
has "compared with the committed baseline $NEUROPERF_BASELINES_DIR/$older_c/bench_selftest.json"

# The summary line names the baseline used (run-suite writes one per executable).
prefix="$work/verdict"
mkdir -p "$work/b2" "$work/b3"
run_on B "$work/b2/bench_selftest.json"
on_machine B neuro_judge "$neuroperf" "$work/b2/bench_selftest.json" "$prefix" 1 2>/dev/null
line=$(neuro_baseline_line bench_selftest)
[[ $line == *"PASS against the local baseline \`$local_b\` (machine \`$key_b\`)"* ]] ||
  fail "summary line: $line"
[[ -f $prefix.json && -f $prefix.md ]] || fail "neuro_judge wrote no compare_*.json/.md"
rm -rf "${NEUROPERF_BASELINES_DIR:?}/$key_b" "$NEUROPERF_STATE_DIR/baselines"
run_on B "$work/b3/bench_selftest.json"
neuro_judge "$neuroperf" "$work/b3/bench_selftest.json" "$prefix" 0 2>/dev/null
line=$(neuro_baseline_line bench_selftest)
[[ $line == *"not compared: no baseline for machine \`$key_b\`"* ]] || fail "summary line: $line"
[[ ! -e $NEUROPERF_STATE_DIR/baselines ]] || fail "a run with errors (RECORD=0) was recorded"
# run-suite's gate over a run folder (neuro_gate_run_dir) and the suite page it feeds: B's first
# run is recorded (NO BASELINE on the page), the second is compared with that local baseline
# (PASS), a +60 % run regresses (FAIL), and a run that failed is neither compared nor recorded.
gate() {  # gate DIR [EXTRA_WORK_PERCENT [PARTIAL]]: a run folder as run-suite leaves it, judged and rendered
  mkdir -p "$1"
  NEURO_SELFTEST_EXTRA_WORK_PERCENT=${2:-0} run_on B "$1/bench_selftest.json"
  echo "# neuroperf benchmark summary" >"$1/summary.md"
  regressed=()
  neuro_gate_run_dir "$neuroperf" "$1" "${3:-0}" 2>"$1/gate.log"
  "$neuroperf" report-suite "$1" 2>/dev/null || fail "report-suite $1 failed"
}
tsv_line() { sed -n 2p "$1/verdicts.tsv"; }
page_verdict() {  # the overview's verdict of bench_selftest
  grep -o 'data-exe="bench_selftest"><td><a[^>]*>[^<]*</a></td><td><span[^>]*>[^<]*<' "$1/index.html" |
    sed 's/.*>\([^<]*\)<$/\1/'
}
failed=()
gate "$work/run1"
[[ $(tsv_line "$work/run1") == "bench_selftest	$key_b	recorded	$local_b	77" ]] ||
  fail "run1 verdicts.tsv: $(tsv_line "$work/run1")"
grep -qF "not compared: no baseline for machine \`$key_b\`; this run was recorded" "$work/run1/summary.md" ||
  fail "run1 summary.md lacks the recorded line"
[[ $(page_verdict "$work/run1") == "NO BASELINE" ]] || fail "run1 page: $(page_verdict "$work/run1")"
grep -qF "this run was recorded as the local baseline <code>$local_b</code>" "$work/run1/index.html" ||
  fail "run1 page does not name the recorded baseline"
gate "$work/run2"
[[ $(tsv_line "$work/run2") == "bench_selftest	$key_b	local	$local_b	0" ]] ||
  fail "run2 verdicts.tsv: $(tsv_line "$work/run2")"
grep -qF "## bench_selftest against $local_b" "$work/run2/summary.md" || fail "run2 summary.md lacks the comparison"
[[ $(page_verdict "$work/run2") == PASS && ${#regressed[@]} -eq 0 ]] ||
  fail "run2: page $(page_verdict "$work/run2"), regressed ${regressed[*]}"
grep -qF "Judged against the local baseline <code>$local_b</code>" "$work/run2/index.html" ||
  fail "run2 page does not name its baseline"
gate "$work/run3" 60
[[ $(tsv_line "$work/run3") == "bench_selftest	$key_b	local	$local_b	1" ]] ||
  fail "run3 verdicts.tsv: $(tsv_line "$work/run3")"
[[ $(page_verdict "$work/run3") == FAIL && ${regressed[*]} == bench_selftest ]] ||
  fail "run3 (+60 %): page $(page_verdict "$work/run3"), regressed '${regressed[*]}'"
grep -q 'data-status="regressed"' "$work/run3/index.html" || fail "run3 page shows no regressed row"
rm -rf "$NEUROPERF_STATE_DIR/baselines"
failed=(bench_selftest)
gate "$work/run4"
[[ $(tsv_line "$work/run4") == "bench_selftest	$key_b	none		77" ]] ||
  fail "run4 (a failed run) verdicts.tsv: $(tsv_line "$work/run4")"
[[ ! -e $NEUROPERF_STATE_DIR/baselines ]] || fail "a failed run was recorded as the local baseline"
[[ $(page_verdict "$work/run4") == "NO BASELINE" ]] || fail "run4 page: $(page_verdict "$work/run4")"
# A --filter run (some benchmarks only) is not recorded either: it would stand for the whole
# executable in every later comparison on this machine.
failed=()
gate "$work/run5" 0 1
[[ $(tsv_line "$work/run5") == "bench_selftest	$key_b	none		77" ]] ||
  fail "run5 (a --filter run) verdicts.tsv: $(tsv_line "$work/run5")"
[[ ! -e $NEUROPERF_STATE_DIR/baselines ]] || fail "a --filter run was recorded as the local baseline"
grep -qF "(a --filter run, nothing recorded)" "$work/run5/summary.md" ||
  fail "run5 summary.md does not say why nothing was recorded"
# A run of 3 repetitions is not recorded: 3 against 3 can never be significant (p >= 1/20), so
# it could never fail a later run. run-suite and bench-check ask for 5 when none is there yet.
mkdir -p "$work/run6"
on_machine B "$selftest" --benchmark_repetitions=3 --benchmark_min_time=0.02 \
  --benchmark_context="$(on_machine B neuro_benchmark_context release)" \
  --benchmark_out="$work/run6/bench_selftest.json" --benchmark_out_format=json >/dev/null 2>&1
[[ $(neuro_run_repetitions "$work/run6/bench_selftest.json") == 3 ]] ||
  fail "neuro_run_repetitions of a 3-repetition run: $(neuro_run_repetitions "$work/run6/bench_selftest.json")"
[[ $(neuro_run_repetitions "$work/run1/bench_selftest.json") == 6 ]] || fail "neuro_run_repetitions of run1"
neuro_judge "$neuroperf" "$work/run6/bench_selftest.json" "$work/run6/compare" 1 2>/dev/null
[[ $judged_kind == none && ! -e $NEUROPERF_STATE_DIR/baselines ]] ||
  fail "a 3-repetition run was recorded ($judged_kind)"
line=$(neuro_baseline_line bench_selftest)
[[ $line == *"(3 repetitions, nothing recorded: a baseline needs 5 so that a later run can fail against it)"* ]] ||
  fail "summary line of a 3-repetition run: $line"
# The machine's key and fingerprint from its calibration benchmark alone, and the repetitions
# asked for: 5 while no baseline this machine can use is there.
on_machine B neuro_machine_probe "$selftest" "$work/probe_b.json" || fail "probe on B failed"
[[ $("$neuroperf" machine-key "$work/probe_b.json") == "$key_b" ]] || fail "the probe's key on B"
[[ $(neuro_repetitions_for "$neuroperf" "$work/probe_b.json" bench_selftest 3 2>"$work/why") == 5 ]] ||
  fail "no baseline on B: 3 repetitions kept"
grep -qF "bench_selftest: no baseline for machine $key_b yet: 5 repetitions (not 3)" "$work/why" ||
  fail "neuro_repetitions_for does not say why: $(cat "$work/why")"
[[ $(neuro_repetitions_for "$neuroperf" "$work/probe_b.json" bench_selftest 7 2>/dev/null) == 7 ]] ||
  fail "7 repetitions not kept"
[[ $(neuro_repetitions_for "$neuroperf" "$work/none.json" bench_selftest 3 2>/dev/null) == 3 ]] ||
  fail "no probe: 3 not kept"
# A committed baseline under B's key from another compiler is no baseline for B: still 5.
mkdir -p "$NEUROPERF_BASELINES_DIR/$key_b"
/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["context"]["compiler"] = "other compiler 1.0"
json.dump(d, open(sys.argv[2], "w"))' "$work/run1/bench_selftest.json" "$NEUROPERF_BASELINES_DIR/$key_b/bench_selftest.json"
[[ $(neuro_repetitions_for "$neuroperf" "$work/probe_b.json" bench_selftest 3 2>/dev/null) == 5 ]] ||
  fail "a foreign committed baseline counted as B's"
rm -rf "${NEUROPERF_BASELINES_DIR:?}/$key_b"
# A local baseline of 3 repetitions (recorded before the rule) is not used: 5 are asked for, and
# the next run with enough replaces it.
mkdir -p "$NEUROPERF_STATE_DIR/baselines/$key_b"
cp "$work/run6/bench_selftest.json" "$local_b"
[[ $(neuro_repetitions_for "$neuroperf" "$work/probe_b.json" bench_selftest 3 2>/dev/null) == 5 ]] ||
  fail "a 3-repetition local baseline counted as B's"
mkdir -p "$work/run7"
run_on B "$work/run7/bench_selftest.json"
neuro_judge "$neuroperf" "$work/run7/bench_selftest.json" "$work/run7/compare" 1 2>"$work/why"
[[ $judged_kind == recorded ]] || fail "run7 over a 3-repetition local baseline: $judged_kind"
grep -qF "the local baseline $local_b is unreadable or has fewer than 5 repetitions (no run can fail against it): not used" "$work/why" ||
  fail "run7 does not say why the old local baseline was passed over: $(cat "$work/why")"
cmp -s "$local_b" "$work/run7/bench_selftest.json" || fail "run7 did not replace the 3-repetition baseline"
rm -rf "$NEUROPERF_STATE_DIR/baselines"
on_machine A neuro_machine_probe "$selftest" "$work/probe_a.json" || fail "probe on A failed"
[[ $(neuro_repetitions_for "$neuroperf" "$work/probe_a.json" bench_selftest 3 2>/dev/null) == 3 ]] ||
  fail "A has a committed baseline: 3 repetitions not kept"
echo "baselines_test: committed, local, recorded and foreign-with-the-same-key baselines behave; failed, --filter and 3-repetition runs are not recorded (5 asked for instead); run-suite's gate and the page name the baseline behind each verdict"
