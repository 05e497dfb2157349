"""Locust's side of scripts/anchors/load_locust.sh: api_load.yaml's flow for Locust 2.12.

  locust -f scripts/anchors/locust_api_load.py --headless --master ... (load_locust.sh runs it)

Each FastHttpUser logs in once (POST /auth/token as test_user, Bearer access_token), then per
iteration lists the sessions (GET /api/v2/sessions, takes sessions.0.id), reads that session
(GET /api/v2/sessions/{id}) and 100 of its data chunks (GET .../{id}/data?limit=100), then
thinks NEUROPERF_LOCUST_THINK_S seconds (default 1), as the runner's think_time_after:
iteration does. A GET answered with a status other than 200, or without sessions.0.id or
chunks, is a failure (NEUROPERF_LOCUST_DATA_CHECK=0: the data's body is not parsed for
chunks). With NEUROPERF_LOCUST_SAMPLES=DIR every process writes the latency in ms of each
answered GET (timed here, see ApiLoadUser.get; the login left out) to DIR/<pid>.txt when it
quits, so that the anchor takes the p50 of the three GETs together.
"""
import atexit
import os
import time

import locust.runners
from locust import FastHttpUser, constant, events, task

# Debian's python3-locust 2.12.1 ships an empty version string (locust/_version.py), and a master
# takes a worker that reports an empty version for a pre-2.0 one and refuses it: distributed mode
# never starts. Master and workers load this file before they talk, so both send and expect this.
if not locust.runners.__version__:
    locust.runners.__version__ = "2.12.1"

THINK_S = float(os.environ.get("NEUROPERF_LOCUST_THINK_S", "1"))
SAMPLES_DIR = os.environ.get("NEUROPERF_LOCUST_SAMPLES")
DATA_CHECK = os.environ.get("NEUROPERF_LOCUST_DATA_CHECK", "1") != "0"
samples = []


written = []


@events.quitting.add_listener
def write_samples(**_):
    if SAMPLES_DIR and samples and not written:
        written.append(True)
        with open(os.path.join(SAMPLES_DIR, f"{os.getpid()}.txt"), "w") as f:
            f.write("\n".join(f"{t:.3f}" for t in samples) + "\n")


atexit.register(write_samples)  # in case a process ends without the quitting event


class ApiLoadUser(FastHttpUser):
    wait_time = constant(THINK_S)
    headers = {}

    def on_start(self):
        with self.client.post("/auth/token", json={"username": "test_user", "password": "test_pass"},
                              name="auth", catch_response=True) as r:
            try:
                self.headers = {"Authorization": "Bearer " + r.json()["access_token"]}
            except (ValueError, KeyError, TypeError):
                r.failure(f"no access_token (status {r.status_code})")

    def get(self, path, name):
        """client.get, timed here: FastHttpUser reports whole milliseconds (int()), too coarse
        for the ~1 ms answers of these GETs. From the call to the body read (client.get returns
        once the body is read), what Locust's own response_time spans."""
        start = time.perf_counter()
        r = self.client.get(path, headers=self.headers, name=name, catch_response=True)
        if r.status_code:  # answered (0: the connection failed)
            samples.append((time.perf_counter() - start) * 1000)
        return r

    @task
    def iteration(self):
        with self.get("/api/v2/sessions", "list sessions") as r:
            try:
                session = r.json()["sessions"][0]["id"]
            except (ValueError, KeyError, IndexError, TypeError):
                r.failure(f"no sessions.0.id (status {r.status_code})")
                return
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
        with self.get(f"/api/v2/sessions/{session}", "session details") as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
        with self.get(f"/api/v2/sessions/{session}/data?limit=100", "session data") as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
            elif DATA_CHECK:
                try:
                    if "chunks" not in r.json():
                        r.failure("no chunks")
                except ValueError:
                    r.failure("not JSON")
