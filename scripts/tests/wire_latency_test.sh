#!/usr/bin/env bash
# Test of scripts/anchors/wire_latency.py against a reference it cannot see: a python HTTP/1.1
# server on loopback that answers GET /delay/MS after MS milliseconds, and a client that sends,
# on two keep-alive connections, 10 GETs of /delay/20 and /delay/40 alternately, a POST between
# them, and 2 GETs pipelined in one write (which the capture takes as one). The capture must
# count the 10 + 1 GETs it can tell apart, leave the POST out (and count it with --method ''),
# and put the p50 between 20 and 40 ms (the five 20 ms answers are its lower half) and the p99
# at or above 40 ms, below the client's own slowest time. Then 60 GETs of 1 MB answers as fast
# as they go, beside as many to a second server: every one of the first counted, no packet lost,
# and their p50 at least a tenth of the client's fastest exchange (answers cut short by a lost
# last segment would time far less). Exit 77 (skip) when not root (a packet socket needs
# CAP_NET_RAW).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
fail() { echo "wire_latency_test: $*" >&2; exit 1; }
((EUID == 0)) || { echo "wire_latency_test: not root: skipped"; exit 77; }
work=$(mktemp -d -t neuroperf-wire-latency-test.XXXXXX)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

cat >"$work/server.py" <<'PY'
import socket, sys, threading, time
listener = socket.create_server(("127.0.0.1", 0))
print(listener.getsockname()[1], flush=True)
def serve(conn):
    buf = b""
    while True:
        while b"\r\n\r\n" not in buf:
            got = conn.recv(65536)
            if not got:
                return
            buf += got
        head, buf = buf.split(b"\r\n\r\n", 1)
        line = head.split(b"\r\n")[0].split()
        if line[1].startswith(b"/delay/"):
            time.sleep(int(line[1][7:]) / 1000)
        body = b"x" * int(line[1][5:]) + b"ok" if line[1].startswith(b"/big/") else b"ok"
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
while True:
    c, _ = listener.accept()
    # Without it a pipelined pair's second answer waits for the ACK of the first (Nagle), which
    # the client delays by 40 ms: real on the wire, but not this test's point.
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
cat >"$work/big.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port))
fastest = 1e9
for _ in range(60):
    start = time.perf_counter()
    s.sendall(b"GET /big/1000000 HTTP/1.1\r\nHost: x\r\n\r\n")
    answer = b""
    while not answer.endswith(b"ok"):  # the body ends with "ok"
        answer += s.recv(1 << 20)
    fastest = min(fastest, time.perf_counter() - start)
print(fastest * 1000)
PY
cat >"$work/client.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def exchange(s, request, answers=1):
    start = time.perf_counter()
    s.sendall(request)
    got = b""
    while got.count(b"ok") < answers:
        got += s.recv(65536)
    return time.perf_counter() - start
slowest = 0.0
conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
for i in range(10):
    ms = 20 if i % 2 == 0 else 40
    slowest = max(slowest, exchange(conns[i % 2], f"GET /delay/{ms} HTTP/1.1\r\nHost: x\r\n\r\n".encode()))
    if i == 4:
        exchange(conns[0], b"POST /delay/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
exchange(conns[1], b"GET /delay/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /delay/1 HTTP/1.1\r\nHost: x\r\n\r\n", 2)
print(slowest * 1000)
PY

/usr/bin/python3 "$work/server.py" >"$work/port" &
pids+=($!)
for _ in $(seq 50); do [[ -s $work/port ]] && break; sleep 0.1; done
port=$(cat "$work/port")
[[ -n $port ]] || fail "the test server did not start"
for method in GET ''; do
  out="$work/wire_${method:-all}.json"
  /usr/bin/python3 "$root/scripts/anchors/wire_latency.py" --port "$port" --out "$out" \
    --method "$method" 2>"$work/wire.log" &
  wire=$!
  sleep 0.5
  slowest=$(/usr/bin/python3 "$work/client.py" "$port")
  sleep 0.2
  kill -TERM "$wire"
  wait "$wire" || fail "wire_latency.py exited $?: $(cat "$work/wire.log")"
  /usr/bin/python3 - "$out" "$slowest" "${method:-all}" <<'PY' || fail "$(cat "$out")"
import json, sys
doc, slowest, method = json.load(open(sys.argv[1])), float(sys.argv[2]), sys.argv[3]
assert doc["connections"] == 2, doc
if method == "GET":
    assert doc["requests"] == 11, doc  # 10 + the pipelined pair, which reads as one
    assert 20 <= doc["p50_ms"] < 40, doc
    assert 40 <= doc["p99_ms"] <= slowest, (doc, slowest)
else:
    assert doc["requests"] == 12, doc  # and the POST
PY
done
# 1 MB answers back to back, beside the same traffic to a second server on another port, which
# the filter must keep out of the capture's buffer.
/usr/bin/python3 "$work/server.py" >"$work/port2" &
pids+=($!)
for _ in $(seq 50); do [[ -s $work/port2 ]] && break; sleep 0.1; done
/usr/bin/python3 "$root/scripts/anchors/wire_latency.py" --port "$port" --out "$work/big.json" \
  2>"$work/wire.log" &
wire=$!
sleep 0.5
/usr/bin/python3 "$work/big.py" "$(cat "$work/port2")" >/dev/null &
other=$!
fastest=$(/usr/bin/python3 "$work/big.py" "$port")
wait "$other"
sleep 0.2
kill -TERM "$wire"
wait "$wire" || fail "wire_latency.py exited $? on 1 MB answers: $(cat "$work/wire.log")"
/usr/bin/python3 - "$work/big.json" "$fastest" <<'PY' || fail "1 MB answers: $(cat "$work/big.json")"
import json, sys
doc, fastest = json.load(open(sys.argv[1])), float(sys.argv[2])
assert doc["requests"] == 60 and doc["drops"] == 0 and doc["connections"] == 1, doc
# The wire cannot be faster than the first byte out to the last byte in; a lost last segment
# would end an answer early. A 1 MB answer on loopback takes well over a tenth of the client's
# fastest (which adds only the client's own reads).
assert doc["p50_ms"] >= fastest * 0.1, (doc, fastest)
PY
expect_usage=$(/usr/bin/python3 "$root/scripts/anchors/wire_latency.py" --port 0 --out "$work/x" 2>&1 || true)
[[ $expect_usage == *"--port: expected 1-65535"* ]] || fail "--port 0 was not refused: $expect_usage"
echo "wire_latency_test: passed"
