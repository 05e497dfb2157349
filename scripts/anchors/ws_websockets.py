#!/usr/bin/python3
"""An independent /ws/stream client (Debian's python3-websockets, hence /usr/bin/python3) for comparing latencies.

  ws_websockets.py [--target URL] [--subscribers N] [--seconds S] [--profile P]

N subscribers on one asyncio loop subscribe to P's neural_data and read for S seconds; each
packet's latency is a wall-clock stamp minus its `timestamp` (epoch seconds). Two stamps:
`read`, taken in the protocol's data_received (when the bytes left the socket, as neuroperf's
`latency_from: timestamp` stamps), and `recv`, when recv() hands the message over (what the
document's client measures: it adds the library's framing, decoding and scheduling). A read
stamp is exact while a subscriber's messages do not queue behind each other (low rates).
Prints one JSON object: messages, seq gaps, p50/p99/mean in ms for both.
Install: apt-get install -y python3-websockets.
"""
import argparse
import asyncio
import json
import sys
import time
import urllib.request

try:
    import websockets
except ImportError:
    sys.exit("ws_websockets.py: python3-websockets is not installed "
             "(apt-get install -y python3-websockets)")


def token_for(base):
    body = json.dumps({"username": "loadtest", "password": "test_pass"}).encode()
    req = urllib.request.Request(base + "/auth/token", body,
                                 {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)["access_token"]


class StampedProtocol(websockets.WebSocketClientProtocol):
    """Stamps the wall clock each time bytes arrive from the socket."""
    last_read = 0.0

    def data_received(self, data):
        self.last_read = time.time()
        super().data_received(data)


async def subscriber(url, profile, seconds, latencies, read_latencies, counts):
    async with websockets.connect(url, max_size=None, create_protocol=StampedProtocol) as ws:
        await ws.send(json.dumps({"type": "subscribe", "profile": profile,
                                  "channels": ["neural_data"]}))
        last = None
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=left)
            except asyncio.TimeoutError:
                break
            now = time.time()
            data = json.loads(message)
            if data.get("type") != "neural_data":
                continue
            latencies.append(now - data["timestamp"])
            read_latencies.append(ws.last_read - data["timestamp"])
            seq = data["seq"]
            if last is not None and seq > last + 1:
                counts["gaps"] += seq - last - 1
            last = seq


def percentile(values, p):
    # Nearest rank, as an HDR histogram reports it (to its resolution).
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, int(round(p / 100.0 * len(ordered) + 0.5 - 1e-9)))
    return ordered[min(rank, len(ordered)) - 1]


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="http://127.0.0.1:8000")
    ap.add_argument("--subscribers", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--profile", default="openbci_cyton")
    a = ap.parse_args()
    token = token_for(a.target)
    url = a.target.replace("http://", "ws://", 1) + "/ws/stream?token=" + token
    latencies, read_latencies, counts = [], [], {"gaps": 0}
    cpu0 = time.process_time()
    await asyncio.gather(*(subscriber(url, a.profile, a.seconds, latencies, read_latencies,
                                      counts) for _ in range(a.subscribers)))
    cpu = time.process_time() - cpu0

    def summary(values):
        ms = [v * 1e3 for v in values]
        return {"p50_ms": round(percentile(ms, 50), 3), "p99_ms": round(percentile(ms, 99), 3),
                "mean_ms": round(sum(ms) / len(ms), 3) if ms else 0.0}
    print(json.dumps({
        "client": "python3-websockets " + websockets.__version__,
        "subscribers": a.subscribers, "seconds": a.seconds, "profile": a.profile,
        "messages": len(latencies), "gaps": counts["gaps"], "cpu_s": round(cpu, 3),
        "read": summary(read_latencies), "recv": summary(latencies)}))


if __name__ == "__main__":
    asyncio.run(main())
