#!/usr/bin/env bash
# scripts/check_layers.py can fail: small load/ trees with an upward include, a cycle across two
# units of one layer, a file outside every layer, a missing include and a bad table must each be
# reported with the file and line; a clean tree (test files reaching testing/) must pass.
set -euo pipefail
checker="$(cd "$(dirname "$0")/.." && pwd)/check_layers.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { printf 'check_layers_test: %s\n' "$*" >&2; exit 1; }

# tree: a fresh load/ with layers low -> high and a testing layer, one clean file in each.
tree() {
  rm -rf "$work/load"
  mkdir -p "$work/load/low" "$work/load/high" "$work/load/testing"
  printf 'low:\nhigh: low\ntesting:\n*_test: testing\n' >"$work/load/layers.txt"
  printf '#pragma once\n' >"$work/load/low/a.hpp"
  printf '#include "load/low/a.hpp"\n' >"$work/load/low/a.cpp"
  printf '#pragma once\n#include "load/low/a.hpp"\n' >"$work/load/high/b.hpp"
  printf '#pragma once\n' >"$work/load/testing/server.hpp"
  printf '#include "load/high/b.hpp"\n#include "load/testing/server.hpp"\n' \
    >"$work/load/high/b_test.cpp"
}

# expect CODE REGEX: the checker exits CODE and its output matches REGEX.
expect() {
  local code=0
  python3 "$checker" "$work/load" >"$work/out" 2>&1 || code=$?
  [[ $code -eq $1 ]] || { cat "$work/out" >&2; fail "exit $code, expected $1 (case: $3)"; }
  grep -qE -- "$2" "$work/out" || { cat "$work/out" >&2; fail "output lacks /$2/ (case: $3)"; }
}

tree
expect 0 'no upward include, no cycle' 'clean tree'

tree
printf '#pragma once\n\n#include "load/high/b.hpp"\n' >"$work/load/low/a.hpp"
expect 1 '^load/low/a.hpp:3: includes load/high/b.hpp: layer low may not include layer high' \
  'upward include'

tree
printf '#include "load/testing/server.hpp"\n' >>"$work/load/high/b.hpp"
expect 1 '^load/high/b.hpp:3: .*layer high may not include layer testing' \
  'testing/ reached from a library file'

tree
printf '#pragma once\n' >"$work/load/low/c.hpp"
printf '#include "load/low/c.hpp"\n' >>"$work/load/low/a.cpp"
printf '#include "load/low/a.hpp"\n' >"$work/load/low/c.cpp"
printf '#pragma once\n#include "load/low/a.hpp"\n' >"$work/load/low/c.hpp"
expect 1 'include cycle: load/low/a -> load/low/c -> load/low/a' 'cycle through a .cpp'

tree
printf '#pragma once\n' >"$work/load/loose.hpp"
expect 1 '^load/loose.hpp:1: not in a declared layer' 'file outside the layers'

tree
printf '#include "load/low/gone.hpp"\n' >>"$work/load/high/b.hpp"
expect 1 '^load/high/b.hpp:3: includes load/low/gone.hpp, which does not exist' 'stale include'

tree
printf 'high: low\nlow:\n' >"$work/load/layers.txt"
expect 2 "high may include 'low', which is not declared above it" 'table out of order'

echo "check_layers_test: 7 cases"
