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
Only that port's TCP packets reach the socket (a BPF filter, cut to their first 256 bytes) and
its buffer is 64 MB: a capture that still lost packets (the kernel's PACKET_STATISTICS) says how
many and exits 3, since a lost segment moves a request's start or its answer's end.
Writes FILE as JSON: {"requests": N, "p50_ms": ..., "p99_ms": ... (null without requests),
"connections": N (SYNs seen), "packets": N, "drops": N}.
Exit: 0 ok; 2 usage or no packet socket (not root); 3 nothing captured, or packets lost.
"""
import ctypes
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
SO_ATTACH_FILTER = 26
SO_RCVBUFFORCE = 33
SOL_PACKET = 263
PACKET_STATISTICS = 6
BUFFER_BYTES = 64 << 20
PACKET_HOST = 0  # the receive side's copy of a loopback packet (the other is PACKET_OUTGOING)
SNAP_BYTES = 256  # headers and the request line: the rest of a segment is not copied


def fail(code, message):
    print(f"wire_latency: {message}", file=sys.stderr)
    sys.exit(code)


def port_filter(port):
    """Classic BPF for IPv4 TCP to or from `port` on an Ethernet-framed interface (lo), each
    packet cut to SNAP_BYTES; what `tcpdump -dd 'tcp port PORT'` gives for IPv4."""
    code = [
        (0x28, 0, 0, 12),           # ldh [12]: the EtherType
        (0x15, 0, 8, 0x0800),       # IPv4, else drop
        (0x30, 0, 0, 23),           # ldb [23]: the protocol
        (0x15, 0, 6, 6),            # TCP, else drop
        (0x28, 0, 0, 20),           # ldh [20]: flags and fragment offset
        (0x45, 4, 0, 0x1FFF),       # a later fragment: drop
        (0xB1, 0, 0, 14),           # ldxb 4*([14]&0xf): the IP header's length
        (0x48, 0, 0, 14),           # ldh [x+14]: the source port
        (0x15, 2, 0, port),         # ours: keep
        (0x48, 0, 0, 16),           # ldh [x+16]: the destination port
        (0x15, 0, 1, port),         # ours: keep, else drop
        (0x06, 0, 0, SNAP_BYTES),   # keep SNAP_BYTES
        (0x06, 0, 0, 0),            # drop
    ]
    program = b"".join(struct.pack("HBBI", *c) for c in code)
    buffer = ctypes.create_string_buffer(program)
    return buffer, struct.pack("HL", len(code), ctypes.addressof(buffer))


def percentile(values, p):
    """Nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100.0 * len(ordered))) - 1]


class Connection:
    def __init__(self):  # one per client port; a SYN from that port starts it again
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
    program, fprog = port_filter(a.port)  # `program` must outlive the attach call
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, BUFFER_BYTES)
    # What the socket queued before the filter was attached (any packet on lo) is read away.
    sock.setblocking(False)
    while True:
        try:
            sock.recv(SNAP_BYTES)
        except BlockingIOError:
            break
    sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)  # reading resets the counts
    sock.settimeout(0.2)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    method = a.method.encode()
    connections, latencies = {}, []
    syns, packets = 0, 0
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
        packets += 1
        if dst == a.port and tcp[13] & 0x02:  # a SYN: a new connection from that port
            if src in connections:
                close_request(connections[src])
            connections[src] = Connection()
            syns += 1
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
    received, drops = struct.unpack("II", sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
    ms = [v * 1e3 for v in latencies]

    def number(v):
        return None if v != v else v  # NaN is not JSON

    with open(a.out, "w") as f:
        json.dump({"requests": len(ms), "p50_ms": number(percentile(ms, 50)),
                   "p99_ms": number(percentile(ms, 99)), "connections": syns,
                   "packets": packets, "drops": drops}, f)
        f.write("\n")
    if drops:
        fail(3, f"the capture lost {drops} of {received} packets: the figures in {a.out} are not "
                "every request's")
    if not connections:
        fail(3, f"no packet to or from port {a.port} was captured")


if __name__ == "__main__":
    main()
