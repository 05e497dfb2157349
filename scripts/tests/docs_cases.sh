# shellcheck shell=bash disable=SC2154,SC2034,SC2016
# (SC2154/SC2034: $build, $work and the helpers come from docs_test.sh, which sources this file
# and reads docs_case_for; SC2016: backticks in quotes are markdown code spans, not commands.)
# The cases of docs_test.sh: each README command (its key, see readme_commands there) names the
# case functions that run it in its documented form. Sourced by docs_test.sh, which provides
# $build, $work (a fresh temporary folder), expect, contains, json, fail, skip and release_only.
# A case ends 0 (passed), fails with `fail`, or skips with `skip REASON` (exit 77).
# A function line ending in `# lock` marks a case that builds or writes into build/ or reports/:
# CTest runs those one at a time (RESOURCE_LOCK).

declare -A docs_case_for=(
  [scripts/services]=services
  [scripts/setup]=setup
  [scripts/profile]="profile_name profile_path profile_callgrind"
  [scripts/update-baselines]=update_baselines
  [scripts/bench-callgrind]=bench_callgrind
  ["ctest -L bench"]="ctest_bench bench_check"
  ["ctest -L unit"]=ctest_unit
  [build/release/benchmarks/bench_dsp]=bench_executable
  ["neuroperf load"]=neuroperf_load
  ["neuroperf merge"]=neuroperf_merge
  ["neuroperf report"]=neuroperf_merge
  ["neuroperf compare"]=neuroperf_compare
  ["neuroperf summary"]=neuroperf_summary
  ["neuroperf synth"]=neuroperf_synth
  ["neuroperf synth-video"]=neuroperf_synth_video
  ["neuroperf serve"]=neuroperf_serve
  ["neuroperf machine-key"]=neuroperf_machine_key
  ["neuroperf report-suite"]=neuroperf_report_suite
  ["neuroperf history"]=neuroperf_history
  [scripts/ab]=ab
  [scripts/anchors/redis_benchmark.sh]=anchors_help
  [scripts/anchors/pg_write_anchor.sh]=anchors_help
  [scripts/anchors/load_wrk.sh]=anchors_help
  [scripts/anchors/load_locust.sh]=anchors_help
  [scripts/anchors/inference_torch.py]=anchors_help
  [scripts/anchors/load_coordinated_omission.sh]=anchors_help
  [scripts/anchors/libcurl_vs_epoll.sh]=anchors_help
  [scripts/anchors/load_soak_memory.sh]=anchors_help
  [scripts/anchors/compare_py.sh]=anchors_help
  [scripts/anchors/compare_gate.sh]=anchors_help
  [scripts/anchors/dsp_scipy.py]=anchors_help
  [scripts/anchors/video_opencv.py]=anchors_help
  [scripts/anchors/ws_websockets.py]=anchors_help
  [scripts/anchors/upload_stages.py]=anchors_help
  [scripts/anchors/wire_latency.py]=anchors_help
  [build/release/benchmarks/bench_video]=bench_video
  [scripts/fuzz]=fuzz
  [scripts/faults]=faults
)

neuroperf_bin() { echo "$build/tools/cli/neuroperf"; }
selftest_bin() { echo "$build/benchmarks/bench_selftest"; }

# A bench_selftest run as run-suite makes it (same context, so compare takes it as this machine's).
selftest_run() {  # selftest_run OUT.json REPETITIONS
  "$(selftest_bin)" --benchmark_repetitions="$2" --benchmark_min_time=0.02 \
    --benchmark_context="$(neuro_benchmark_context release)" \
    --benchmark_out="$1" --benchmark_out_format=json >/dev/null 2>&1 ||
    fail "bench_selftest did not run"
}

# The services' tests are the integration test scripts.services (scripts/tests/services_test.sh:
# start, idempotence, stop, status, env, reset-engine, clean, --redis-aof, usage errors); here
# its --help and that the test is registered.
case_services() {
  expect 0 "$NEURO_ROOT/scripts/services" --help
  local word
  for word in start stop status env reset-engine clean --redis-aof NEUROPERF_STATE_DIR; do
    contains "$work/stdout" "$word" "scripts/services --help"
  done
  expect 0 ctest --test-dir "$build" -N -R '^scripts\.services$'
  contains "$work/stdout" 'Total Tests: 1' "ctest -N -R scripts.services"
}

case_setup() {  # silent when every package is there
  expect 0 "$NEURO_ROOT/scripts/setup"
  [[ ! -s $work/stdout && ! -s $work/stderr ]] || fail "scripts/setup printed: $(cat "$work/stdout" "$work/stderr")"
}

# The main job with a --filter no benchmark matches, or one that is no regular expression: exit
# 2 and one line saying so, before any service starts (Google Benchmark would write empty JSON
# files the summary refuses).
case_run_suite_filter() {  # lock
  release_only
  expect 2 "$NEURO_ROOT/scripts/run-suite" --filter NoSuchBenchmarkAnywhere --no-anchors --no-load
  contains "$work/stderr" "--filter 'NoSuchBenchmarkAnywhere' matches no benchmark of any executable"
  # A filter that is no regular expression says why.
  expect 2 "$NEURO_ROOT/scripts/run-suite" --filter '[' --no-anchors --no-load
  contains "$work/stderr" "Could not compile benchmark re"
}

# perf_or_skip: profiles need perf and a kernel that lets it count.
perf_or_skip() {
  command -v perf >/dev/null || skip "perf is not installed (scripts/setup installs linux-perf)"
  perf stat -e cpu-clock true >/dev/null 2>&1 ||
    skip "perf cannot count here (perf stat -e cpu-clock true fails: perf_event_paranoid or a container)"
}
# check_profile: the hottest symbols on stdout, the data in the new reports/profile-<UTC>/
# (named on stderr, removed afterwards: a test leaves no report behind).
check_profile() {  # check_profile DATA_FILE
  local dir
  dir=$(sed -n 's/^profile: .* -> \(.*\)$/\1/p' "$work/stderr")
  [[ -n $dir ]] || fail "scripts/profile did not name its report folder"
  [[ $dir == "$NEURO_ROOT/reports/profile-"* ]] || fail "report folder $dir is not reports/profile-<UTC>"
  [[ $(basename "$dir") =~ ^profile-[0-9]{8}T[0-9]{6}Z$ ]] || fail "$dir: not profile-<UTC timestamp>"
  local data=$dir/$1
  [[ -s $data && -s $dir/benchmark.txt ]] || { rm -rf "$dir"; fail "$dir lacks $1 or benchmark.txt"; }
  rm -rf "$dir"
}
case_profile_name() {  # lock
  release_only
  perf_or_skip
  expect 0 "$NEURO_ROOT/scripts/profile" bench_selftest '^BM_SelfTestWork$' --seconds 0.1
  contains "$work/stdout" '^ +[0-9.]+%' "the hottest symbols"
  check_profile perf.data
  expect 2 "$NEURO_ROOT/scripts/profile" bench_nonexistent x
  contains "$work/stderr" "unknown benchmark executable 'bench_nonexistent' \(known: .*bench_selftest"
}
case_profile_path() {  # lock
  perf_or_skip
  expect 0 "$NEURO_ROOT/scripts/profile" "$(selftest_bin)" 'BM_SelfTestWork' --seconds 0.1
  contains "$work/stdout" '^ +[0-9.]+%.*[A-Za-z_]' "the hottest symbols"
  check_profile perf.data
  expect 2 "$NEURO_ROOT/scripts/profile" "$(selftest_bin)" 'BM_NoSuchBenchmark'
  contains "$work/stderr" "no benchmark matches 'BM_NoSuchBenchmark'"
}
case_profile_callgrind() {  # lock
  release_only
  command -v valgrind >/dev/null || skip "valgrind is not installed (scripts/setup installs it)"
  expect 0 "$NEURO_ROOT/scripts/profile" bench_selftest '^BM_SelfTestWork$' --callgrind
  contains "$work/stdout" 'Ir' "callgrind_annotate's table"
  check_profile callgrind.out
}

case_bench_callgrind() {  # lock
  release_only
  command -v valgrind >/dev/null || skip "valgrind is not installed (scripts/setup installs it)"
  expect 0 "$NEURO_ROOT/scripts/bench-callgrind" bench_selftest --filter '^BM_SelfTestWork$' \
    --iterations 3 --out "$work/cg.json"
  [[ $(cat "$work/stdout") == "$work/cg.json" ]] || fail "stdout is not the output path: $(cat "$work/stdout")"
  json "$work/cg.json" 'd["context"]["neuroperf_mode"] == "callgrind" and
    [b["name"] for b in d["benchmarks"]] == ["BM_SelfTestWork"] and d["benchmarks"][0]["instructions"] > 0'
  # The instruction count gates: the same file against itself passes in instruction mode.
  expect 0 "$(neuroperf_bin)" compare "$work/cg.json" "$work/cg.json"
  contains "$work/stdout" 'PASS'
}

case_update_baselines() {  # lock
  release_only
  local before after key
  before=$(find "$NEURO_ROOT/baselines" -type f | sort | xargs cksum)
  # 3 against 3 repetitions cannot be significant (docs/compare.md): the two runs always agree.
  expect 0 "$NEURO_ROOT/scripts/update-baselines" bench_selftest --repetitions 3 --min-time 0.02 \
    --out "$work/baselines"
  json "$work/baselines/bench_selftest.json" \
    'len([b for b in d["benchmarks"] if b["name"].startswith("BM_SelfTestWork")]) >= 3'
  contains "$work/stderr" "wrote $work/baselines/bench_selftest.json"
  contains "$work/stderr" 'warning: 3 repetitions: a run of as few can never fail against such a baseline'
  # A second run prints its change against the previous baseline.
  expect 0 "$NEURO_ROOT/scripts/update-baselines" bench_selftest --repetitions 3 --min-time 0.02 \
    --out "$work/baselines"
  contains "$work/stdout" 'BM_SelfTestWork' "the change against the previous baseline"
  # Without --out: this machine's folder, <baselines>/<machine-key>/.
  NEUROPERF_BASELINES_DIR="$work/committed" expect 0 "$NEURO_ROOT/scripts/update-baselines" \
    bench_selftest --repetitions 3 --min-time 0.02
  key=$("$(neuroperf_bin)" machine-key "$work/baselines/bench_selftest.json")
  contains "$work/stderr" "wrote $work/committed/$key/bench_selftest.json"
  after=$(find "$NEURO_ROOT/baselines" -type f | sort | xargs cksum)
  [[ $before == "$after" ]] || fail "update-baselines --out changed the repository's baselines/"
  expect 2 "$NEURO_ROOT/scripts/update-baselines" bench_nonexistent --out "$work/baselines"
}

# `ctest -L bench` runs bench-check for each executable: the first run on a machine without a
# committed baseline records a local one and is skipped; with a committed baseline for this
# machine's key (NEUROPERF_BASELINES_DIR/<key>/, made here) it is compared.
case_ctest_bench() {  # lock
  local key
  mkdir -p "$work/none"
  NEUROPERF_BASELINES_DIR="$work/none" NEUROPERF_STATE_DIR="$work/state" expect 0 \
    ctest --test-dir "$build" -L bench -R '^bench\.bench_selftest$'
  contains "$work/stdout" 'Skipped' "ctest -L bench without a baseline"
  selftest_run "$work/run.json" 3
  key=$("$(neuroperf_bin)" machine-key "$work/run.json")
  mkdir -p "$work/baselines/$key"
  mv "$work/run.json" "$work/baselines/$key/bench_selftest.json"
  NEUROPERF_BASELINES_DIR="$work/baselines" NEUROPERF_STATE_DIR="$work/state2" \
    NEURO_BENCH_REPETITIONS=3 NEURO_BENCH_MIN_TIME=0.02 \
    expect 0 ctest --test-dir "$build" -L bench -R '^bench\.bench_selftest$'
  contains "$work/stdout" '100% tests passed, 0 tests failed out of 1' "ctest -L bench"
}
case_bench_check() {  # lock
  local key
  mkdir -p "$work/none"
  NEUROPERF_BASELINES_DIR="$work/none" NEUROPERF_STATE_DIR="$work/state" expect 77 \
    "$NEURO_ROOT/scripts/bench-check" "$(selftest_bin)" --repetitions 3 --min-time 0.02
  contains "$work/stderr" 'recorded this run as the local baseline'
  contains "$work/stderr" 'yet: 5 repetitions .not 3., so that the run recorded as its baseline can fail a later one'
  key=$("$(neuroperf_bin)" machine-key "$build/bench-results/bench_selftest.json")
  [[ -f $work/state/baselines/$key/bench_selftest.json ]] || fail "no local baseline recorded"
  json "$work/state/baselines/$key/bench_selftest.json" \
    'len([b for b in d["benchmarks"] if b["name"] == "BM_SelfTestWork" and b["run_type"] == "iteration"]) == 5'
  # 3 against the 5 recorded can now fail (p down to 1/56): a loose threshold keeps this case
  # about bench-check's plumbing, not about this machine's noise at --min-time 0.02.
  printf 'defaults:\n  threshold: 300%%\n' >"$work/none/thresholds.yaml"
  NEUROPERF_BASELINES_DIR="$work/none" NEUROPERF_STATE_DIR="$work/state" expect 0 \
    "$NEURO_ROOT/scripts/bench-check" "$(selftest_bin)" --repetitions 3 --min-time 0.02
  contains "$work/stderr" "compared with the local baseline $work/state/baselines/$key/"
  contains "$work/stdout" '-> PASS' "bench-check's verdict"
  json "$build/bench-results/bench_selftest.json" \
    'len([b for b in d["benchmarks"] if b["name"] == "BM_SelfTestWork" and b["run_type"] == "iteration"]) == 3'
  expect 2 "$NEURO_ROOT/scripts/bench-check" "$work/not-there"
  expect 2 "$NEURO_ROOT/scripts/bench-check" "$(selftest_bin)" --repetitions three
  contains "$work/stderr" "--repetitions: expected a positive integer, got 'three'"
}

# report-suite: a run folder as run-suite leaves it (a run, its comparison, verdicts.tsv) renders
# into one page with every section; a run without a comparison says "NO BASELINE".
case_neuroperf_report_suite() {
  local np
  np=$(neuroperf_bin)
  mkdir -p "$work/run"
  selftest_run "$work/run/bench_selftest.json" 3
  selftest_run "$work/base.json" 3
  "$np" compare "$work/base.json" "$work/run/bench_selftest.json" --format json \
    --out "$work/run/compare_bench_selftest.json" || fail "compare failed"
  printf 'executable\tmachine_key\tbaseline_kind\tbaseline\tcompare_exit\nbench_selftest\tk\tlocal\t%s\t0\n' \
    "$work/base.json" >"$work/run/verdicts.tsv"
  expect 0 "$np" report-suite "$work/run"
  for id in overview exe-bench_selftest anchors load files; do
    contains "$work/run/index.html" "id=\"$id\"" "index.html"
  done
  contains "$work/run/index.html" 'PASS' "index.html's verdict"
  rm "$work/run/compare_bench_selftest.json"
  expect 0 "$np" report-suite "$work/run" --out "$work/page.html"
  contains "$work/page.html" 'NO BASELINE' "a run without a comparison"
  expect 2 "$np" report-suite "$work/not-there"
}

# history: run folders with a planted step (+40 % from the fourth run on) name the revisions
# on either side; a flat benchmark has none.
case_neuroperf_history() {
  local np i
  np=$(neuroperf_bin)
  for i in 1 2 3 4 5 6; do
    mkdir -p "$work/reports/run$i"
    if [[ $i -ge 4 ]]; then
      NEURO_SELFTEST_EXTRA_WORK_PERCENT=40 selftest_run "$work/reports/run$i/bench_selftest.json" 5
    else
      selftest_run "$work/reports/run$i/bench_selftest.json" 5
    fi
  done
  expect 0 "$np" history "$work/reports" --window 3 --out "$work/history.md"
  contains "$work/history.md" 'BM_SelfTestWork.*\*\*\+[34][0-9]\.[0-9] %\*\* between run 2 .* and run 3' "history.md"
  expect 2 "$np" history "$work/not-there"
}

# scripts/ab: this checkout's HEAD against itself, two tiny rounds of bench_selftest (the worktree
# and its build are kept in build/ab/); scripts.ab (label ab) plants a regression too.
case_ab() {  # lock
  release_only
  expect 0 "$NEURO_ROOT/scripts/ab" HEAD HEAD --bench bench_selftest --rounds 2 --repetitions 3 \
    --min-time 0.02 --head-env NEURO_SELFTEST_EXTRA_WORK_PERCENT=0 --out "$work/ab"
  contains "$work/stdout" "$work/ab" "scripts/ab's folder on stdout"
  json "$work/ab/compare_bench_selftest.json" 'not d["failed"]'
  [[ -s $work/ab/index.html && -s $work/ab/base/bench_selftest.json ]] || fail "no page or base/"
  expect 2 "$NEURO_ROOT/scripts/ab" HEAD no-such-revision
}

# machine-key: the folder name from a run's context; fake models give their own keys.
case_neuroperf_machine_key() {
  local np
  np=$(neuroperf_bin)
  NEUROPERF_CPU_MODEL="Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz" NEUROPERF_ISA_LEVEL=x86-64-v4 \
    selftest_run "$work/intel.json" 1
  expect 0 "$np" machine-key "$work/intel.json"
  contains "$work/stdout" '^intel-xeon-platinum-8370c-[0-9]+cpu-x86-64-v4$' "machine-key"
  expect 2 "$np" machine-key "$work/not-there.json"
  expect 2 "$np" machine-key
}

case_ctest_unit() {
  # docs.readme_checker: a unit test that is quick and writes only into its own temporary folder.
  expect 0 ctest --test-dir "$build" -L unit -R '^docs\.readme_checker$'
  contains "$work/stdout" '100% tests passed, 0 tests failed out of 1' "ctest -L unit"
}

case_bench_executable() {
  expect 0 "$build/benchmarks/bench_dsp" --benchmark_filter='BM_ZeroPhaseBandpass/32/30000/1/' \
    --benchmark_min_time=0.01 --benchmark_out="$work/dsp.json" --benchmark_out_format=json
  contains "$work/stdout" 'BM_ZeroPhaseBandpass/32/30000/1/real_time' "the console table"
  json "$work/dsp.json" '[b["name"] for b in d["benchmarks"]] == ["BM_ZeroPhaseBandpass/32/30000/1/real_time"]
    and d["benchmarks"][0]["samples_per_second"] > 0'
}

# bench_video with one 2-second video in a cache of the case's own: --print-videos generates it
# (and its ground truth) and prints its path; one session runs on it.
case_bench_video() {
  local exe="$build/benchmarks/bench_video"
  export NEUROPERF_VIDEO_CACHE=$work/videos NEUROPERF_VIDEO_SECONDS=2
  expect 0 "$exe" --print-videos
  local path
  path=$(cat "$work/stdout")
  [[ $path == "$work/videos/"*.mp4 && -s $path && -s $path.truth.csv ]] ||
    fail "bench_video --print-videos printed '$path', not a generated file with its ground truth"
  expect 0 "$exe" --benchmark_filter='BM_Sessions/2s/sessions:1/' --benchmark_min_time=0.01 \
    --benchmark_out="$work/video.json" --benchmark_out_format=json
  json "$work/video.json" '[b["name"] for b in d["benchmarks"]] == ["BM_Sessions/2s/sessions:1/iterations:1/real_time"]
    and d["benchmarks"][0]["frames_per_second"] > 0 and d["benchmarks"][0]["success_rate"] == 1'
}

# A 2-second open-model scenario against the loopback test server (load_cli_server replaces
# {URL}); the README says it writes result.json, report.html and summary.md.
case_neuroperf_load() {
  local np server
  np=$(neuroperf_bin) server="$build/tools/cli/load_cli_server"
  printf '%s\n' 'name: docs' 'target: http://127.0.0.1:1' 'steps: [{path: /ok}]' \
    'executor: {type: constant-rate, rate: 50, duration: 2s}' "thresholds: ['error_rate < 1%']" \
    >"$work/docs.yaml"
  expect 0 "$server" "$np" load "$work/docs.yaml" --target '{URL}' --out "$work/out" --threads 1 \
    --quiet
  json "$work/out/result.json" 'd["schema"] == "neuroperf-load/1" and d["totals"]["requests"] >= 90
    and d["totals"]["errors"] == 0'
  contains "$work/out/summary.md" 'docs' "summary.md"
  contains "$work/out/report.html" '<html' "report.html"
  printf '%s\n' 'steps: [{path: nope}]' 'executor: {type: constant-users}' >"$work/bad.yaml"
  expect 2 "$np" load "$work/bad.yaml" --out "$work/bad"
  contains "$work/stderr" 'bad.yaml:1: steps\[0\]\.path: ' "the FILE:LINE: field: problem line"
  expect 3 "$np" load "$work/docs.yaml" --target http://127.0.0.1:1 --quiet --out "$work/down"
}

# merge: two shards of one run add up exactly; report renders the merged result.
case_neuroperf_merge() {
  local np server shard
  np=$(neuroperf_bin) server="$build/tools/cli/load_cli_server"
  for shard in 0 1; do
    expect 0 "$server" "$np" load "$NEURO_ROOT/load/scenarios/smoke.yaml" --target '{URL}' --quiet \
      --shard "$shard/2" --out "$work/s$shard"
  done
  expect 0 "$np" merge "$work/s0/result.json" "$work/s1/result.json" --out "$work/m.json"
  json "$work/m.json" 'd["schema"] == "neuroperf-load/1" and d["totals"]["requests"] == 160'
  expect 0 "$np" report "$work/m.json" --html "$work/m.html" --markdown "$work/m.md"
  contains "$work/m.html" '<html' "report --html"
  contains "$work/m.md" '160' "report --markdown"
  expect 0 "$np" report "$work/m.json"
  contains "$work/stdout" '160' "report's markdown on stdout"
}

case_neuroperf_compare() {
  local np fixtures=$NEURO_ROOT/fixtures/compare
  np=$(neuroperf_bin)
  expect 0 "$np" compare "$fixtures/identical_base.json" "$fixtures/identical_cur.json"
  contains "$work/stdout" '-> PASS'
  expect 1 "$np" compare "$fixtures/statuses_base.json" "$fixtures/statuses_cur.json" \
    --format markdown --out "$work/c.md"
  contains "$work/c.md" 'regressed' "compare --format markdown --out"
  expect 0 "$np" compare "$fixtures/dirs/baselines" "$fixtures/dirs/run" --format json \
    --out "$work/c.json"
  json "$work/c.json" 'isinstance(d, dict)'
  expect 2 "$np" compare "$fixtures/identical_base.json"
  expect 77 "$np" compare "$fixtures/foreign_base.json" "$fixtures/identical_cur.json"
}

case_neuroperf_summary() {
  local np
  np=$(neuroperf_bin)
  mkdir -p "$work/run"
  selftest_run "$work/run/bench_selftest.json" 1
  expect 0 "$np" summary "$work/run" --out "$work/summary.md"
  contains "$work/summary.md" 'BM_SelfTestWork' "summary.md"
  contains "$work/summary.md" 'steps_per_second' "summary.md's counters"
  expect 0 "$np" summary "$work/run"
  contains "$work/stdout" 'BM_SelfTestWork' "summary on stdout"
}

# synth: raw float32, channel-major, the same bytes for the same seed.
case_neuroperf_synth_video() {
  local np frames
  np=$(neuroperf_bin)
  expect 0 "$np" synth-video --seconds 1 --fps 30 --size 640x360 --seed 3 --out "$work/v.mp4"
  # Read back by OpenCV (the document's own reader, an independent decoder path): 30 frames of
  # 640x360; the ground truth names 30 frames too.
  frames=$(/usr/bin/python3 -c 'import cv2, sys
c = cv2.VideoCapture(sys.argv[1]); n = 0
while True:
    ok, f = c.read()
    if not ok: break
    assert f.shape[:2] == (360, 640), f.shape
    n += 1
print(n)' "$work/v.mp4") || fail "OpenCV could not read the video"
  [[ $frames -eq 30 ]] || fail "OpenCV read $frames frames, expected 30"
  [[ $(tail -n +2 "$work/v.mp4.truth.csv" | cut -d, -f1 | sort -un | wc -l) -eq 30 ]] ||
    fail "the ground truth does not cover 30 frames"
  expect 2 "$np" synth-video --size 12x5 --out "$work/w.mp4"
  contains "$work/stderr" '--size: expected a whole number from 640 to 7680'
  expect 2 "$np" synth-video --encoder nope --out "$work/w.mp4"
  contains "$work/stderr" "no encoder 'nope'"
  expect 2 "$np" synth-video --seconds 1
  contains "$work/stderr" '--out FILE is required'
}

case_neuroperf_synth() {
  local np size
  np=$(neuroperf_bin)
  expect 0 "$np" synth --channels 3 --samples 100 --rate 250 --seed 7 --out "$work/a.f32"
  expect 0 "$np" synth --channels 3 --samples 100 --rate 250 --seed 7 --out "$work/b.f32"
  expect 0 "$np" synth --channels 3 --samples 100 --rate 250 --seed 8 --out "$work/c.f32"
  size=$(stat -c %s "$work/a.f32")
  [[ $size -eq 1200 ]] || fail "synth wrote $size bytes, expected 3 x 100 x 4 = 1200"
  cmp -s "$work/a.f32" "$work/b.f32" || fail "the same seed gave different data"
  ! cmp -s "$work/a.f32" "$work/c.f32" || fail "another seed gave the same data"
  expect 2 "$np" synth --channels 3
  expect 2 "$np" synth --channels -1 --out "$work/d.f32"
  contains "$work/stderr" '--channels: expected a whole number from 1 to 4096'
  expect 2 "$np" synth --channels 4096 --samples 1000000000 --out "$work/d.f32"
  contains "$work/stderr" 'more than the 4 GiB limit'
  [[ ! -e $work/d.f32 ]] || fail "a refused synth still wrote $work/d.f32"
}

# The engine server's command: skipped until the binary has it.
case_neuroperf_serve() {
  local np code=0
  np=$(neuroperf_bin)
  "$np" serve --help >"$work/stdout" 2>"$work/stderr" || code=$?
  if [[ $code -ne 0 ]] && grep -q "unknown command 'serve'" "$work/stderr"; then
    skip "this neuroperf has no serve command yet (the engine server, engine/server/)"
  fi
  [[ $code -eq 0 ]] || fail "neuroperf serve --help exited $code: $(cat "$work/stderr")"
  contains "$work/stdout" 'usage: neuroperf serve' "neuroperf serve --help"
}

case_faults() {
  # A whole run is the scripts.faults test (--quick, own services): the case checks the surface.
  expect 0 "$NEURO_ROOT/scripts/faults" --help
  contains "$work/stdout" 'scripts/faults \[--quick\]' "scripts/faults --help"
  expect 2 "$NEURO_ROOT/scripts/faults" --cycles 0
  contains "$work/stderr" "--cycles: expected a whole number from 1, got '0'"
  expect 2 "$NEURO_ROOT/scripts/faults" --bogus
  contains "$work/stderr" "unknown argument '--bogus'"
}

# The anchors take minutes each: their --help (every one says how it is called).
case_fuzz() {
  # A real run builds the fuzz preset with clang (minutes): the case checks the command's
  # surface; the `fuzz` label replays every harness's corpus in the release build.
  expect 0 "$NEURO_ROOT/scripts/fuzz" --list
  contains "$work/stdout" '^http_request$' "the harness list"
  expect 2 "$NEURO_ROOT/scripts/fuzz" no_such_harness
  contains "$work/stderr" "unknown harness 'no_such_harness'"
  expect 2 "$NEURO_ROOT/scripts/fuzz" --seconds 0
  contains "$work/stderr" "--seconds must be a positive integer"
}

case_anchors_help() {
  local anchor run
  for anchor in redis_benchmark.sh pg_write_anchor.sh load_wrk.sh load_coordinated_omission.sh \
    libcurl_vs_epoll.sh load_soak_memory.sh compare_py.sh compare_gate.sh inference_torch.py \
    dsp_scipy.py video_opencv.py ws_websockets.py upload_stages.py load_locust.sh \
    wire_latency.py; do
    run=("$NEURO_ROOT/scripts/anchors/$anchor")
    [[ $anchor == *.py ]] && run=(/usr/bin/python3 "${run[@]}")
    expect 0 "${run[@]}" --help
    contains "$work/stdout" "$anchor" "$anchor --help"
  done
}

# The README check itself catches a command without a case, an option its --help lacks, an
# option of a neuroperf command's --help the README lacks, and a neuroperf command without a row.
case_readme_checker() {
  printf '%s\n' '| command | what |' '|---|---|' \
    '| `scripts/profile BENCH FILTER [--no-such-option]` | x |' \
    '| `build/release/tools/cli/neuroperf frobnicate A \| B` | y |' \
    '| `build/release/tools/cli/neuroperf synth [--channels N] [--frobnicate] --out FILE` | z |' \
    >"$work/README.md"
  local code=0
  (readme=$work/README.md && check_readme) >"$work/check.txt" 2>&1 || code=$?
  [[ $code -eq 1 ]] || fail "the check of a README with problems exited $code, expected 1"
  contains "$work/check.txt" '^README.md:3: `scripts/profile`: the README lists --no-such-option, its --help does not$'
  contains "$work/check.txt" '^README.md:4: `neuroperf frobnicate` has no docs case'
  contains "$work/check.txt" '\[neuroperf\\ frobnicate\]=NAME in docs_case_for'
  contains "$work/check.txt" '^README.md:5: `neuroperf synth`: the README lists --frobnicate, its --help does not$'
  contains "$work/check.txt" '^README.md:5: `neuroperf synth --help` lists --samples, the README does not$'
  contains "$work/check.txt" '^README.md: `neuroperf compare` \(in neuroperf --help\) has no row in a command table$'
  ! grep -q -- 'lists --channels\|lists --out\|lists --help' "$work/check.txt" ||
    fail "the check reported an option the README lists: $(cat "$work/check.txt")"
}
