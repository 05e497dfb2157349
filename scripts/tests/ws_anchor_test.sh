#!/usr/bin/env bash
# Integration test of scripts/anchors/ws_websockets.py against the engine server at
# NEUROPERF_TARGET_URL: one short round of 3 openbci_cyton subscribers (10 packets a second each)
# in both clients. Each must count the packets the server sent in its window (3 x 2 s x 10, give
# or take two per subscriber at the window's edges), with no gap and positive latencies; the
# table must give both clients and their difference. Exit 77 (skip) without a target or
# python3-websockets.
#   ws_anchor_test.sh NEUROPERF_CLI
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli=${1:?usage: ws_anchor_test.sh NEUROPERF_CLI}
url=${NEUROPERF_TARGET_URL:-}
[[ -n $url ]] || { echo "ws_anchor_test: no NEUROPERF_TARGET_URL: skipped"; exit 77; }
/usr/bin/python3 -c 'import websockets' 2>/dev/null ||
  { echo "ws_anchor_test: python3-websockets is not installed: skipped"; exit 77; }
work=$(mktemp -d -t neuroperf-ws-anchor-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "ws_anchor_test: $*" >&2; exit 1; }

/usr/bin/python3 "$root/scripts/anchors/ws_websockets.py" --target "$url" --neuroperf "$cli" \
  --rounds 1 --seconds 2 --subscribers 3 --profile openbci_cyton --json "$work/ws.json" \
  >"$work/table.md" 2>"$work/log.txt" || fail "exited $?: $(tail -5 "$work/log.txt")"
grep -q '^| neuroperf | [0-9.]* | [0-9.]* | [0-9]* | 0 |$' "$work/table.md" ||
  fail "no neuroperf row without gaps: $(cat "$work/table.md")"
grep -q '^| websockets | [0-9.]* | [0-9.]* | [0-9]* | 0 |$' "$work/table.md" ||
  fail "no websockets row without gaps: $(cat "$work/table.md")"
grep -q '^| neuroperf vs websockets | [-+][0-9.]* % | [-+][0-9.]* % |' "$work/table.md" ||
  fail "no difference row: $(cat "$work/table.md")"
/usr/bin/python3 - "$work/ws.json" <<'PY' || fail "the JSON does not hold: $(cat "$work/ws.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
for tool in ("neuroperf", "websockets"):
    run = doc["runs"][tool][0]
    # 3 subscribers x 2 s x 10 packets/s; a window's edges (its start waits for the subscription
    # to be read) may take or leave a packet or two each.
    assert 54 <= run["messages"] <= 66, (tool, run)
    assert run["gaps"] == 0, (tool, run)
    assert 0 < run["p50_ms"] <= run["p99_ms"] < 1000, (tool, run)
PY
echo "ws_anchor_test: passed ($(tr '\n' ' ' <"$work/table.md"))"
