#!/usr/bin/python3
"""The device side of scripts/faults: one OpenBCI Cyton (8 channels, 250 Hz) on /ws/devices.

Registers, then sends a packet of 25 samples per channel every 20 ms until STOP_FILE exists,
counting the acks; then unregisters and waits for "unregistered", which the server sends once
every packet of the session is in PostgreSQL. Prints one JSON line: the store session, packets
sent and acked, the server's own count in "unregistered", and the close code if the server
closed the connection. Exit 1 when the connection was lost or an ack is missing.
Needs Debian's python3-websockets.
"""
import argparse
import asyncio
import json
import os
import random
import sys
import time

import websockets

CHANNELS = 8
SAMPLES = 25


async def stream(args):
    uri = "ws://%s:%d/ws/devices?token=%s" % (args.host, args.port, args.token)
    rng = random.Random(args.seed)
    sent = acked = 0
    summary = {"device_id": args.device_id}
    async with websockets.connect(uri, max_size=1 << 20) as ws:
        await ws.send(json.dumps({"type": "register", "device_id": args.device_id,
                                  "device_type": "OpenBCI_Cyton", "channels": CHANNELS,
                                  "sample_rate": 250}))
        registered = json.loads(await ws.recv())
        if registered.get("type") != "registered":
            sys.exit("faults_device: register answered %s" % registered)
        summary["session_id"] = registered["session_id"]

        async def read_acks():
            nonlocal acked
            async for message in ws:
                reply = json.loads(message)
                if reply.get("type") == "ack":
                    acked += 1
                elif reply.get("type") == "unregistered":
                    summary["unregistered_packets"] = reply.get("packets")
                    return
                elif reply.get("type") == "error":
                    summary.setdefault("errors", []).append(reply.get("message"))

        reader = asyncio.create_task(read_acks())
        try:
            while not os.path.exists(args.stop_file):
                data = [[rng.uniform(-100.0, 100.0) for _ in range(SAMPLES)]
                        for _ in range(CHANNELS)]
                await ws.send(json.dumps({"type": "data", "device_id": args.device_id,
                                          "timestamp": time.time(), "packet_id": sent,
                                          "data": data}))
                sent += 1
                await asyncio.sleep(0.02)
            await ws.send(json.dumps({"type": "unregister", "device_id": args.device_id}))
            await asyncio.wait_for(reader, timeout=60)
        except websockets.ConnectionClosed as closed:
            summary["close_code"] = closed.code
    summary.update({"sent": sent, "acked": acked})
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--device-id", default="faults_device")
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    summary = asyncio.run(stream(args))
    print(json.dumps(summary, sort_keys=True))
    if "close_code" in summary or summary["acked"] != summary["sent"] or \
            summary.get("unregistered_packets") != summary["sent"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
