#!/usr/bin/python3
"""wire_latency.py: HTTP/1.1 latency as the loopback interface saw it, for any client.

    /usr/bin/python3 scripts/anchors/wire_latency.py --port PORT --out FILE [--method GET]
        [--seconds S]

Captures the packets to and from 127.0.0.1:PORT on `lo` (a packet socket: root, no tcpdump)
until SIGTERM, SIGINT or --seconds, with the kernel's receive stamp of each (SO_TIMESTAMPNS), and
times each request on each connection from the arrival of its first byte at the server to the
arrival of the last byte of its answer at the client: what an ideal client would report, with
no time of its own in it. Requests on a connection are taken one after the other (no
pipelining, as neuroperf and Locust send them): an answer runs until the client sends again.
Only requests whose first line starts with --method (GET) count; --method '' counts all.
Writes FILE as JSON: {"requests": N, "p50_ms": ..., "p99_ms": ..., "connections": N}.
Exit: 0 ok; 2 usage or no packet socket (not root); 3 nothing could be captured.
"""
import argparse
import json
import math
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35
PACKET_HOST = 0  # the receive side's copy of a loopback packet (the other is PACKET_OUTGOING)
SNAP_BYTES = 256  # headers and the request line: the rest of a segment is not copied


def fail(code, message):
    print(f"wire_latency: {message}", file=sys.stderr)
    sys.exit(code)


def percentile(values, p):
    """Nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100.0 * len(ordered))) - 1]


class Connection:
    def __init__(self):
        self.request_at = None  # arrival of the current request's first byte
        self.counted = False    # whether the current request is of --method
        self.answer_end = None  # arrival of its answer's last byte so far


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[1:]))
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--method", default="GET")
    ap.add_argument("--seconds", type=float, default=0.0)
    a = ap.parse_args()
    if not 0 < a.port < 65536:
        fail(2, f"--port: expected 1-65535, got {a.port}")
    try:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        sock.bind(("lo", 0))
    except PermissionError:
        fail(2, "a packet socket needs root (CAP_NET_RAW)")
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.settimeout(0.2)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    method = a.method.encode()
    connections, latencies = {}, []
    space = socket.CMSG_SPACE(16)
    deadline = time.monotonic() + a.seconds if a.seconds > 0 else None

    def close_request(c):
        if c.counted and c.request_at is not None and c.answer_end is not None:
            latencies.append(c.answer_end - c.request_at)
        c.request_at = c.answer_end = None

    while not stop and (deadline is None or time.monotonic() < deadline):
        try:
            frame, ancillary, _, address = sock.recvmsg(SNAP_BYTES, space)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if address[2] != PACKET_HOST or len(frame) < 14 + 20:
            continue
        stamp = None
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", data[:16])
                stamp = sec + nsec * 1e-9
        ip = frame[14:]
        if ip[0] >> 4 != 4 or ip[9] != 6 or stamp is None:
            continue
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        tcp = ip[ihl:]
        if len(tcp) < 20:
            continue
        src, dst = struct.unpack("!HH", tcp[:4])
        payload = total - ihl - (tcp[12] >> 4) * 4
        if payload <= 0 or a.port not in (src, dst):
            continue
        if dst == a.port:  # a request's bytes
            c = connections.setdefault(src, Connection())
            if c.answer_end is not None or c.request_at is None:
                close_request(c)
                c.request_at = stamp
                body = tcp[(tcp[12] >> 4) * 4:]
                c.counted = body.startswith(method)
        else:  # its answer's
            c = connections.get(dst)
            if c is not None and c.request_at is not None:
                c.answer_end = stamp
    for c in connections.values():
        close_request(c)
    ms = [v * 1e3 for v in latencies]
    with open(a.out, "w") as f:
        json.dump({"requests": len(ms), "p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99),
                   "connections": len(connections)}, f)
        f.write("\n")
    if not connections:
        fail(3, f"no packet to or from port {a.port} was captured")


if __name__ == "__main__":
    main()
