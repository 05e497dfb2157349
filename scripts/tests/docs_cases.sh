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
  ["neuroperf serve"]=neuroperf_serve
  [scripts/anchors/redis_benchmark.sh]=anchors_help
  [scripts/anchors/pg_write_anchor.sh]=anchors_help
  [scripts/anchors/load_wrk.sh]=anchors_help
  [scripts/anchors/inference_torch.py]=anchors_help
  [scripts/anchors/load_coordinated_omission.sh]=anchors_help
  [scripts/anchors/libcurl_vs_epoll.sh]=anchors_help
  [scripts/anchors/load_soak_memory.sh]=anchors_help
  [scripts/anchors/compare_py.sh]=anchors_help
  [scripts/anchors/compare_gate.sh]=anchors_help
  [scripts/anchors/dsp_scipy.py]=anchors_help
  [scripts/anchors/video_opencv.py]=anchors_help
  [build/release/benchmarks/bench_video]=bench_video
  [scripts/fuzz]=fuzz
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
# start, idempotence, stop, status, env, clean, --redis-aof, usage errors); here its --help and
# that the test is registered.
case_services() {
  expect 0 "$NEURO_ROOT/scripts/services" --help
  local word
  for word in start stop status env clean --redis-aof NEUROPERF_STATE_DIR; do
    contains "$work/stdout" "$word" "scripts/services --help"
  done
  expect 0 ctest --test-dir "$build" -N -R '^scripts\.services$'
  contains "$work/stdout" 'Total Tests: 1' "ctest -N -R scripts.services"
}

case_setup() {  # silent when every package is there
  expect 0 "$NEURO_ROOT/scripts/setup"
  [[ ! -s $work/stdout && ! -s $work/stderr ]] || fail "scripts/setup printed: $(cat "$work/stdout" "$work/stderr")"
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
  local before after
  before=$(cksum "$NEURO_ROOT"/baselines/* 2>/dev/null || true)
  # 3 against 3 repetitions cannot be significant (docs/compare.md): the two runs always agree.
  expect 0 "$NEURO_ROOT/scripts/update-baselines" bench_selftest --repetitions 3 --min-time 0.02 \
    --out "$work/baselines"
  json "$work/baselines/bench_selftest.json" \
    'len([b for b in d["benchmarks"] if b["name"].startswith("BM_SelfTestWork")]) >= 3'
  contains "$work/stderr" "wrote $work/baselines/bench_selftest.json"
  # A second run prints its change against the previous baseline.
  expect 0 "$NEURO_ROOT/scripts/update-baselines" bench_selftest --repetitions 3 --min-time 0.02 \
    --out "$work/baselines"
  contains "$work/stdout" 'BM_SelfTestWork' "the change against the previous baseline"
  after=$(cksum "$NEURO_ROOT"/baselines/* 2>/dev/null || true)
  [[ $before == "$after" ]] || fail "update-baselines --out changed the repository's baselines/"
  expect 2 "$NEURO_ROOT/scripts/update-baselines" bench_nonexistent --out "$work/baselines"
}

# `ctest -L bench` runs bench-check for each executable: skipped without a baseline, compared
# with one (NEUROPERF_BASELINES_DIR points at a baseline made here).
case_ctest_bench() {  # lock
  mkdir -p "$work/none" "$work/baselines"
  NEUROPERF_BASELINES_DIR="$work/none" expect 0 ctest --test-dir "$build" -L bench \
    -R '^bench\.bench_selftest$'
  contains "$work/stdout" 'Skipped' "ctest -L bench without a baseline"
  selftest_run "$work/baselines/bench_selftest.json" 3
  NEUROPERF_BASELINES_DIR="$work/baselines" NEURO_BENCH_REPETITIONS=3 NEURO_BENCH_MIN_TIME=0.02 \
    expect 0 ctest --test-dir "$build" -L bench -R '^bench\.bench_selftest$'
  contains "$work/stdout" '100% tests passed, 0 tests failed out of 1' "ctest -L bench"
}
case_bench_check() {  # lock
  mkdir -p "$work/none" "$work/baselines"
  NEUROPERF_BASELINES_DIR="$work/none" expect 77 "$NEURO_ROOT/scripts/bench-check" "$(selftest_bin)"
  contains "$work/stderr" 'no baseline'
  selftest_run "$work/baselines/bench_selftest.json" 3
  NEUROPERF_BASELINES_DIR="$work/baselines" expect 0 "$NEURO_ROOT/scripts/bench-check" \
    "$(selftest_bin)" --repetitions 3 --min-time 0.02
  contains "$work/stdout" '-> PASS' "bench-check's verdict"
  json "$build/bench-results/bench_selftest.json" \
    'len([b for b in d["benchmarks"] if b["name"] == "BM_SelfTestWork" and b["run_type"] == "iteration"]) == 3'
  expect 2 "$NEURO_ROOT/scripts/bench-check" "$work/not-there"
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
    dsp_scipy.py video_opencv.py; do
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
