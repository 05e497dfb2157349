# shellcheck shell=bash disable=SC2016
# (SC2016: backticks in single quotes are markdown code spans.)
# Baselines that follow the machine, for run-suite, bench-check and update-baselines (sourced
# after lib.sh). A run is judged against, in this order:
#   1. the committed baseline  baselines/<machine-key>/<bench>.json  (NEUROPERF_BASELINES_DIR
#      replaces baselines/), the key from `neuroperf machine-key RUN.json` (CPU model, CPU count,
#      ISA level);
#      Baselines recorded before runs carried the ISA level sit under the key without it
#      (baselines/amd-epyc-2cpu/); that folder is looked at next, the fingerprint check deciding;
#   2. the local baseline  <state dir>/baselines/<machine-key>/<bench>.json, recorded by an
#      earlier run on this machine (state dir: NEUROPERF_STATE_DIR, else scripts/services' one);
#   3. none: the run itself is recorded as the local baseline (when it ran without errors) and
#      the next run on this machine compares against it.
# A baseline whose fingerprint still differs (same key, other compiler or caches: compare exits
# 77) is passed over for the next one; a foreign local baseline is recorded again.
# A run is recorded only when it has NEURO_MIN_BASELINE_REPETITIONS repetitions of every
# benchmark: the gate's U test cannot reach p < 0.05 with 3 against 3 (its smallest p is 1/20),
# so a baseline of run-suite's default 3 could never fail a later run; 5 against 3 can (1/56).
# run-suite and bench-check run an executable with no baseline yet with that many
# (neuro_repetitions_for).
NEURO_MIN_BASELINE_REPETITIONS=5

# neuro_state_dir: the services' state directory (outside the repository).
neuro_state_dir() {
  local checkout_hash
  checkout_hash=$(printf '%s' "$NEURO_ROOT" | cksum | cut -d' ' -f1)
  echo "${NEUROPERF_STATE_DIR:-/tmp/neuroperf-services-$(id -u)-$checkout_hash}"
}

# neuro_committed_baselines KEY: the folder of the committed baselines of machine KEY.
neuro_committed_baselines() {
  echo "${NEUROPERF_BASELINES_DIR:-$NEURO_ROOT/baselines}/$1"
}

# neuro_thresholds: the shared thresholds (beside the machine folders).
neuro_thresholds() {
  local dir=${NEUROPERF_BASELINES_DIR:-$NEURO_ROOT/baselines}
  if [[ -f $dir/thresholds.yaml ]]; then echo "$dir/thresholds.yaml"; else echo "$NEURO_ROOT/baselines/thresholds.yaml"; fi
}

# neuro_judge NEUROPERF RUN_JSON OUT_PREFIX RECORD: compares RUN_JSON with the baseline chosen
# as above and writes OUT_PREFIX.md, .json and .txt (compare's markdown, json and text). RECORD=1
# lets a run without a baseline become the local one (when it has NEURO_MIN_BASELINE_REPETITIONS
# repetitions); 0 (the run had errors) and `partial` (a --filter run: some benchmarks only, it
# would stand for the whole executable) do not. Sets judged_key, judged_kind (committed,
# local, recorded: this run is now the local baseline, none: nothing compared or recorded),
# judged_baseline (the file) and judged_code (compare's exit: 0, 1, 2; 77 when nothing was
# compared). Says what it used on stderr. Compare's own messages go to OUT_PREFIX.log.
neuro_judge() {
  local neuroperf=$1 run=$2 prefix=$3 record=$4 name local_file candidate kind code
  name=$(basename "$run" .json)
  judged_kind=none judged_baseline='' judged_code=77 judged_why=''
  rm -f "$prefix.md" "$prefix.json" "$prefix.txt" "$prefix.log"
  judged_key=$("$neuroperf" machine-key "$run" 2>>"$prefix.log") ||
    { judged_code=2; log "${0##*/}: $name: cannot read $run (see $prefix.log)"; return 0; }
  local_file="$(neuro_state_dir)/baselines/$judged_key/$name.json"
  # fd 3: compare must not read the candidates as its stdin.
  while IFS=$'\t' read -r -u 3 kind candidate; do
    [[ -f $candidate ]] || continue
    if ! neuro_usable_candidate "$kind" "$candidate"; then
      log "${0##*/}: $name: the local baseline $candidate is unreadable or has fewer than" \
        "$NEURO_MIN_BASELINE_REPETITIONS repetitions (no run can fail against it): not used"
      continue
    fi
    code=0
    "$neuroperf" compare "$candidate" "$run" --config "$(neuro_thresholds)" --format json \
      --out "$prefix.json" 2>>"$prefix.log" || code=$?
    if [[ $code -eq 77 ]]; then
      log "${0##*/}: $name: the $kind baseline $candidate is from another machine with the same key" \
        "$judged_key (see $prefix.log): not used"
      continue
    fi
    "$neuroperf" compare "$candidate" "$run" --config "$(neuro_thresholds)" --format markdown \
      --out "$prefix.md" 2>>"$prefix.log" || true
    "$neuroperf" compare "$candidate" "$run" --config "$(neuro_thresholds)" --format text \
      --out "$prefix.txt" 2>>"$prefix.log" || true
    judged_kind=$kind judged_baseline=$candidate judged_code=$code
    log "${0##*/}: $name: compared with the $kind baseline $candidate (machine $judged_key)"
    return 0
  done 3< <(neuro_baseline_candidates "$judged_key" "$name")
  local repetitions
  if [[ $record == 1 ]]; then
    repetitions=$(neuro_run_repetitions "$run")
    if ((repetitions < NEURO_MIN_BASELINE_REPETITIONS)); then
      record=few
      judged_why="$repetitions repetitions, nothing recorded: a baseline needs $NEURO_MIN_BASELINE_REPETITIONS so that a later run can fail against it"
    fi
  fi
  if [[ $record == 1 ]]; then
    mkdir -p "$(dirname "$local_file")"
    cp "$run" "$local_file"
    judged_kind=recorded judged_baseline=$local_file
    log "${0##*/}: $name: no baseline for machine $judged_key in $(neuro_committed_baselines "$judged_key")/:" \
      "recorded this run as the local baseline $local_file; the next run on this machine" \
      "compares against it"
  else
    case $record in
      partial) judged_why="a --filter run, nothing recorded" ;;
      few) ;;
      *) judged_why="run with errors, nothing recorded" ;;
    esac
    log "${0##*/}: $name: no baseline for machine $judged_key: $judged_why"
  fi
}

# neuro_baseline_candidates KEY NAME: the baselines a run of NAME on machine KEY is judged
# against, in order, one "kind<TAB>file" a line (the files may not exist): committed, committed
# under the key without the ISA level, local.
neuro_baseline_candidates() {
  local key=$1 name=$2 older_key=${1%-x86-64-v[1-4]}
  printf 'committed\t%s\n' "$(neuro_committed_baselines "$key")/$name.json"
  [[ $older_key == "$key" ]] || printf 'committed\t%s\n' "$(neuro_committed_baselines "$older_key")/$name.json"
  printf 'local\t%s\n' "$(neuro_state_dir)/baselines/$key/$name.json"
}

# neuro_run_repetitions RUN_JSON: the fewest repetitions any benchmark of the run has (0: none,
# or a file it cannot read).
neuro_run_repetitions() {
  /usr/bin/python3 -c 'import collections, json, sys
rows = json.load(open(sys.argv[1])).get("benchmarks", [])
n = collections.Counter(b.get("run_name", b.get("name")) for b in rows
                        if b.get("run_type") == "iteration")
print(min(n.values(), default=0))' "$1" 2>/dev/null || echo 0
}

# neuro_usable_candidate KIND FILE: false for a local baseline with fewer than
# NEURO_MIN_BASELINE_REPETITIONS repetitions (recorded before that rule: no run could fail
# against it, so the next run with enough replaces it). Committed ones are taken as committed.
neuro_usable_candidate() {
  [[ $1 != local ]] || (($(neuro_run_repetitions "$2") >= NEURO_MIN_BASELINE_REPETITIONS))
}

# neuro_machine_probe BENCH_EXE OUT_JSON: a run of the executable's calibration benchmark alone
# (about a second, no service needed), with run-suite's context: this machine's key and
# fingerprint, for neuro_repetitions_for. Fails when the run does.
neuro_machine_probe() {
  "$1" --benchmark_filter='^calibration/machine_speed$' --benchmark_repetitions=1 \
    --benchmark_context="$(neuro_benchmark_context release)" \
    --benchmark_out="$2" --benchmark_out_format=json >/dev/null 2>&1
}

# neuro_repetitions_for NEUROPERF PROBE_JSON NAME REPETITIONS: REPETITIONS, or
# NEURO_MIN_BASELINE_REPETITIONS when fewer were asked and NAME has no baseline this machine can
# use (none, or only ones with another fingerprint: compare exits 77 against the probe), so that
# this run will be recorded as its baseline. Says so on stderr. Without a probe (empty or
# unreadable PROBE_JSON) keeps REPETITIONS.
neuro_repetitions_for() {
  local neuroperf=$1 probe=$2 name=$3 repetitions=$4 key kind candidate code
  if ((repetitions >= NEURO_MIN_BASELINE_REPETITIONS)) || [[ ! -s $probe ]] ||
    ! key=$("$neuroperf" machine-key "$probe" 2>/dev/null); then
    echo "$repetitions"
    return 0
  fi
  while IFS=$'\t' read -r -u 3 kind candidate; do
    [[ -f $candidate ]] || continue
    neuro_usable_candidate "$kind" "$candidate" || continue
    code=0
    "$neuroperf" compare "$candidate" "$probe" --config "$(neuro_thresholds)" --format json \
      --out /dev/null >/dev/null 2>&1 || code=$?
    if [[ $code -ne 77 ]]; then
      echo "$repetitions"
      return 0
    fi
  done 3< <(neuro_baseline_candidates "$key" "$name")
  log "${0##*/}: $name: no baseline for machine $key yet: $NEURO_MIN_BASELINE_REPETITIONS repetitions" \
    "(not $repetitions), so that the run recorded as its baseline can fail a later one"
  echo "$NEURO_MIN_BASELINE_REPETITIONS"
}

# neuro_baseline_line NAME: one line for summary.md saying which baseline the verdict used.
neuro_baseline_line() {
  local verdict
  case $judged_code in
    0) verdict=PASS ;;
    1) verdict=FAIL ;;
    77) verdict="not compared" ;;
    *) verdict="compare error (exit $judged_code)" ;;
  esac
  case $judged_kind in
    committed | local)
      printf -- '- `%s`: %s against the %s baseline `%s` (machine `%s`)\n' "$1" "$verdict" \
        "$judged_kind" "${judged_baseline#"$NEURO_ROOT"/}" "$judged_key" ;;
    recorded)
      printf -- '- `%s`: not compared: no baseline for machine `%s`; this run was recorded as the local baseline `%s` (the next run compares against it)\n' \
        "$1" "$judged_key" "$judged_baseline" ;;
    *)
      printf -- '- `%s`: not compared: no baseline for machine `%s` (%s)\n' "$1" "$judged_key" \
        "${judged_why:-nothing recorded}" ;;
  esac
}

# neuro_gate_run_dir NEUROPERF DIR [PARTIAL]: the regression gate over a run folder, as run-suite
# does it: each DIR/bench_*.json judged by neuro_judge (a run named in the caller's `failed`
# array, or any with PARTIAL=1 (a --filter run), is not recorded as a baseline), DIR/verdicts.tsv (executable, machine_key, baseline_kind, baseline,
# compare_exit: which baseline each verdict used, for the suite page), and in DIR/summary.md a
# "Baselines used" list and each comparison. Adds regressed executables to the caller's
# `regressed` array and failed comparisons to `failed` ("compare:NAME").
neuro_gate_run_dir() {
  local neuroperf=$1 dir=$2 partial=${3:-0} json name record baseline
  printf 'executable\tmachine_key\tbaseline_kind\tbaseline\tcompare_exit\n' >"$dir/verdicts.tsv"
  { echo; echo "## Baselines used"; echo; } >>"$dir/summary.md"
  for json in "$dir"/bench_*.json; do
    [[ -f $json ]] || continue
    name=$(basename "$json" .json)
    record=1
    [[ " ${failed[*]} " != *" $name "* ]] || record=0
    [[ $partial == 0 || $record == 0 ]] || record=partial
    neuro_judge "$neuroperf" "$json" "$dir/compare_$name" "$record"
    case $judged_code in
      0 | 77) ;;
      1) regressed+=("$name") ;;
      *) log "${0##*/}: comparing $name failed (exit $judged_code, see $dir/compare_$name.log)"
        failed+=("compare:$name") ;;
    esac
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$judged_key" "$judged_kind" "$judged_baseline" \
      "$judged_code" >>"$dir/verdicts.tsv"
    neuro_baseline_line "$name" >>"$dir/summary.md"
  done
  for json in "$dir"/bench_*.json; do
    name=$(basename "$json" .json)
    [[ -f $dir/compare_$name.md ]] || continue
    baseline=$(awk -F'\t' -v n="$name" '$1 == n { print $4 }' "$dir/verdicts.tsv")
    { echo; echo "## $name against ${baseline#"$NEURO_ROOT"/}"; echo; cat "$dir/compare_$name.md"; } >>"$dir/summary.md"
  done
}
