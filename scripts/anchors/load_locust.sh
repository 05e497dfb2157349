#!/usr/bin/env bash
# Locust anchor for `neuroperf load`: Locust 2.12 (Debian's python3-locust, FastHttpUser, a master
# and one worker per core) and `neuroperf load` (as many client threads) run the API load flow of
# load/scenarios/api_load.yaml against the same engine server, interleaved (ours, locust, ours,
# ...), with the same users, ramp-up, think time and duration; medians of N rounds per tool.
#   scripts/anchors/load_locust.sh [--neuroperf PATH] [--rounds N] [--seconds S] [--users N]
#     [--think-time S] [--ramp S] [--workers N] [--no-data-check] [--wire] [--json FILE]
# The flow: each user logs in (POST /auth/token as test_user, Bearer token), then per iteration
# GET /api/v2/sessions (takes sessions.0.id), GET /api/v2/sessions/{id} and
# GET /api/v2/sessions/{id}/data?limit=100 (about 1 MB of JSON), then the think time. Locust runs
# scripts/anchors/locust_api_load.py; neuroperf a scenario written to a temp dir with the same
# steps (no group; one threshold that cannot fail, for the p50). Both check the data's JSON for
# `chunks` as api_load.yaml does (neuroperf and Locust each parse the 1 MB body);
# --no-data-check drops that check in both. Defaults: 3 rounds of 60 s, 20 users started over
# 2 s, 1 s of think time (about 60 requests/s: a load the server and both clients sustain on 2
# cores), workers = nproc. Nothing is pinned.
# Per run: the three GETs' requests and errors (neuroperf: error kinds plus failed checks; Locust:
# failures), the client's CPU seconds (user + system from /usr/bin/time -f '%U %S' wrapped around
# every client process: neuroperf's one, Locust's master and each worker, summed; whole processes,
# start-up included), requests per client CPU second, and the p50 of the three GETs together
# (neuroperf: its own p50 over every step, observed for the threshold; Locust: each GET timed
# around client.get in the workers by the locustfile, since FastHttpUser's own response_time is
# cut to whole ms; its CSV "Aggregated" 50% goes to stderr beside). Locust's CPU before the load
# starts (imports, workers connecting: utime + stime from /proc/PID/stat when the master logs
# "Sending spawn jobs") is shown too, with a second ratio that leaves it out. Per-run figures go
# to stderr.
# --wire: each run also timed from the loopback interface (scripts/anchors/wire_latency.py, a
# packet socket: root): each GET from its first byte's arrival at the server to its answer's last
# byte's arrival at the client, the latency an ideal client would report; the table then gives
# each tool's p50 beside the wire's p50 of its own runs, so a difference between the tools is
# placed on the one whose own time it is.
# Prints a markdown table on stdout: medians per tool, the ratio ours / locust of requests per CPU
# second, and the p50 difference in %. --json FILE writes the same figures (and every run) as JSON.
# Goal: >= 20x Locust's requests per client CPU second, p50 within 10 %.
# The engine server: NEUROPERF_TARGET_URL when set (it must know test_user and have sessions),
# else services of its own (scripts/services in a throwaway state directory on free ports,
# 127.0.0.1 only; cleaned at exit).
# Exit: 0 ok; 2 usage or a missing tool (neuroperf not built, python3-locust not installed);
# 3 a tool failed (the services, a run that produced no result or no requests).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
neuroperf="$NEURO_ROOT/build/release/tools/cli/neuroperf"
locustfile="$NEURO_ROOT/scripts/anchors/locust_api_load.py"
rounds=3 seconds=60 users=20 think=1 ramp=2 workers="" json="" data_check=1 wire=0
number() { [[ $2 =~ ^[0-9]+([.][0-9]+)?$ ]] || die 2 "$1: expected a number, got '$2'"; }
whole() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die 2 "$1: expected a whole number from 1, got '$2'"; }
while [[ $# -gt 0 ]]; do
  case $1 in
    -h | --help) neuro_help; exit 0 ;;
    --neuroperf) neuroperf=${2:?--neuroperf needs a path}; shift 2 ;;
    --rounds) whole "$1" "${2:-}"; rounds=$2; shift 2 ;;
    --seconds) whole "$1" "${2:-}"; seconds=$2; shift 2 ;;
    --users) whole "$1" "${2:-}"; users=$2; shift 2 ;;
    --think-time) number "$1" "${2:-}"; think=$2; shift 2 ;;
    --ramp) number "$1" "${2:-}"; ramp=$2; shift 2 ;;
    --workers) whole "$1" "${2:-}"; workers=$2; shift 2 ;;
    --no-data-check) data_check=0; shift ;;
    --wire) wire=1; shift ;;
    --json) json=${2:?--json needs a file}; shift 2 ;;
    *) die 2 "unknown argument '$1' (try --help)" ;;
  esac
done
workers=${workers:-$(nproc)}
[[ -x $neuroperf ]] || die 2 "$neuroperf is not built"
[[ -x /usr/bin/time ]] || die 2 "/usr/bin/time is missing (Debian package time)"
/usr/bin/python3 -c 'import locust' 2>/dev/null ||
  die 2 "Locust is not installed for /usr/bin/python3 (apt-get install -y python3-locust)"
# shellcheck source=../tests/free_port.sh
source "$NEURO_ROOT/scripts/tests/free_port.sh"

work=$(mktemp -d -t neuroperf-load-locust.XXXXXX)
neuro_on_exit rm -rf "$work"
if [[ -z ${NEUROPERF_TARGET_URL:-} ]]; then
  unset NEUROPERF_PG_URL NEUROPERF_REDIS_URL
  export NEUROPERF_STATE_DIR NEUROPERF_PG_PORT NEUROPERF_REDIS_PORT NEUROPERF_ENGINE_PORT
  NEUROPERF_STATE_DIR=$(mktemp -d -t neuroperf-load-locust-services.XXXXXX)
  NEUROPERF_PG_PORT=$(free_port 29000)
  NEUROPERF_REDIS_PORT=$(free_port 30000)
  NEUROPERF_ENGINE_PORT=$(free_port 31000)
  neuro_on_exit "$NEURO_ROOT/scripts/services" clean  # stops them, removes the state directory
  "$NEURO_ROOT/scripts/services" start >&2 || die 3 "could not start the services (scripts/services start)"
  url="http://127.0.0.1:$NEUROPERF_ENGINE_PORT"
else
  url=${NEUROPERF_TARGET_URL%/}
fi
if ((wire)); then  # checked before any round: the capture needs root and a loopback port
  ((EUID == 0)) || die 2 "--wire needs root (a packet socket)"
  [[ $url =~ ^http://(127\.[0-9.]+|localhost):([0-9]+)/?$ ]] ||
    die 2 "--wire times loopback traffic: the target must be http://127.x.x.x:PORT, got $url"
  wire_port=${BASH_REMATCH[2]}
fi
curl -sf -o /dev/null --max-time 5 "$url/health" || die 3 "the engine server at $url does not answer /health with 200"

cat >"$work/api_load.yaml" <<YAML
name: api-load-locust-anchor
target: $url
timeout: 10s
think_time: ${think}s
think_time_after: iteration
auth:
  method: POST
  path: /auth/token
  json: {username: test_user, password: test_pass}
  capture: {token: access_token}
steps:
  - name: list sessions
    path: /api/v2/sessions
    expect: 200
    check: {json: sessions.0.id, exists: true}
    capture: {session: sessions.0.id}
  - name: session details
    path: /api/v2/sessions/\${session}
    expect: 200
  - name: session data
    path: /api/v2/sessions/\${session}/data?limit=100
    expect: 200
$( ((data_check)) && echo '    check: {json: chunks, exists: true}')
executor: {type: constant-users, users: $users, ramp_up: ${ramp}s, duration: ${seconds}s}
# Never fails: it makes the result carry the p50 of every step's requests together, computed by
# the runner from the merged histograms (the three GETs; the auth step is not a step).
thresholds: [p50 < 3600s]
YAML

# summarize.py ours RESULT.json CPU_S | locust STATS.csv SAMPLES_DIR CPU_S START_CPU_S:
# prints "requests errors cpu_s start_cpu_s p50_ms" for the three GETs.
cat >"$work/summarize.py" <<'PY'
import csv, glob, json, math, sys

GETS = ("list sessions", "session details", "session data")

def ours(path, cpu):
    doc = json.load(open(path))
    steps = [s for s in doc["steps"] if s["name"] in GETS]
    if len(steps) != 3:
        sys.exit(f"{path}: expected the steps {GETS}")
    requests = sum(s["requests"] for s in steps)
    errors = sum(sum(s["errors"].values()) + s.get("checks", {}).get("failed", 0) for s in steps)
    p50 = next((t["observed"] for t in doc["thresholds"] if t["metric"] == "p50"), None)
    print(requests, errors, cpu, 0, float("nan") if p50 is None else p50)

def locust(stats, samples_dir, cpu, start_cpu):
    requests = errors = 0
    for row in csv.DictReader(open(stats)):
        if row["Name"] in GETS:
            requests += int(row["Request Count"])
            errors += int(row["Failure Count"])
        elif row["Name"] == "Aggregated":
            print(f"locust's own Aggregated p50 (login included): {row['50%']} ms", file=sys.stderr)
    times = sorted(float(t) for f in glob.glob(samples_dir + "/*.txt") for t in open(f))
    p50 = times[math.ceil(0.5 * len(times)) - 1] if times else float("nan")
    print(requests, errors, cpu, start_cpu, p50)

{"ours": ours, "locust": locust}[sys.argv[1]](*sys.argv[2:])
PY

cpu_s() { awk '{s += $1 + $2} END {printf "%.2f", s}' "$@"; }  # user + system, summed

# proc_cpu_s PID...: utime + stime of the processes now, in seconds (/proc/PID/stat fields 14, 15).
proc_cpu_s() {
  local pid total=0 fields
  for pid in "$@"; do
    fields=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
    total=$((total + $(awk '{print $12 + $13}' <<<"$fields")))
  done
  awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}'
}

child_of() { awk '{print $1}' "/proc/$1/task/$1/children" 2>/dev/null || true; }  # time's locust

ours() {  # ours ROUND -> "requests errors cpu_s start_cpu_s p50_ms"
  local out="$work/ours_$1" code=0
  /usr/bin/time -f '%U %S' -o "$work/time_ours_$1" "$neuroperf" load "$work/api_load.yaml" \
    --threads "$workers" --quiet --out "$out" >"$work/ours_$1.log" 2>&1 || code=$?
  [[ -f $out/result.json && $code -ne 2 && $code -ne 3 ]] ||
    { tail -5 "$work/ours_$1.log" >&2; die 3 "neuroperf load exited $code without a result"; }
  /usr/bin/python3 "$work/summarize.py" ours "$out/result.json" "$(cpu_s "$work/time_ours_$1")"
}

theirs() {  # theirs ROUND -> "requests errors cpu_s start_cpu_s p50_ms"
  local dir="$work/locust_$1" port rate i p master code=0 start_cpu=0 pids=() times=() alive=()
  mkdir -p "$dir/samples"
  port=$(free_port 28000)
  rate=$(awk -v u="$users" -v r="$ramp" 'BEGIN {print (r > 0 ? u / r : u)}')
  export NEUROPERF_LOCUST_THINK_S=$think NEUROPERF_LOCUST_SAMPLES="$dir/samples"
  export NEUROPERF_LOCUST_DATA_CHECK=$data_check
  /usr/bin/time -f '%U %S' -o "$dir/time_master" /usr/bin/python3 -m locust -f "$locustfile" \
    --headless --master --master-bind-host 127.0.0.1 --master-bind-port "$port" \
    --expect-workers "$workers" --expect-workers-max-wait 30 -H "$url" -u "$users" -r "$rate" \
    -t "${seconds}s" --csv "$dir/stats" >"$dir/master.log" 2>&1 &
  master=$!
  times+=("$dir/time_master")
  for ((i = 0; i < workers; i++)); do
    /usr/bin/time -f '%U %S' -o "$dir/time_worker_$i" /usr/bin/python3 -m locust -f "$locustfile" \
      --worker --master-host 127.0.0.1 --master-port "$port" \
      >"$dir/worker_$i.log" 2>&1 &
    pids+=($!)
    times+=("$dir/time_worker_$i")
  done
  # The CPU spent before the load starts: when the master logs "Sending spawn jobs" (workers connected).
  for ((i = 0; i < 600; i++)); do
    if grep -q 'Sending spawn jobs' "$dir/master.log" 2>/dev/null; then
      # shellcheck disable=SC2046  # one pid a word
      start_cpu=$(proc_cpu_s $(for p in "$master" "${pids[@]}"; do child_of "$p"; done))
      break
    fi
    kill -0 "$master" 2>/dev/null || break
    sleep 0.1
  done
  wait "$master" || code=$?
  # The workers quit when the master tells them; ones that never connected retry for minutes.
  for ((i = 0; i < 100; i++)); do
    alive=()
    for p in "${pids[@]}"; do if kill -0 "$p" 2>/dev/null; then alive+=("$p"); fi; done
    ((${#alive[@]})) || break
    sleep 0.1
  done
  for p in "${alive[@]}"; do
    # shellcheck disable=SC2046  # one pid a word
    kill $(child_of "$p") 2>/dev/null || true
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  # Locust exits 1 when a request failed: the failures are counted, not a tool failure.
  [[ -f $dir/stats_stats.csv && ($code -eq 0 || $code -eq 1) ]] ||
    { tail -5 "$dir/master.log" >&2; die 3 "locust's master exited $code without its stats"; }
  /usr/bin/python3 "$work/summarize.py" locust "$dir/stats_stats.csv" "$dir/samples" \
    "$(cpu_s "${times[@]}")" "$start_cpu"
}

# wire_start TOOL ROUND / wire_stop TOOL ROUND: the loopback capture around one run.
wire_pid=""
wire_start() {
  ((wire)) || return 0
  /usr/bin/python3 "$NEURO_ROOT/scripts/anchors/wire_latency.py" --port "$wire_port" \
    --out "$work/wire_$1_$2.json" 2>"$work/wire_$1_$2.log" &
  wire_pid=$!
  sleep 0.5  # the packet socket is bound before the client's first request
}
wire_stop() {  # wire_stop TOOL ROUND: sets w to the run's wire p50 in ms (not in a subshell:
  w=nan        # the capture is this shell's child)
  ((wire)) || return 0
  if ! kill -TERM "$wire_pid" || ! wait "$wire_pid"; then
    cat "$work/wire_$1_$2.log" >&2
    die 3 "wire_latency.py failed in round $2 ($1)"
  fi
  w=$(/usr/bin/python3 -c 'import json, sys; v = json.load(open(sys.argv[1]))["p50_ms"]
print("nan" if v is None else v)' "$work/wire_$1_$2.json")
}

log "load_locust: $url, $users users, ramp ${ramp}s, think ${think}s, ${seconds}s, $workers workers/threads, $rounds rounds"
: >"$work/runs.tsv"
for ((r = 0; r < rounds; r++)); do  # interleaved so that machine drift hits both alike
  for tool in ours locust; do
    wire_start "$tool" "$r"
    if [[ $tool == ours ]]; then line=$(ours "$r"); else line=$(theirs "$r"); fi
    wire_stop "$tool" "$r"
    read -r n e c s p <<<"$line"
    ((n > 0)) || die 3 "$tool completed no request in round $r"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$r" "$n" "$e" "$c" "$s" "$p" "$w" \
      >>"$work/runs.tsv"
    log "round $r $tool: requests $n, errors $e, client CPU ${c}s (before the load ${s}s), p50 ${p} ms, wire p50 ${w} ms"
  done
done

/usr/bin/python3 - "$work/runs.tsv" "$json" "$users" "$think" "$ramp" "$seconds" "$workers" "$url" <<'PY'
import json, statistics, sys

runs_file, out, users, think, ramp, seconds, workers, url = sys.argv[1:]
runs = []
for line in open(runs_file):
    tool, r, n, e, c, s, p, w = line.split("\t")
    n, e, c, s, p, w = int(n), int(e), float(c), float(s), float(p), float(w)
    runs.append({"tool": tool, "round": int(r), "requests": n, "errors": e, "cpu_s": c,
                 "cpu_before_load_s": s, "requests_per_cpu_s": n / c if c else None,
                 "requests_per_load_cpu_s": n / (c - s) if c > s else None, "p50_ms": p,
                 "wire_p50_ms": None if w != w else w})
keys = ("requests", "errors", "cpu_s", "cpu_before_load_s", "requests_per_cpu_s",
        "requests_per_load_cpu_s", "p50_ms")
med = {t: {k: statistics.median(x[k] for x in runs if x["tool"] == t) for k in keys}
       for t in ("ours", "locust")}
o, l = med["ours"], med["locust"]
ratio = o["requests_per_cpu_s"] / l["requests_per_cpu_s"]
load_ratio = o["requests_per_load_cpu_s"] / l["requests_per_load_cpu_s"]
p50_diff = (o["p50_ms"] - l["p50_ms"]) / l["p50_ms"] * 100
print(f"API load flow, {users} users, ramp {ramp} s, think {think} s, {seconds} s, "
      f"{workers} workers/threads, medians of {len(runs) // 2} rounds")
print()
print("| tool | requests | errors | client CPU s | of which before the load | "
      "req / client CPU s | req / CPU s during the load | p50 ms |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for name, m in (("neuroperf load", o), ("Locust 2.12 FastHttpUser", l)):
    print(f"| {name} | {m['requests']:.0f} | {m['errors']:.0f} | {m['cpu_s']:.2f} | "
          f"{m['cpu_before_load_s']:.2f} | {m['requests_per_cpu_s']:.0f} | "
          f"{m['requests_per_load_cpu_s']:.0f} | {m['p50_ms']:.2f} |")
print(f"| ours / locust | | | | | {ratio:.1f}x | {load_ratio:.1f}x | {p50_diff:+.1f} % |")
if all(x["wire_p50_ms"] is not None for x in runs):
    wire = {t: statistics.median(x["wire_p50_ms"] for x in runs if x["tool"] == t)
            for t in ("ours", "locust")}
    for t in ("ours", "locust"):
        med[t]["wire_p50_ms"] = wire[t]
    print()
    print("Timed from the loopback interface (the same runs, medians):")
    print()
    print("| tool | p50 ms | wire p50 ms (its runs) | tool vs wire |")
    print("|---|---:|---:|---:|")
    for name, t in (("neuroperf load", "ours"), ("Locust 2.12 FastHttpUser", "locust")):
        m = med[t]
        print(f"| {name} | {m['p50_ms']:.3f} | {m['wire_p50_ms']:.3f} | "
              f"{(m['p50_ms'] / m['wire_p50_ms'] - 1) * 100:+.1f} % |")
print()
print(f"Goal: >= 20x requests per client CPU second ({'met' if ratio >= 20 else 'not met'}), "
      f"p50 within 10 % ({'met' if abs(p50_diff) <= 10 else 'not met'}).")
if out:
    with open(out, "w") as f:
        json.dump({"anchor": "load_locust", "target": url, "users": int(users),
                   "think_time_s": float(think), "ramp_s": float(ramp),
                   "seconds": int(seconds), "workers": int(workers), "medians": med,
                   "ratio_requests_per_cpu_s": ratio,
                   "ratio_requests_per_load_cpu_s": load_ratio,
                   "p50_diff_percent": p50_diff, "runs": runs}, f, indent=1)
        f.write("\n")
PY
