#!/usr/bin/env bash
# Integration test: every scenario of load/scenarios/documents.txt, and the video processing
# test (load/scenarios/video/, on a video made here), run with --quick against the engine server
# at NEUROPERF_TARGET_URL; passes when each exits 0 (its thresholds held). Prints
# one line per scenario: requests, errors, and each threshold's observed value.
#   scenarios_quick_test.sh [--thresholds-advisory] NEUROPERF_BIN [OUT_DIR]
# OUT_DIR (default a temporary folder, removed when all passed) keeps each scenario's result.
# --thresholds-advisory (the CTest): a scenario whose thresholds failed (exit 1) with a complete
# result is reported, not failed: the documents' numbers are speed targets, and a shared 2-core
# machine is not where they are judged (run-suite judges them). Any other exit, or a result that
# is missing or unreadable, still fails.
# Exit 77 (skip) without NEUROPERF_TARGET_URL or when its /health does not answer. With the
# server's pid found listening on the target's port, --target-pid samples it too.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
advisory=0
if [[ ${1:-} == --thresholds-advisory ]]; then advisory=1; shift; fi
np=${1:?usage: scenarios_quick_test.sh [--thresholds-advisory] NEUROPERF_BIN [OUT_DIR]}
url=${NEUROPERF_TARGET_URL:-}
[[ -n $url ]] || { echo "scenarios_quick_test: no NEUROPERF_TARGET_URL: skipped"; exit 77; }
curl -sf -o /dev/null --max-time 5 "$url/health" ||
  { echo "scenarios_quick_test: $url/health does not answer: skipped"; exit 77; }
# Without OUT_DIR the results go to a temporary folder, removed when every scenario passed (kept,
# and named, when one failed).
own_out=0
[[ -n ${2:-} ]] || own_out=1
out=${2:-$(mktemp -d -t neuroperf-scenarios.XXXXXX)}
mkdir -p "$out"
# Absolute: the video scenario runs from inside $out.
out=$(cd "$out" && pwd)
np=$(realpath "$np")
port=${url##*:}
port=${port%%/*}
pid_args=()
pid=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
[[ -n $pid ]] && pid_args=(--target-pid "$pid")

failed=0 advisory_failed=0
while read -r file; do
  [[ -z $file || $file == \#* ]] && continue
  name=${file%.yaml}
  rc=0
  "$np" load "$root/load/scenarios/$file" --quick --quiet --target "$url" "${pid_args[@]}" \
    --out "$out/$name" >"$out/$name.log" 2>&1 || rc=$?
  summary=$(python3 - "$out/$name/result.json" <<'PY' 2>/dev/null || echo "no result"
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"]
parts = []
for th in d["thresholds"]:
    v = th["observed"]
    v = "none" if v is None else f"{v:.4g}{th['unit']}"
    parts.append(f"{th['expression']}: {v}{'' if th['passed'] else ' FAIL'}")
print(f"{t['requests']} req, {t['errors']} err, {t['rps']:.0f} req/s | " + "; ".join(parts))
PY
)
  printf '%-24s exit %d  %s\n' "$name" "$rc" "$summary"
  if [[ $rc -eq 1 && $advisory -eq 1 && $summary != "no result" ]]; then
    advisory_failed=$((advisory_failed + 1))
  elif [[ $rc -ne 0 ]]; then
    failed=$((failed + 1))
    sed 's/^/    /' "$out/$name.log" | tail -5
  fi
done <"$root/load/scenarios/documents.txt"

# The video processing test reads a generated video and its ground truth (relative paths): made
# here with synth-video, the scenario run from this folder.
mkdir -p "$out/video"
if "$np" synth-video --seconds 30 --out "$out/video/test_video_30s.mp4" 2>"$out/video.log"; then
  rc=0
  (cd "$out" && "$np" load "$root/load/scenarios/video/video_processing.yaml" --quick --quiet \
    --target "$url" "${pid_args[@]}" --out "$out/video_processing" >"$out/video_processing.log" 2>&1) ||
    rc=$?
  summary=$(python3 - "$out/video_processing/result.json" <<'PY' 2>/dev/null || echo "no result"
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"]
parts = [f"{th['expression']}: {th['observed']:.4g}{th['unit']}{'' if th['passed'] else ' FAIL'}"
         if th["observed"] is not None else f"{th['expression']}: none" for th in d["thresholds"]]
print(f"{t['requests']} req, {t['errors']} err, {t['rps']:.0f} req/s | " + "; ".join(parts))
PY
)
  printf '%-24s exit %d  %s\n' video_processing "$rc" "$summary"
  if [[ $rc -eq 1 && $advisory -eq 1 && $summary != "no result" ]]; then
    advisory_failed=$((advisory_failed + 1))
  elif [[ $rc -ne 0 ]]; then
    failed=$((failed + 1))
    sed 's/^/    /' "$out/video_processing.log" | tail -5
  fi
else
  failed=$((failed + 1))
  echo "video_processing         synth-video failed: $(tail -1 "$out/video.log")"
fi
((advisory == 0)) || echo "scenarios_quick_test: $advisory_failed missed thresholds (advisory here)"
if [[ $failed -eq 0 && $own_out -eq 1 ]]; then
  rm -rf "$out"
  echo "scenarios_quick_test: 0 failed"
else
  echo "scenarios_quick_test: $failed failed (results in $out)"
fi
[[ $failed -eq 0 ]]
