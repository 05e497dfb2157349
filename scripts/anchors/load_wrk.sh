#!/usr/bin/env bash
# Throughput anchor for `neuroperf load`: nginx (`return 200`, its own config in a temp dir, one
# worker pinned to CPU 1) driven by `wrk -t1` and by `neuroperf load` with 1 thread (both pinned
# to CPU 0), at 50 and 200 connections, interleaved, median of N runs each.
#   scripts/anchors/load_wrk.sh [--neuroperf PATH] [--runs N] [--seconds S] [--port P]
# Prints a markdown table on stdout: medians of req/s and of client CPU microseconds per request
# (user + system, from /usr/bin/time), and the per-core ratio ours / wrk (wrk's CPU per request
# over ours), which stays meaningful when other work shares the machine. Goal: >= 0.8x wrk.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
neuroperf="$NEURO_ROOT/build/release/tools/cli/neuroperf"
runs=5
seconds=5
port=18080
while [[ $# -gt 0 ]]; do
  case $1 in
    --neuroperf) neuroperf=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --seconds) seconds=${2:?}; shift 2 ;;
    --port) port=${2:?}; shift 2 ;;
    -h | --help) neuro_help; exit 0 ;;
    *) die 2 "unknown argument '$1' (try --help)" ;;
  esac
done
[[ -x $neuroperf ]] || die 2 "$neuroperf not built"
command -v wrk >/dev/null || die 2 "install wrk"
source "$(dirname "$0")/nginx_return_200.sh"

work=$(mktemp -d)
neuro_on_exit rm -rf "$work"  # after nginx stops (start_nginx_return_200 registers that)
start_nginx_return_200 "$work" "$port" 1

scenario() {  # scenario CONNECTIONS: a closed-model file with that many users, no think time
  cat >"$work/load_$1.yaml" <<YAML
name: nginx-return-200-c$1
target: http://127.0.0.1:$port
steps: [{path: /}]
executor: {type: constant-users, users: $1, duration: ${seconds}s}
YAML
}

cpu_s() { awk '{print $1 + $2}' "$work/time"; }  # user + system of the last timed command

ours() {  # ours CONNECTIONS -> "req/s cpu_us_per_request"
  /usr/bin/time -f '%U %S' -o "$work/time" taskset -c 0 "$neuroperf" load "$work/load_$1.yaml" \
    --threads 1 --quiet --out "$work/out_$1" >/dev/null 2>&1 || true
  python3 -c "import json,sys; t=json.load(open(sys.argv[1]))['totals']; \
print(t['rps'], float(sys.argv[2]) * 1e6 / t['requests'])" "$work/out_$1/result.json" "$(cpu_s)"
}

theirs() {  # theirs CONNECTIONS -> "req/s cpu_us_per_request"
  /usr/bin/time -f '%U %S' -o "$work/time" taskset -c 0 wrk -t1 -c"$1" -d"${seconds}s" \
    "http://127.0.0.1:$port/" >"$work/wrk.txt"
  awk -v cpu="$(cpu_s)" '/requests in/ {n = $1} /Requests\/sec/ {r = $2}
    END {print r, cpu * 1e6 / n}' "$work/wrk.txt"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "| connections | wrk -t1 req/s | neuroperf 1 thread req/s | req/s ratio |" \
  "wrk CPU us/req | neuroperf CPU us/req | per-core ratio |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for c in 50 200; do
  scenario "$c"
  w_rps=() w_cpu=() o_rps=() o_cpu=()
  for ((i = 0; i < runs; i++)); do  # interleaved so that machine drift hits both alike
    read -r r u < <(theirs "$c")
    w_rps+=("$r") w_cpu+=("$u")
    read -r r u < <(ours "$c")
    o_rps+=("$r") o_cpu+=("$u")
  done
  echo "c=$c wrk req/s: ${w_rps[*]}; cpu us/req: ${w_cpu[*]}" >&2
  echo "c=$c ours req/s: ${o_rps[*]}; cpu us/req: ${o_cpu[*]}" >&2
  wr=$(median "${w_rps[@]}") wu=$(median "${w_cpu[@]}")
  orr=$(median "${o_rps[@]}") ou=$(median "${o_cpu[@]}")
  printf '| %d | %.0f | %.0f | %.2fx | %.2f | %.2f | %.2fx |\n' "$c" "$wr" "$orr" \
    "$(echo "$orr / $wr" | bc -l)" "$wu" "$ou" "$(echo "$wu / $ou" | bc -l)"
done
