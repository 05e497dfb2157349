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
    cmake --preset "$preset" -S "$NEURO_ROOT" >"$dir.configure.log" 2>&1 ||
      { tail -20 "$dir.configure.log" >&2; die 2 "cmake configure failed (log: $dir.configure.log)"; }
  fi
  local targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  log "building ($preset) ${*:-all}"
  cmake --build "$dir" "${targets[@]}" -- -j"$(nproc)" >"$dir.build.log" 2>&1 ||
    { grep -E 'error|Error' "$dir.build.log" | head -20 >&2; die 2 "build failed (log: $dir.build.log)"; }
}
