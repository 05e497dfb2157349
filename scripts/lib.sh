# Shared by the scripts in this folder: repository root, logging, and the CMake build.
# shellcheck shell=bash
NEURO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export NEURO_ROOT

log() { printf '%s\n' "$*" >&2; }
die() {
  local code=$1
  shift
  printf '%s: %s\n' "$(basename "$0")" "$*" >&2
  exit "$code"
}

# neuro_configure PRESET: configures build/PRESET once (nothing is built).
neuro_configure() {
  local preset=$1
  local dir="$NEURO_ROOT/build/$preset"
  [[ ! -f "$dir/build.ninja" ]] || return 0
  log "configuring ($preset) in $dir"
  mkdir -p "$NEURO_ROOT/build"
  cmake --preset "$preset" -S "$NEURO_ROOT" >"$dir.configure.log" 2>&1 ||
    { tail -20 "$dir.configure.log" >&2; die 2 "cmake configure failed (log: $dir.configure.log)"; }
}

# neuro_build PRESET [TARGET...]: configure once, then build (incrementally) with the preset.
neuro_build() {
  local preset=$1
  shift
  local dir="$NEURO_ROOT/build/$preset"
  neuro_configure "$preset"
  local targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  log "building ($preset) ${*:-all}"
  cmake --build "$dir" "${targets[@]}" -- -j"$(nproc)" >"$dir.build.log" 2>&1 ||
    { grep -m 20 -E 'error|Error' "$dir.build.log" >&2; die 2 "build failed (log: $dir.build.log)"; }
}

# neuro_isa_level: the x86-64 micro-architecture level this CPU supports (x86-64-v1 ... v4, from
# the flags in /proc/cpuinfo; "unknown" elsewhere). Part of the machine key: the release build is
# -march=native, so v3 and v4 machines run different code.
neuro_isa_level() {
  local flags level=x86-64-v1 want f ok
  flags=" $(sed -n '/^flags/{s/^[^:]*: *//;p;}' /proc/cpuinfo 2>/dev/null | sed -n '1p') "
  [[ $flags == *" sse2 "* ]] || { echo unknown; return; }
  for want in "x86-64-v2:cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3" \
      "x86-64-v3:avx avx2 bmi1 bmi2 f16c fma abm movbe xsave" \
      "x86-64-v4:avx512f avx512bw avx512cd avx512dq avx512vl"; do
    ok=1
    for f in ${want#*:}; do [[ $flags == *" $f "* ]] || ok=0; done
    [[ $ok -eq 1 ]] || break
    level=${want%%:*}
  done
  echo "$level"
}

# The --benchmark_context value every run carries, so `neuroperf compare` can tell whether a
# baseline comes from this machine and build (commas separate fields, so none in the values).
# NEUROPERF_CPU_MODEL and NEUROPERF_ISA_LEVEL replace what lscpu and /proc/cpuinfo say (tests
# fake a machine with them; a VM whose model name is too vague can name itself).
neuro_benchmark_context() {
  local revision cpu compiler isa
  revision=$(git -C "$NEURO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  # sed prints only the first match but reads to the end (`| head` could fail under pipefail).
  cpu=${NEUROPERF_CPU_MODEL:-$(lscpu 2>/dev/null | sed -n '/^Model name: */{s///;p;}' | sed -n '1p')}
  cpu=$(tr -d ',' <<<"$cpu")
  isa=$(tr -d ',' <<<"${NEUROPERF_ISA_LEVEL:-$(neuro_isa_level)}")
  compiler=$(c++ --version 2>/dev/null | sed -n '1p' | tr -d ',')
  printf 'git_revision=%s,build_type=%s,cpu_model=%s,isa_level=%s,compiler=%s' "$revision" \
    "${1:-release}" "${cpu:-unknown}" "${isa:-unknown}" "${compiler:-unknown}"
}

# neuro_on_exit COMMAND [ARG...]: runs the command (arguments as given now) when the script
# exits, after every command registered later (last in, first out). One EXIT trap runs them all,
# so a script's own clean-up and neuro_use_services' stop of the services do not replace each
# other. A failing action does not stop the others.
neuro_exit_actions=()
neuro_on_exit() {
  neuro_exit_actions+=("$(printf '%q ' "$@")")
  trap neuro_run_exit_actions EXIT
}
neuro_run_exit_actions() {
  local i
  for ((i = ${#neuro_exit_actions[@]} - 1; i >= 0; i--)); do
    eval "${neuro_exit_actions[i]}" || true
  done
}

# neuro_use_services [pg] [redis] [engine] (default pg redis): when the URL of a service named
# is unset (NEUROPERF_PG_URL, NEUROPERF_REDIS_URL, NEUROPERF_TARGET_URL for the engine server),
# starts the embedded services (scripts/services: PostgreSQL, Redis, and the engine server when
# it is built), exports the URLs that were unset (those given stay as they are), and stops the
# services at exit when this script started them. Exits 3 when they cannot be started.
neuro_use_services() {
  local wanted=("$@") service missing=0
  [[ ${#wanted[@]} -gt 0 ]] || wanted=(pg redis)
  for service in "${wanted[@]}"; do
    case $service in
      pg) [[ -n ${NEUROPERF_PG_URL:-} ]] || missing=1 ;;
      redis) [[ -n ${NEUROPERF_REDIS_URL:-} ]] || missing=1 ;;
      engine) [[ -n ${NEUROPERF_TARGET_URL:-} ]] || missing=1 ;;
      *) die 2 "neuro_use_services: unknown service '$service' (pg, redis, engine)" ;;
    esac
  done
  [[ $missing -eq 1 ]] || return 0
  local given_pg=${NEUROPERF_PG_URL:-} given_redis=${NEUROPERF_REDIS_URL:-}
  local given_target=${NEUROPERF_TARGET_URL:-} were_up=1
  "$NEURO_ROOT/scripts/services" status >/dev/null || were_up=0
  "$NEURO_ROOT/scripts/services" start >&2 || die 3 "could not start the embedded services"
  [[ $were_up -eq 1 ]] || neuro_on_exit "$NEURO_ROOT/scripts/services" stop
  eval "$("$NEURO_ROOT/scripts/services" env)"
  [[ -z $given_pg ]] || export NEUROPERF_PG_URL=$given_pg
  [[ -z $given_redis ]] || export NEUROPERF_REDIS_URL=$given_redis
  [[ -z $given_target ]] || export NEUROPERF_TARGET_URL=$given_target
}

# neuro_bench_services NAME: the services a benchmark executable talks to (pg, redis, engine),
# one per line; nothing for those that need none. bench_http talks to the engine server, which
# needs PostgreSQL and Redis under it. Callers: neuro_use_services $(neuro_bench_services X).
neuro_bench_services() {
  case $(basename "$1") in
    bench_db) echo pg ;;
    bench_cache) echo redis ;;
    bench_http) printf '%s\n' pg redis engine ;;
  esac
}

# neuro_use_bench_services EXECUTABLE...: neuro_use_services for what these executables need
# (nothing at all when none of them needs a service).
# When one of them talks to the engine server, the embedded one is emptied first
# (neuro_fresh_engine).
neuro_use_bench_services() {
  local exe needed=()
  NEURO_GIVEN_TARGET=${NEUROPERF_TARGET_URL:-}
  for exe in "$@"; do
    mapfile -t -O "${#needed[@]}" needed < <(neuro_bench_services "$exe")
  done
  [[ ${#needed[@]} -eq 0 ]] || neuro_use_services "${needed[@]}"
  if [[ " ${needed[*]} " == *" engine "* ]]; then neuro_fresh_engine "$NEURO_GIVEN_TARGET"; fi
}

# neuro_fresh_engine_for EXECUTABLE: neuro_fresh_engine before one more run of EXECUTABLE when it
# talks to the engine server (after neuro_use_bench_services), for scripts that run it again and
# again (update-baselines' two runs, ab's rounds, compare_gate.sh's trials): each run then meets
# an empty server, not the sessions and uploads of the run before. Without it bench_http's second
# run read +40 % on BM_SessionsList and +75 % on BM_Upload/seconds:60, and the two never agreed.
# The first run after a reset that nothing has used yet takes the server as it is.
neuro_fresh_engine_for() {
  [[ $(neuro_bench_services "$1") == *engine* ]] || return 0
  if [[ ${NEURO_ENGINE_UNUSED:-0} -eq 0 ]]; then neuro_fresh_engine "${NEURO_GIVEN_TARGET-}"; fi
  NEURO_ENGINE_UNUSED=0
}

# neuro_fresh_engine GIVEN_TARGET: empties the embedded engine server (scripts/services
# reset-engine: its schema, Redis, uploads and videos) unless GIVEN_TARGET, the
# NEUROPERF_TARGET_URL the user gave before the services were started, is another server. What
# the benchmarks and the load scenarios write through it (gigabytes a suite run) would pile up in
# the kept state directory and make each run meet a fuller server than the last. A given URL
# equal to the embedded one whose servers are not this checkout's is left alone, with a warning.
neuro_fresh_engine() {
  local given=$1 embedded
  embedded=$("$NEURO_ROOT/scripts/services" env | sed -n 's/^export NEUROPERF_TARGET_URL=//p')
  [[ -z $given || $given == "$embedded" ]] || return 0
  if "$NEURO_ROOT/scripts/services" reset-engine >&2; then
    NEURO_ENGINE_UNUSED=1  # until neuro_fresh_engine_for hands it to a run
  else
    [[ -n $given ]] || die 3 "could not empty the embedded engine server's data (scripts/services reset-engine)"
    log "${0##*/}: the engine server at $given was left as it is (not this checkout's services)"
  fi
}

# neuro_help: prints the calling script's header comment (line 2 up to the first line that is
# not a comment; shellcheck directives left out) without the leading '# ': its usage, for --help.
neuro_help() {
  awk 'NR == 1 || /^# shellcheck / { next } !/^#/ { exit } { sub(/^# ?/, ""); print }' "$0"
}
