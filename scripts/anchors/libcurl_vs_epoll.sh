#!/usr/bin/env bash
# Per-core cost of the load runner's two engines against nginx on loopback: `wrk -t1` and
# `neuroperf load --threads 1` over plain HTTP/1.1 (the epoll engine), HTTPS/1.1 and HTTPS/2
# (the libcurl engine). nginx (`return 200`, one worker, self-signed certificate made here)
# is pinned to CPU 1, the clients to CPU 0; runs interleaved, medians of N.
#   scripts/anchors/libcurl_vs_epoll.sh [--neuroperf PATH] [--runs N] [--seconds S] [--users C]
# Prints a markdown table: req/s and client CPU microseconds per request (user + system).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
neuroperf="$NEURO_ROOT/build/release/tools/cli/neuroperf"
runs=3 seconds=5 users=50
while [[ $# -gt 0 ]]; do
  case $1 in
    --neuroperf) neuroperf=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --seconds) seconds=${2:?}; shift 2 ;;
    --users) users=${2:?}; shift 2 ;;
    -h | --help) neuro_help; exit 0 ;;
    *) die 2 "unknown argument '$1' (try --help)" ;;
  esac
done
[[ -x $neuroperf ]] || die 2 "$neuroperf not built"
for tool in nginx wrk openssl; do
  command -v $tool >/dev/null || die 2 "install $tool"
done

work=$(mktemp -d)
neuro_on_exit rm -rf "$work"
stop_nginx() { kill "$(cat "$work/nginx.pid" 2>/dev/null)" 2>/dev/null || true; }
neuro_on_exit stop_nginx
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
worker_cpu_affinity 10;
error_log $work/error.log;
pid $work/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work;
  keepalive_requests 1000000;
  ssl_certificate $work/cert.pem;
  ssl_certificate_key $work/key.pem;
  server { listen 127.0.0.1:18080; location / { return 200 "ok"; } }
  server { listen 127.0.0.1:18443 ssl http2; location / { return 200 "ok"; } }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.5

cpu_s() { awk '{print $1 + $2}' "$work/time"; }

ours() {  # ours URL [FLAGS] -> "req/s cpu_us_per_request"
  local url=$1; shift
  cat >"$work/load.yaml" <<YAML
name: nginx-return-200
target: $url
steps: [{path: /}]
executor: {type: constant-users, users: $users, duration: ${seconds}s}
YAML
  /usr/bin/time -f '%U %S' -o "$work/time" taskset -c 0 "$neuroperf" load "$work/load.yaml" \
    --threads 1 --quiet --out "$work/out" "$@" >/dev/null 2>&1 || true
  python3 -c "import json,sys; t=json.load(open(sys.argv[1]))['totals']; \
print(t['rps'], float(sys.argv[2]) * 1e6 / t['requests'])" "$work/out/result.json" "$(cpu_s)"
}

theirs() {  # theirs URL -> "req/s cpu_us_per_request"
  /usr/bin/time -f '%U %S' -o "$work/time" taskset -c 0 wrk -t1 -c"$users" -d"${seconds}s" \
    "$1/" >"$work/wrk.txt"
  awk -v cpu="$(cpu_s)" '/requests in/ {n = $1} /Requests\/sec/ {r = $2}
    END {print r, cpu * 1e6 / n}' "$work/wrk.txt"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
median_of() { local values; read -ra values <<<"$1"; median "${values[@]}"; }  # "1 2 3 " -> 2

declare -A rps cpu
cases=("wrk http/1.1|theirs http://127.0.0.1:18080"
       "neuroperf epoll http/1.1|ours http://127.0.0.1:18080"
       "wrk https/1.1|theirs https://127.0.0.1:18443"
       "neuroperf libcurl https/1.1|ours https://127.0.0.1:18443 --insecure"
       "neuroperf libcurl https/2|ours https://127.0.0.1:18443 --insecure --http2")
for ((i = 0; i < runs; i++)); do  # interleaved so that machine drift hits every case alike
  for c in "${cases[@]}"; do
    read -r r u < <(${c#*|})
    rps[${c%%|*}]+="$r " cpu[${c%%|*}]+="$u "
  done
done
echo "| client ($users connections, 1 thread) | req/s | client CPU us/req | per core vs wrk same protocol |"
echo "|---|---:|---:|---:|"
for c in "${cases[@]}"; do
  name=${c%%|*}
  r=$(median_of "${rps[$name]}") u=$(median_of "${cpu[$name]}")
  echo "$name req/s: ${rps[$name]}; cpu us/req: ${cpu[$name]}" >&2
  case $name in
    *http/1.1*) base=$(median_of "${cpu["wrk http/1.1"]}") ;;
    *) base=$(median_of "${cpu["wrk https/1.1"]}") ;;
  esac
  printf '| %s | %.0f | %.2f | %.2fx |\n' "$name" "$r" "$u" "$(echo "$base / $u" | bc -l)"
done
