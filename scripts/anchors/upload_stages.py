#!/usr/bin/python3
"""upload_stages.py: where high_throughput_upload's time goes, beside the floors under it.

  scripts/anchors/upload_stages.py --target URL --pg-url URL [--rounds N] [--users N]
      [--seconds S] [--channels N] [--rate HZ] [--work-dir DIR] [--json FILE]

One round: N users at once each upload S seconds of N-channel float32 EEG at HZ (the document's
64 x 600 s x 1 kHz = 153.6 MB by default) as multipart session_id/data/metadata to
POST /api/v2/data/upload, then poll GET /api/v2/jobs/{id} every 20 ms until it completes. Per
upload: the upload's time (the 200, which comes after the body is on disk and fsync'd), the
ingest's (the job's progress reaching 0.5: every sample committed to PostgreSQL) and the DSP
pipeline's (completed), from the client's clock.
The floors, each in the same round, one after the other on the same bytes: writing the data to
a file in --work-dir with one fsync (what the upload must do before its 200), and PostgreSQL
taking the same bytes as one bytea value of a logged, uncompressed column and committing
(`INSERT ... pg_read_binary_file`, what any ingest into the store must at least do): the
PostgreSQL role needs superuser or pg_read_server_files, and the server must run on this host
and be able to read --work-dir (default: a new temporary folder, made readable).
Prints a markdown table of medians; --json writes every figure. The document's budget: upload +
processing <= 1 s on average for 10 users (high_throughput_upload.yaml).
Exit: 0 ok; 2 usage; 3 a request or query failed.
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid


def die(code, message):
    print(f"upload_stages: {message}", file=sys.stderr)
    sys.exit(code)


def request(url, method, path, body=None, headers=None):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    conn.request(method, path, body=body, headers=headers or {})
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    if answer.status != 200:
        raise RuntimeError(f"{method} {path}: HTTP {answer.status}: {data[:200]!r}")
    return json.loads(data)


def multipart(session_id, data, metadata):
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"session_id\"\r\n\r\n{session_id}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{metadata}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"data\"; filename=\"eeg.f32\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return boundary, head + data + f"\r\n--{boundary}--\r\n".encode()


def one_upload(args, token, data, result):
    try:
        timed_upload(args, token, data, result)
    except Exception as e:  # noqa: BLE001 -- any failure is reported by the main thread
        result["error"] = f"{type(e).__name__}: {e}"


def timed_upload(args, token, data, result):
    metadata = json.dumps({"channels": args.channels, "sample_rate": args.rate, "duration": args.seconds})
    boundary, body = multipart(f"stages_{uuid.uuid4().hex}", data, metadata)
    headers = {"Authorization": f"Bearer {token}",
               "Content-Type": f"multipart/form-data; boundary={boundary}"}
    start = time.monotonic()
    job = request(args.target, "POST", "/api/v2/data/upload", body, headers)["job_id"]
    uploaded = time.monotonic()
    ingested = None
    while True:
        status = request(args.target, "GET", f"/api/v2/jobs/{job}", headers={"Authorization": f"Bearer {token}"})
        now = time.monotonic()
        if ingested is None and (status.get("progress") or 0) >= 0.5:
            ingested = now
        if status["status"] == "completed":
            break
        if status["status"] == "failed" or now - start > 600:
            raise RuntimeError(f"job {job}: {status}")
        time.sleep(0.02)
    result.update(upload=uploaded - start, ingest=(ingested or now) - uploaded,
                  pipeline=now - (ingested or now), total=now - start)


def floor_file(data, work_dir):
    path = os.path.join(work_dir, "floor.f32")
    start = time.monotonic()
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    took = time.monotonic() - start
    return path, took


def psql(pg_url, sql):
    try:
        subprocess.run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", pg_url, "-c", sql],
                       check=True, stdout=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError) as e:
        die(3, f"psql {pg_url}: {e}")


def floor_postgres(pg_url, path):
    psql(pg_url, "DROP TABLE IF EXISTS upload_floor; CREATE TABLE upload_floor (data bytea);"
                 "ALTER TABLE upload_floor ALTER COLUMN data SET STORAGE EXTERNAL;")
    start = time.monotonic()
    literal = path.replace("'", "''")
    psql(pg_url, f"INSERT INTO upload_floor SELECT pg_read_binary_file('{literal}')")
    took = time.monotonic() - start
    psql(pg_url, "DROP TABLE upload_floor")
    return took


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--target", required=True)
    p.add_argument("--pg-url", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--users", type=int, default=1)
    p.add_argument("--seconds", type=int, default=600)
    p.add_argument("--channels", type=int, default=64)
    p.add_argument("--rate", type=int, default=1000)
    p.add_argument("--work-dir", default=None)
    p.add_argument("--json", default=None)
    args = p.parse_args()
    if min(args.rounds, args.users, args.seconds, args.channels, args.rate) < 1:
        die(2, "--rounds, --users, --seconds, --channels and --rate must be at least 1")
    try:
        token = request(args.target, "POST", "/auth/token",
                        json.dumps({"username": "loadtest", "password": "test_pass"}),
                        {"Content-Type": "application/json"})["access_token"]
    except (OSError, RuntimeError, KeyError, ValueError) as e:
        die(3, f"the engine server at {args.target}: {e}")
    # The document's data: standard normal float32, channel after channel.
    import numpy
    data = numpy.random.default_rng(1).standard_normal(
        (args.channels, args.rate * args.seconds), dtype=numpy.float32).tobytes()
    work_dir = args.work_dir
    if work_dir is None:
        work_dir = tempfile.mkdtemp(prefix="upload_stages_")
        os.chmod(work_dir, 0o755)  # the PostgreSQL server reads the floor's file from here
    rounds = []
    for r in range(args.rounds):
        results = [{} for _ in range(args.users)]
        threads = [threading.Thread(target=one_upload, args=(args, token, data, results[u]))
                   for u in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for u in results:
            if "error" in u:
                die(3, u["error"])
        path, file_s = floor_file(data, work_dir)
        os.chmod(path, 0o644)
        pg_s = floor_postgres(args.pg_url, path)
        os.remove(path)
        rounds.append({"uploads": results, "floor_file_fsync": file_s, "floor_postgres": pg_s})
        mean_total = statistics.mean(u["total"] for u in results)
        print(f"round {r + 1}: mean total {mean_total:.2f} s; floors: file+fsync {file_s:.2f} s, "
              f"postgres {pg_s:.2f} s", file=sys.stderr)
    mb = len(data) / 1e6

    def med(key):
        return statistics.median(u[key] for rnd in rounds for u in rnd["uploads"])

    print(f"| {args.users} user(s) x {mb:.1f} MB | upload (to disk, fsync) | ingest (PostgreSQL) "
          "| DSP pipeline | total | floor: file + fsync | floor: PostgreSQL bytea |")
    print("|---|---|---|---|---|---|---|")
    print(f"| median of {args.rounds} rounds | {med('upload'):.2f} s | {med('ingest'):.2f} s | "
          f"{med('pipeline'):.2f} s | {med('total'):.2f} s | "
          f"{statistics.median(r['floor_file_fsync'] for r in rounds):.2f} s | "
          f"{statistics.median(r['floor_postgres'] for r in rounds):.2f} s |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"megabytes": mb, "users": args.users, "rounds": rounds}, f, indent=1)


if __name__ == "__main__":
    main()
