#!/usr/bin/env python3
"""The acknowledged-writes side of scripts/faults (a Jepsen-style check on the engine server).

write:  posts chunk after chunk of seeded 8-channel EEG (OpenBCI Cyton frames of 25 samples)
        to /api/v2/sessions/ID/data, one request at a time, until STOP_FILE exists. A chunk is
        retried under the same chunk_index until the server answers 200 (stored, or duplicate:
        a retry of one stored before its answer was lost), so every index is acknowledged once
        and in order. Each outcome is one line of LOG: "<epoch s> <index> <outcome> <ms>", the
        outcome being acked, duplicate, a status (503, ...), timeout or refused. Every few
        chunks it also sends half a request and hangs up (the client dropping mid-request): a
        chunk no one acknowledged, which must never be stored.
verify: reads the session back (raw float32, per channel, chunks in stored order) and compares
        it with the acknowledged chunks; prints a JSON summary and exits 1 when an acknowledged
        chunk is missing or different, or anything unacknowledged was stored.
"""
import argparse
import http.client
import json
import os
import random
import socket
import struct
import sys
import time

CHANNELS = 8
SAMPLES = 25
BOUNDARY = "neuroperf-faults-boundary"


def chunk_samples(seed, index):
    """Channel-major float32 samples of chunk `index` (the same on every call)."""
    rng = random.Random(seed * 1_000_003 + index)
    return [rng.uniform(-100.0, 100.0) for _ in range(CHANNELS * SAMPLES)]


def chunk_bytes(seed, index):
    return struct.pack("<%df" % (CHANNELS * SAMPLES), *chunk_samples(seed, index))


def multipart(session, index, data):
    parts = []
    for name, value, ctype in (("session_id", session.encode(), None),
                               ("chunk_index", str(index).encode(), None),
                               ("data", data, "application/octet-stream")):
        head = '--%s\r\nContent-Disposition: form-data; name="%s"' % (BOUNDARY, name)
        if ctype:
            head += '; filename="%s.bin"\r\nContent-Type: %s' % (name, ctype)
        parts.append(head.encode() + b"\r\n\r\n" + value + b"\r\n")
    return b"".join(parts) + ("--%s--\r\n" % BOUNDARY).encode()


def post_chunk(host, port, token, session, index, data, timeout_s):
    body = multipart(session, index, data)
    conn = http.client.HTTPConnection(host, port, timeout=timeout_s)
    try:
        conn.request("POST", "/api/v2/sessions/%s/data" % session, body=body, headers={
            "Authorization": "Bearer " + token,
            "Content-Type": "multipart/form-data; boundary=" + BOUNDARY})
        response = conn.getresponse()
        payload = response.read()
        if response.status != 200:
            return str(response.status)
        return "duplicate" if json.loads(payload).get("duplicate") else "acked"
    except socket.timeout:
        return "timeout"
    except (ConnectionError, OSError, http.client.HTTPException):
        return "refused"
    finally:
        conn.close()


def hang_up_mid_request(host, port, token, session, index, data):
    """Sends the header and half the body of chunk `index`, then closes."""
    body = multipart(session, index, data)
    head = ("POST /api/v2/sessions/%s/data HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n"
            % (session, host, token, BOUNDARY, len(body))).encode()
    try:
        with socket.create_connection((host, port), timeout=2) as s:
            s.sendall(head + body[: len(body) // 2])
    except OSError:
        pass


def write(args):
    index = 0
    dropped = 1_000_000  # the indices of chunks sent half and dropped: never acknowledged
    with open(args.log, "a", buffering=1) as log:
        while not os.path.exists(args.stop_file):
            started = time.time()
            outcome = post_chunk(args.host, args.port, args.token, args.session, index,
                                 chunk_bytes(args.seed, index), args.timeout)
            log.write("%.3f %d %s %.1f\n" % (started, index, outcome,
                                             (time.time() - started) * 1000))
            if outcome in ("acked", "duplicate"):
                index += 1
                if index % 20 == 0:
                    hang_up_mid_request(args.host, args.port, args.token, args.session, dropped,
                                        chunk_bytes(args.seed, dropped))
                    dropped += 1
            else:
                time.sleep(0.05)


def verify(args):
    acked = set()
    outcomes = {}
    hung = 0
    with open(args.log) as log:
        for line in log:
            _, index, outcome, ms = line.split()
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if outcome in ("acked", "duplicate"):
                acked.add(int(index))
            if outcome == "timeout" or float(ms) > args.timeout * 1000:
                hung += 1
    count = len(acked)
    if acked != set(range(count)):
        sys.exit("faults_writer: acknowledged indices are not 0..%d in order" % (count - 1))
    conn = http.client.HTTPConnection(args.host, args.port, timeout=30)
    conn.request("GET", "/api/v2/sessions/%s/data?limit=100000" % args.session, headers={
        "Authorization": "Bearer " + args.token, "Accept": "application/octet-stream"})
    response = conn.getresponse()
    stored = response.read()
    if response.status != 200:
        sys.exit("faults_writer: reading the session back: HTTP %d %s" % (response.status, stored[:200]))
    values = struct.unpack("<%df" % (len(stored) // 4), stored)
    per_channel = len(values) // CHANNELS
    lost = 0
    for index in range(count):
        want = struct.unpack("<%df" % (CHANNELS * SAMPLES), chunk_bytes(args.seed, index))
        for c in range(CHANNELS):
            got = values[c * per_channel + index * SAMPLES: c * per_channel + (index + 1) * SAMPLES]
            if tuple(got) != want[c * SAMPLES:(c + 1) * SAMPLES]:
                lost += 1
                break
    summary = {"acknowledged": count, "stored_samples_per_channel": per_channel,
               "lost": lost + max(0, count * SAMPLES - per_channel) // SAMPLES,
               "unacknowledged_stored": max(0, per_channel - count * SAMPLES) // SAMPLES,
               "outcomes": outcomes, "hung": hung}
    print(json.dumps(summary, sort_keys=True))
    if summary["lost"] or summary["unacknowledged_stored"] or hung:
        sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["write", "verify"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--session", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--stop-file", default="")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds a request may take before it counts as hung")
    args = parser.parse_args()
    write(args) if args.mode == "write" else verify(args)


if __name__ == "__main__":
    main()
