#!/usr/bin/env bash
# Speed anchor for `neuroperf compare`: Google's compare.py (Debian libbenchmark-tools) and ours on
# the same two files, 1000 benchmarks x 10 repetitions, interleaved, median of N runs each.
#   scripts/anchors/compare_py.sh [--neuroperf PATH] [--runs N] [--benchmarks N]
# Prints a markdown table (medians, ratio) on stdout. Goal: ours >= 20x faster and < 0.2 s.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
neuroperf="$NEURO_ROOT/build/release/tools/cli/neuroperf"
runs=5
benchmarks=1000
while [[ $# -gt 0 ]]; do
  case $1 in
    --neuroperf) neuroperf=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --benchmarks) benchmarks=${2:?}; shift 2 ;;
    -h | --help) neuro_help; exit 0 ;;
    *) die 2 "unknown argument '$1' (try --help)" ;;
  esac
done
compare_py=/usr/share/benchmark/compare.py
[[ -x $neuroperf ]] || die 2 "$neuroperf not built"
[[ -f $compare_py ]] || die 2 "install libbenchmark-tools"

work=$(mktemp -d)
neuro_on_exit rm -rf "$work"
python3 "$NEURO_ROOT/fixtures/compare/make_large.py" "$work" --benchmarks "$benchmarks" >/dev/null
a="$work/large_base.json" b="$work/large_cur.json"

seconds() {  # seconds COMMAND...: wall time of one run, output discarded (exit 1 is a verdict)
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || [[ $? -eq 1 ]]
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
ours=() theirs=()
for ((i = 0; i < runs; i++)); do  # interleaved so that machine drift hits both alike
  ours+=("$(seconds "$neuroperf" compare "$a" "$b")")
  theirs+=("$(seconds /usr/bin/python3 "$compare_py" --no-color benchmarks "$a" "$b")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
m_ours=$(median "${ours[@]}") m_theirs=$(median "${theirs[@]}")
echo "| tool | median of $runs (s) | runs (s) |"
echo "|---|---:|---|"
printf '| neuroperf compare | %.3f | %s |\n' "$m_ours" "$(printf '%.3f ' "${ours[@]}")"
printf '| compare.py benchmarks | %.3f | %s |\n' "$m_theirs" "$(printf '%.3f ' "${theirs[@]}")"
printf '\n%d benchmarks x 10 repetitions: neuroperf is %.1fx faster than compare.py\n' \
  "$benchmarks" "$(echo "$m_theirs / $m_ours" | bc -l)"
