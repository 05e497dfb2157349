#!/usr/bin/env bash
# scripts/ab end to end with bench_selftest: this checkout's HEAD against itself passes, and the
# same revision with NEURO_SELFTEST_EXTRA_WORK_PERCENT=50 in HEAD's runs only (--head-env) is
# flagged; both sides' files hold every round's repetitions; bad revisions are usage errors.
# Builds a worktree of HEAD under build/ab/ (kept; ccache makes it cheap), so it is slow: label ab.
#   ab_test.sh
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
work=$(mktemp -d -t neuroperf-ab-test.XXXXXX)
neuro_on_exit rm -rf "$work"
fail() { printf 'ab_test: FAIL: %s\n' "$*" >&2; exit 1; }
ab() {  # ab WANT_CODE ARGS...: runs scripts/ab, output in $work/out and $work/err
  local want=$1 code=0
  shift
  "$NEURO_ROOT/scripts/ab" "$@" >"$work/out" 2>"$work/err" || code=$?
  [[ $code -eq $want ]] || { tail -30 "$work/err" >&2; fail "scripts/ab $* exited $code, expected $want"; }
}
py() { /usr/bin/python3 -c "$1" "${@:2}" || fail "check failed: $1"; }

ab 2 no-such-revision HEAD
grep -q "is not a commit" "$work/err" || fail "bad revision not named"
ab 2 HEAD HEAD --head-env not-an-assignment
ab 2 HEAD
ab 2 HEAD HEAD --config "$work/no-such-thresholds.yaml"
grep -q -- "--config: .*no such file" "$work/err" || fail "a missing --config not named"

small=(--bench bench_selftest --rounds 4 --repetitions 5 --min-time 0.05)
ab 0 HEAD HEAD "${small[@]}" --out "$work/self"
py 'import json, sys
d = json.load(open(sys.argv[1]))
s = {b["name"]: b["status"] for b in d["benchmarks"]}
assert s["BM_SelfTestWork"] not in ("regressed", "improved"), s' "$work/self/compare_bench_selftest.json"
for side in "$work/self/base" "$work/self"; do
  py 'import json, sys
d = json.load(open(sys.argv[1]))
rows = [b for b in d["benchmarks"] if b["name"] == "BM_SelfTestWork" and b["run_type"] == "iteration"]
assert len(rows) == 20, len(rows)                 # 4 rounds x 5 repetitions
assert d["context"]["ab_rounds"] == 4
assert [r["repetition_index"] for r in rows] == list(range(20))' "$side/bench_selftest.json"
done
[[ -s $work/self/index.html && -s $work/self/summary.md ]] || fail "no suite page or summary.md"
grep -q '\[index.html\](index.html)' "$work/self/summary.md" || fail "summary.md does not link the page"
head_rev=$(git -C "$NEURO_ROOT" rev-parse HEAD)
grep -qF "<dd class=\"base-revision\">$head_rev</dd>" "$work/self/index.html" ||
  fail "the page does not name BASE's revision"
grep -q 'Judged against BASE' "$work/self/index.html" || fail "the page does not say what BASE is"
grep -q 'PASS' "$work/out" || fail "no verdict on stdout"
singles=("$work/self/rounds"/*.json)
[[ ${#singles[@]} -eq 8 ]] || fail "expected 8 single runs in rounds/, found ${#singles[@]}"

ab 1 HEAD HEAD "${small[@]}" --head-env NEURO_SELFTEST_EXTRA_WORK_PERCENT=50 --out "$work/planted"
py 'import json, sys
d = json.load(open(sys.argv[1]))
b = {b["name"]: b for b in d["benchmarks"]}["BM_SelfTestWork"]
assert b["status"] == "regressed", b["status"]
assert 0.3 < b["metrics"][0]["change"] < 0.7, b["metrics"][0]["change"]' \
  "$work/planted/compare_bench_selftest.json"
grep -q 'NEURO_SELFTEST_EXTRA_WORK_PERCENT=50' "$work/planted/summary.md" || fail "summary.md lacks --head-env"
grep -q 'data-status="regressed"' "$work/planted/index.html" || fail "the page shows no regressed row"
echo "ab_test: self A/B passes, +50 % in HEAD only is flagged, rounds merged"
