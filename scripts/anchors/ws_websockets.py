#!/usr/bin/python3
"""ws_websockets.py: /ws/stream latency, neuroperf beside an independent python3-websockets client.

    /usr/bin/python3 scripts/anchors/ws_websockets.py [--target URL] [--subscribers N]
        [--seconds S] [--profile P] [--rounds R] [--threads N] [--spin-us US]
        [--together] [--join-ms MS] [--neuroperf PATH] [--json FILE]

Each round runs against the same engine server `neuroperf load` with one `ws:` step (N users,
one session each: subscribe to P's neural_data, receive for S seconds, `latency_from:
timestamp`) and the independent client with the same subscriptions, and reads each one's
per-message latency: the wall clock when the message's bytes were read from the socket minus
the packet's `timestamp` (epoch seconds, stamped by the server when it makes the packet). The
independent client also reads the kernel's arrival stamp of each read (SO_TIMESTAMPNS: the stamp
of the read's last segment): when the message reached its socket, before any reader's wake-up, a
third reading that no client's scheduling moves (exact for the last message of a read; one
that shared a read with a later one arrived earlier than it says, which with one packet per
subscriber per 100 ms is rare). Prints a markdown table: per reading the medians over the rounds of p50 and
p99, messages and sequence gaps, and neuroperf's difference in % to the independent client's
reads and to the arrival stamps (goal: p50 and p99 within 5 %); each round's figures (with
neuroperf's own read lag, its `read_lag` percentiles) go to stderr. --json FILE writes them all.

In turn (default), the clients run one after the other with N subscribers each. --together
runs them at once with N/2 each, on the same ticks: neuroperf's users start --join-ms (20) apart
(`ramp_up`) and the independent client adds a subscriber after each new connection of
neuroperf's it sees in /proc/net/tcp, so the two alternate along the server's fan-out (which
sends each tick in subscription order; one client's all first would hand it the early half).
Together, four threads share a 2-core machine (the server's two, one per client).

The independent client is Debian's python3-websockets 10.4 (its sans-I/O ClientConnection does
the handshake, the framing and the pongs) on non-blocking sockets under one epoll loop. It
stamps right after each read returns, reads into one preallocated buffer, and parses only once a
burst of reads is over (no read for 5 ms, or 50 ms after the first unparsed one), so decoding
one message does not delay the reads of the others in the same tick. Each of these mattered:
an asyncio version (stamps in data_received and at recv()) read 0.1-2 ms late, after asyncio's
wake-up and behind the parsing of the messages before it; parsing at once, or a recv() that
allocated a fresh buffer per read, left its p50 3-50 % above neuroperf's.

The engine server: --target, else NEUROPERF_TARGET_URL, else services of its own
(scripts/services in a throwaway state directory on free ports, 127.0.0.1 only; cleaned at exit).
Defaults: 3 rounds, 100 subscribers of ant_neuro (32 ch x 100 samples per 100 ms, ~25 KB JSON),
10 s, and one neuroperf load thread (--threads): the independent client is one thread, and a
second client thread on a 2-core machine takes the core the server's fan-out would use. Inside a
burst of reads the independent client polls without sleeping for --spin-us (200) after its last
read, as neuroperf's loop does: a reader asleep when a message lands stamps it after its
wake-up (0.1-0.3 ms at the p50 of 100 ant_neuro subscribers on a 2-vCPU KVM guest); 0 makes it
sleep between reads as before. Exit: 0 ok; 2 usage or a missing tool; 3 a tool failed.
"""
import argparse
import gc
import json
import os
import pathlib
import select
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
READ_CHUNK_BYTES = 65536
SO_TIMESTAMPNS = 35  # Linux; Python's socket module does not name it
TIMESTAMP_SPACE = socket.CMSG_SPACE(16)  # one struct timespec
BURST_BUFFER_BYTES = 64 << 20  # a burst's reads, parsed once it is over
QUIET_S = 0.005       # a burst of reads is over after this long without one
MAX_UNPARSED_S = 0.05  # ... or when its first read waited this long to be parsed


def fail(code, message):
    print(f"ws_websockets: {message}", file=sys.stderr)
    sys.exit(code)


def token_for(base):
    body = json.dumps({"username": "loadtest", "password": "test_pass"}).encode()
    req = urllib.request.Request(base + "/auth/token", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)["access_token"]


def percentile(values, p):
    """Nearest rank, as an HDR histogram reports it (to its resolution)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, int(round(p / 100.0 * len(ordered) + 0.5 - 1e-9)))
    return ordered[min(rank, len(ordered)) - 1]


def established_to(port):
    """(local port, remote port) of each established IPv4 TCP connection to `port` on this host."""
    out = set()
    with open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            fields = line.split()
            if fields[3] != "01":  # ESTABLISHED
                continue
            local, remote = int(fields[1].rsplit(":", 1)[1], 16), int(fields[2].rsplit(":", 1)[1], 16)
            if remote == port:
                out.add(local)
    return out


class FollowConnections:
    """Paces --together: the independent client may add its i-th subscriber once the i-th
    connection of another process to the server's port has been seen (neuroperf's users, which
    start JOIN_MS apart, and its login first). The server sends each tick's packets in the order
    the subscriptions came, so the two clients' subscribers alternate along the fan-out instead
    of one client's all coming first (a fan-out of 100 x 25 KB writes lasts about as long as the
    latency measured)."""

    CHECK_EVERY_S = 0.001

    def __init__(self, port, before):
        self.port = port
        self.ignored = set(before)  # connections open before neuroperf started
        self.seen = set()
        self.next_check = 0.0
        self.order = ""  # "n" per connection of neuroperf's seen, "w" per subscriber added here

    def allows(self, own_ports, added):
        now = time.monotonic()
        if now < self.next_check:
            return False
        self.next_check = now + self.CHECK_EVERY_S
        new = established_to(self.port) - own_ports - self.ignored - self.seen
        self.seen |= new
        self.order += "n" * len(new)
        if len(self.seen) <= added:
            return False
        self.order += "w"
        return True


class Subscriber:
    def __init__(self, uri, profile):
        from websockets.client import ClientConnection
        self.sock = socket.create_connection((uri.host, uri.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # The kernel stamps each segment when it reaches the socket: the arrival time of a
        # message, whenever this process gets to read it.
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sock.setblocking(False)
        self.conn = ClientConnection(uri, max_size=None)
        self.conn.send_request(self.conn.connect())
        self.profile = profile
        self.parts = []
        self.last_seq = None
        self.end = None  # the end of its S seconds from its subscription: monotonic, wall clock
        self.end_wall = None
        self.flush()

    def flush(self):
        for data in self.conn.data_to_send():
            if data:
                self.sock.setblocking(True)
                self.sock.sendall(data)
                self.sock.setblocking(False)

    def feed(self, stamp, arrival, data, seconds, latencies, arrivals, counts):
        """Parses one read; a message it completes gets the read's stamp and the kernel's arrival
        stamp of the read's last segment (None if the kernel gave none)."""
        from websockets.frames import Opcode
        from websockets.http11 import Response
        self.conn.receive_data(data)
        for event in self.conn.events_received():
            if isinstance(event, Response):
                if event.status_code != 101:
                    fail(3, f"the WebSocket upgrade was answered {event.status_code}")
                self.conn.send_text(json.dumps({"type": "subscribe", "profile": self.profile,
                                                "channels": ["neural_data"]}).encode())
                self.end = time.monotonic() + seconds
                self.end_wall = time.time() + seconds
                continue
            if event.opcode not in (Opcode.TEXT, Opcode.CONT):
                continue  # pings are answered by the connection itself (flushed below)
            self.parts.append(event.data)
            if not event.fin:
                continue
            message = json.loads(b"".join(self.parts))
            self.parts = []
            if message.get("type") != "neural_data" or self.end is None or stamp > self.end_wall:
                continue
            latencies.append(stamp - message["timestamp"])
            if arrival is not None:
                arrivals.append(arrival - message["timestamp"])
            seq = message["seq"]
            if self.last_seq is not None and seq > self.last_seq + 1:
                counts["gaps"] += seq - self.last_seq - 1
            self.last_seq = seq
        self.flush()


def independent_client(base, subscribers, seconds, profile, spin_s, pace=None):
    """pace: None to subscribe all at once, or a FollowConnections that says when to add each."""
    from websockets.uri import parse_uri
    uri = parse_uri(base.replace("http://", "ws://", 1) + "/ws/stream?token=" + token_for(base))
    subs, by_fd, recv_of, own_ports = [], {}, {}, set()
    poller = select.epoll()

    def add_subscriber():
        s = Subscriber(uri, profile)
        subs.append(s)
        fd = s.sock.fileno()
        by_fd[fd] = s
        # The read loop does as little as it can between a socket turning readable and its
        # stamp: names bound once, reads into one preallocated buffer (no allocation per read),
        # parsing after the burst.
        recv_of[fd] = s.sock.recvmsg_into
        own_ports.add(s.sock.getsockname()[1])
        poller.register(fd, select.EPOLLIN)

    if pace is None:
        for _ in range(subscribers):
            add_subscriber()
    wall = time.time
    mono = time.monotonic
    poll = poller.poll
    buffer = bytearray(BURST_BUFFER_BYTES)
    view = memoryview(buffer)
    latencies, arrivals, counts, unparsed = [], [], {"gaps": 0}, []
    keep = unparsed.append
    cpu0 = time.process_time()
    gc.disable()  # a collection in the middle of a burst would delay its reads
    deadline = mono() + seconds + 30  # handshakes included
    while True:
        now = mono()
        joining = len(subs) < subscribers
        if joining and pace.allows(own_ports, len(subs)):
            add_subscriber()
        if not joining and all(s.end is not None and now >= s.end for s in subs) or now >= deadline:
            break
        ready = poll(pace.CHECK_EVERY_S if joining else 0.5)
        first_unparsed = None
        at = 0
        full = False
        while ready:
            for fd, _ in ready:
                if at + READ_CHUNK_BYTES > BURST_BUFFER_BYTES:
                    full = True  # the sockets not read stay readable for the next poll
                    break
                try:
                    got, ancillary, _, _ = recv_of[fd]([view[at:at + READ_CHUNK_BYTES]],
                                                       TIMESTAMP_SPACE)
                except BlockingIOError:
                    continue
                keep((fd, wall(), ancillary, at, got))
                if got == 0:
                    fail(3, "the server closed a subscriber's connection")
                at += got
            first_unparsed = first_unparsed or mono()
            if full or mono() - first_unparsed > MAX_UNPARSED_S:
                break
            # Inside a burst, poll without sleeping for spin_s after the last read, as
            # neuroperf's loop does (load/engine/burst_spin.hpp): a sleeping reader stamps the
            # next message after its wake-up, not when it lands.
            ready = poll(0)
            spin_end = mono() + spin_s
            while not ready and mono() < spin_end:
                ready = poll(0)
            if not ready:
                ready = poll(QUIET_S)
        for fd, stamp, ancillary, start, got in unparsed:
            arrival = None
            for level, kind, data in ancillary:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
                    sec, nsec = struct.unpack("qq", data[:16])
                    arrival = sec + nsec * 1e-9
            by_fd[fd].feed(stamp, arrival, bytes(view[start:start + got]), seconds, latencies,
                           arrivals, counts)
        unparsed.clear()
    gc.enable()
    cpu = time.process_time() - cpu0
    for s in subs:
        s.sock.close()
    ms = [v * 1e3 for v in latencies]
    arrival_ms = [v * 1e3 for v in arrivals]
    result = {"messages": len(ms), "gaps": counts["gaps"], "p50_ms": percentile(ms, 50),
              "p99_ms": percentile(ms, 99), "cpu_s": round(cpu, 3),
              "arrival_p50_ms": percentile(arrival_ms, 50),
              "arrival_p99_ms": percentile(arrival_ms, 99), "arrival_stamps": len(arrival_ms)}
    if pace is not None:
        result["join_order"] = pace.order
    return result


SCENARIO = """name: ws-latency-anchor
target: {base}
timeout: 30s
auth:
  method: POST
  path: /auth/token
  json: {{username: loadtest, password: test_pass}}
  capture: {{token: access_token}}
steps:
  - name: stream
    ws:
      path: /ws/stream?token=${{token}}
      send: '{{"type":"subscribe","channels":["neural_data"],"profile":"{profile}"}}'
      receive:
        duration: {seconds}s
        match: {{json: type, equals: neural_data}}
        latency_from: timestamp
        seq_field: seq
executor: {{type: constant-users, users: {subscribers}, iterations: 1, ramp_up: {ramp_ms}ms}}
"""


def start_neuroperf(exe, work, base, subscribers, seconds, profile, round_no, threads, ramp_ms):
    scenario = pathlib.Path(work) / "ws_latency.yaml"
    scenario.write_text(SCENARIO.format(base=base, subscribers=subscribers, seconds=seconds,
                                        profile=profile, ramp_ms=ramp_ms))
    out = pathlib.Path(work) / f"neuroperf_{round_no}"
    # Its stderr to a file: a pipe nobody reads while the other client runs could fill and block it.
    log = pathlib.Path(work) / f"neuroperf_{round_no}.log"
    with open(log, "w") as err:
        run = subprocess.Popen([str(exe), "load", str(scenario), "--threads", str(threads),
                                "--quiet", "--out", str(out)],
                               stdout=subprocess.DEVNULL, stderr=err)
    return run, out


def neuroperf_result(run, out):
    run.wait()
    if not (out / "result.json").exists():
        log = out.parent / f"{out.name}.log"
        fail(3, f"neuroperf load exited {run.returncode} without a result: "
                f"{log.read_text().strip()[-400:]}")
    ws = json.load(open(out / "result.json"))["steps"][0]["ws"]
    lag = ws.get("read_lag_percentiles_ms") or {}
    return {"messages": ws["messages_in"], "gaps": ws["seq_gaps"],
            "p50_ms": ws["latency_percentiles_ms"]["p50"],
            "p99_ms": ws["latency_percentiles_ms"]["p99"],
            "read_lag_p50_ms": lag.get("p50"), "read_lag_p99_ms": lag.get("p99")}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def own_services():
    # A state directory of its own (scripts/services hands it to the postgres user; `clean`
    # removes it).
    state = tempfile.mkdtemp(prefix="neuroperf-ws-anchor-services.")
    env = dict(os.environ, NEUROPERF_STATE_DIR=state,
               NEUROPERF_PG_PORT=str(free_port()), NEUROPERF_REDIS_PORT=str(free_port()),
               NEUROPERF_ENGINE_PORT=str(free_port()))
    env.pop("NEUROPERF_PG_URL", None)
    env.pop("NEUROPERF_REDIS_URL", None)
    services = ROOT / "scripts" / "services"
    if subprocess.run([str(services), "start"], env=env, stdout=sys.stderr).returncode != 0:
        subprocess.run([str(services), "clean"], env=env, stdout=sys.stderr)
        fail(3, "could not start the services (scripts/services start)")
    return env, f"http://127.0.0.1:{env['NEUROPERF_ENGINE_PORT']}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[1:]))
    ap.add_argument("--target", default=os.environ.get("NEUROPERF_TARGET_URL"))
    ap.add_argument("--subscribers", type=int, default=100)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--profile", default="ant_neuro")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--spin-us", type=int, default=200)
    ap.add_argument("--together", action="store_true")
    ap.add_argument("--join-ms", type=int, default=20)
    ap.add_argument("--neuroperf", default=str(ROOT / "build/release/tools/cli/neuroperf"))
    ap.add_argument("--json")
    a = ap.parse_args()
    if a.subscribers < 1 or a.seconds < 1 or a.rounds < 1:
        fail(2, "--subscribers, --seconds and --rounds must be at least 1")
    if a.threads < 1 or a.spin_us < 0 or a.join_ms < 1:
        fail(2, "--threads and --join-ms must be at least 1 and --spin-us at least 0")
    if a.together and a.subscribers < 2:
        fail(2, "--together splits the subscribers between the clients: give at least 2")
    if not os.access(a.neuroperf, os.X_OK):
        fail(2, f"{a.neuroperf} is not built")
    try:
        import websockets  # noqa: F401
    except ImportError:
        fail(2, "python3-websockets is not installed (apt-get install -y python3-websockets)")
    with tempfile.TemporaryDirectory(prefix="neuroperf-ws-anchor.") as work:
        services_env = None
        base = a.target.rstrip("/") if a.target else None
        if base is None:
            services_env, base = own_services()
        try:
            runs = {"neuroperf": [], "websockets": []}
            for r in range(1, a.rounds + 1):
                if a.together:
                    port = urllib.parse.urlsplit(base).port
                    before = established_to(port)
                    run, out = start_neuroperf(a.neuroperf, work, base, a.subscribers // 2,
                                               a.seconds, a.profile, r, a.threads,
                                               a.subscribers // 2 * a.join_ms)
                    pace = FollowConnections(port, before)
                    try:
                        mine = independent_client(base, a.subscribers - a.subscribers // 2,
                                                  a.seconds, a.profile, a.spin_us / 1e6, pace)
                    finally:  # fail() exits: neuroperf must not outlive the anchor
                        if run.poll() is None and sys.exc_info()[0] is not None:
                            run.kill()
                    runs["neuroperf"].append(neuroperf_result(run, out))
                    runs["websockets"].append(mine)
                else:
                    run, out = start_neuroperf(a.neuroperf, work, base, a.subscribers, a.seconds,
                                               a.profile, r, a.threads, 0)
                    runs["neuroperf"].append(neuroperf_result(run, out))
                    runs["websockets"].append(independent_client(base, a.subscribers, a.seconds,
                                                                 a.profile, a.spin_us / 1e6))
                print(f"ws_websockets: round {r}/{a.rounds}: neuroperf {runs['neuroperf'][-1]}, "
                      f"websockets {runs['websockets'][-1]}", file=sys.stderr)
        finally:
            if services_env is not None:
                subprocess.run([str(ROOT / "scripts" / "services"), "clean"], env=services_env,
                               stdout=sys.stderr)
    # The independent client's kernel arrival stamps are a third reading of the same messages:
    # when they reached its sockets, before any reader's wake-up.
    runs["arrival"] = [{"messages": r["arrival_stamps"], "gaps": r["gaps"],
                        "p50_ms": r["arrival_p50_ms"], "p99_ms": r["arrival_p99_ms"]}
                       for r in runs["websockets"]]
    median = {tool: {k: statistics.median(r[k] for r in rs) for k in ("p50_ms", "p99_ms")}
              for tool, rs in runs.items()}
    diff = {ref: {k: 100.0 * (median["neuroperf"][k] / median[ref][k] - 1.0)
                  for k in ("p50_ms", "p99_ms")} for ref in ("websockets", "arrival")}
    split = (f"together, {a.subscribers // 2} + {a.subscribers - a.subscribers // 2} alternating"
             if a.together else "in turn")
    print(f"{a.subscribers} subscribers x {a.profile} ({split}), {a.seconds} s, {a.rounds} rounds "
          f"(medians), latency from the packets' timestamp:\n")
    print("| client | p50 ms | p99 ms | messages | gaps |")
    print("|---|---:|---:|---:|---:|")
    names = {"neuroperf": "neuroperf", "websockets": "websockets",
             "arrival": "websockets' sockets, kernel arrival"}
    for tool, rs in runs.items():
        print(f"| {names[tool]} | {median[tool]['p50_ms']:.3f} | {median[tool]['p99_ms']:.3f} | "
              f"{sum(r['messages'] for r in rs)} | {sum(r['gaps'] for r in rs)} |")
    for ref in ("websockets", "arrival"):
        print(f"| neuroperf vs {names[ref]} | {diff[ref]['p50_ms']:+.1f} % | "
              f"{diff[ref]['p99_ms']:+.1f} % | | |")
    if a.json:
        json.dump({"subscribers": a.subscribers, "profile": a.profile, "seconds": a.seconds,
                   "together": a.together,
                   "runs": runs, "medians": median, "difference_percent": diff["websockets"],
                   "difference_to_arrival_percent": diff["arrival"]},
                  open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
