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

# neuro_build PRESET [TARGET...]: configure once, then build (incrementally) with the preset.
neuro_build() {
  local preset=$1
  shift
  local dir="$NEURO_ROOT/build/$preset"
  if [[ ! -f "$dir/build.ninja" ]]; then
    log "configuring ($preset) in $dir"
    mkdir -p "$NEURO_ROOT/build"
    cmake --preset "$preset" -S "$NEURO_ROOT" >"$dir.configure.log" 2>&1 ||
      { tail -20 "$dir.configure.log" >&2; die 2 "cmake configure failed (log: $dir.configure.log)"; }
  fi
  local targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  log "building ($preset) ${*:-all}"
  cmake --build "$dir" "${targets[@]}" -- -j"$(nproc)" >"$dir.build.log" 2>&1 ||
    { grep -E 'error|Error' "$dir.build.log" | head -20 >&2; die 2 "build failed (log: $dir.build.log)"; }
}

# The --benchmark_context value every run carries, so `neuroperf compare` can tell whether a
# baseline comes from this machine and build (commas separate fields, so none in the values).
neuro_benchmark_context() {
  local revision cpu compiler
  revision=$(git -C "$NEURO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1 | tr -d ',')
  compiler=$(c++ --version 2>/dev/null | head -1 | tr -d ',')
  printf 'git_revision=%s,build_type=%s,cpu_model=%s,compiler=%s' "$revision" "${1:-release}" \
    "${cpu:-unknown}" "${compiler:-unknown}"
}

# neuro_use_services: when NEUROPERF_PG_URL or NEUROPERF_REDIS_URL is unset, starts the embedded
# servers (scripts/services), exports their URLs, and stops them at exit when this script started
# them (an EXIT trap: callers that need their own trap must chain it). Exits 3 when they cannot
# be started.
neuro_use_services() {
  [[ -z ${NEUROPERF_PG_URL:-} || -z ${NEUROPERF_REDIS_URL:-} ]] || return 0
  local were_up=1
  "$NEURO_ROOT/scripts/services" status >/dev/null || were_up=0
  "$NEURO_ROOT/scripts/services" start >&2 || die 3 "could not start the embedded services"
  [[ $were_up -eq 1 ]] || trap '"$NEURO_ROOT/scripts/services" stop' EXIT
  eval "$("$NEURO_ROOT/scripts/services" env)"
}
