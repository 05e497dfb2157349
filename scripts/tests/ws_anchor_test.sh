#!/usr/bin/env bash
# Integration test of scripts/anchors/ws_websockets.py against the engine server at
# NEUROPERF_TARGET_URL: one short round of 3 openbci_cyton subscribers (10 packets a second each)
# in both clients in turn, then 4 split between them at once (--together). Each must count the
# packets the server sent in its window (subscribers x 2 s x 10, give or take two per subscriber
# at the window's edges), with no gap and positive latencies, the kernel's arrival stamps no
# later than the reads; the table must give both clients, the arrival stamps and the
# differences; together, the independent client's subscribers must follow neuroperf's
# connections. Exit 77 (skip) without a target or python3-websockets.
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
grep -q "^| neuroperf vs websockets' sockets, kernel arrival | [-+][0-9.]* % | [-+][0-9.]* % |" \
  "$work/table.md" || fail "no difference to the arrival stamps: $(cat "$work/table.md")"
/usr/bin/python3 "$root/scripts/anchors/ws_websockets.py" --target "$url" --neuroperf "$cli" \
  --rounds 1 --seconds 2 --subscribers 4 --profile openbci_cyton --together \
  --json "$work/together.json" >"$work/together.md" 2>"$work/together_log.txt" ||
  fail "--together exited $?: $(tail -5 "$work/together_log.txt")"
grep -q '(together, 2 + 2 alternating)' "$work/together.md" ||
  fail "--together does not say how it split: $(cat "$work/together.md")"
/usr/bin/python3 - "$work/ws.json" "$work/together.json" <<'PY' ||
import json, sys
for path, subscribers in ((sys.argv[1], {"neuroperf": 3, "websockets": 3}),
                          (sys.argv[2], {"neuroperf": 2, "websockets": 2})):
    doc = json.load(open(path))
    for tool, n in subscribers.items():
        run = doc["runs"][tool][0]
        # n subscribers x 2 s x 10 packets/s; a window's edges (its start waits for the
        # subscription to be read) may take or leave a packet or two each.
        assert 20 * n - 2 * n <= run["messages"] <= 20 * n + 2 * n, (path, tool, run)
        assert run["gaps"] == 0, (path, tool, run)
        assert 0 < run["p50_ms"] <= run["p99_ms"] < 1000, (path, tool, run)
    py = doc["runs"]["websockets"][0]
    # Stamped by the kernel on arrival, before its read: all but the first reads of a host whose
    # stamping was off (the kernel turns it on a moment after the first socket asks).
    assert 0.8 * py["messages"] <= py["arrival_stamps"] <= py["messages"], py
    assert 0 < py["arrival_p50_ms"] <= py["p50_ms"] and py["arrival_p99_ms"] <= py["p99_ms"], py
together = json.load(open(sys.argv[2]))
order = together["runs"]["websockets"][0]["join_order"]
# Each subscriber of the independent client added after one more connection of neuroperf's.
assert order.count("w") == 2 and order.index("w") > 0, order
assert all(order[:i].count("n") > order[:i].count("w") for i, c in enumerate(order) if c == "w"), order
PY
  fail "the JSON does not hold: $(cat "$work/ws.json" "$work/together.json")"
echo "ws_anchor_test: passed ($(tr '\n' ' ' <"$work/table.md"); together: $(tr '\n' ' ' <"$work/together.md"))"
