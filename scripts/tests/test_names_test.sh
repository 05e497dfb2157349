#!/usr/bin/env bash
# Keeps every CTest line of `scripts/test` and `ctest` within 100 columns. CTest pads each
# result line to the longest test name in the run:
#   "653/663 Test #662: <name> <dots>   Passed    0.00 sec"
# that is 3d + 10 columns before the name (d: digits of the test count) and 25 after the
# longest one. One long name widens all 600+ lines past a terminal, so the longest must stay
# within 100 - (3d + 35) columns (56 with 100 to 999 tests).
#   test_names_test.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: test_names_test.sh BUILD_DIR}
columns=100

# too_long NAMES_FILE: prints "<width> <name>" for each name whose line would pass $columns.
too_long() {
  local count digits
  count=$(grep -c . "$1" || true)
  digits=${#count}
  awk -v limit=$((columns - 3 * digits - 35)) 'length($0) > limit { print length($0) + 0, $0 }' "$1"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The check itself must catch a long name: 100 short names and one 57-column name.
for i in $(seq 100); do echo "unit.Suite.Case$i"; done >"$work/probe"
printf 'probe.%s\n' "$(printf 'x%.0s' $(seq 51))" >>"$work/probe"
[[ $(too_long "$work/probe" | wc -l) -eq 1 ]] ||
  { echo "test_names_test: the check missed a 57-column name among 101 tests" >&2; exit 1; }

ctest --test-dir "$build" -N | sed -n 's/^ *Test *#[0-9]*: //p' >"$work/names"
count=$(grep -c . "$work/names" || true)
[[ $count -ge 100 ]] || { echo "test_names_test: ctest -N in $build listed only $count tests" >&2; exit 1; }
long=$(too_long "$work/names")
if [[ -n $long ]]; then
  echo "test_names_test: these test names make ctest lines wider than $columns columns" \
    "(at most $((columns - 3 * ${#count} - 35)) characters with $count tests):" >&2
  sort -rn <<<"$long" >&2
  exit 1
fi
longest=$(awk '{ print length($0) }' "$work/names" | sort -n | tail -1)
echo "test_names_test: $count tests, longest name $longest characters: lines within $columns columns"
