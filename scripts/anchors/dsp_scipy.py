#!/usr/bin/env python3
"""Times scipy/numpy on the same synthetic EEG as bench_dsp, interleaved with our benchmarks in
the same run, and prints medians and ratios (scipy time / our time) as a markdown table.

    /usr/bin/python3 scripts/anchors/dsp_scipy.py [--build build/release] [--rounds 5]
                                                  [--json FILE]

Needs Debian's python3-scipy (scripts/setup installs it). The data comes from
`neuroperf synth` with the seed and options bench_dsp uses (32 ch x 30 000 samples at 1 kHz),
so both sides filter the very same samples. Each round times every anchor (median of repeated
calls lasting >= 0.2 s) and then runs bench_dsp once on the matching benchmarks; the figures are
the medians over rounds. Exit codes: 0 ok, 2 bad usage or missing build, 3 a tool failed.
"""
import argparse
import json
import re
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy import signal

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures" / "golden"))
import reference_artifacts  # noqa: E402  (the numpy reference of engine/dsp/artifacts.hpp)
import reference_features  # noqa: E402  (scipy welch + band powers as features.hpp defines)

CHANNELS, SAMPLES, FS = 32, 30000, 1000.0
NPERSEG = 1000


def timed_median_s(fn, min_total_s=0.2, min_calls=3):
    fn()  # warm-up: imports, caches, page faults
    times = []
    start = time.perf_counter()
    while len(times) < min_calls or time.perf_counter() - start < min_total_s:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def anchors(x):
    """name -> (description, callable, matching bench_dsp benchmarks)."""
    x64 = x.astype(np.float64)
    sos = signal.butter(4, [0.5, 50.0], btype="band", fs=FS, output="sos")
    zi = signal.sosfilt_zi(sos)[:, None, :] * x64[None, :, :1]
    packet = x64[:, :100]
    return {
        "zero_phase": ("scipy.signal.sosfiltfilt, float64",
                       lambda: signal.sosfiltfilt(sos, x64, axis=1),
                       ["BM_ZeroPhaseBandpass/32/30000/1/real_time", "BM_ZeroPhaseBandpass/32/30000/2/real_time"]),
        "welch": ("scipy.signal.welch, float64 (nperseg 1000)",
                  lambda: reference_features.welch(x64, FS, NPERSEG),
                  ["BM_WelchFeatures/32/30000/1/real_time", "BM_WelchFeatures/32/30000/2/real_time"]),
        "welch_band_powers": ("scipy welch + numpy band powers",
                              lambda: reference_features.welch_band_powers(x64, FS, NPERSEG),
                              ["BM_WelchFeatures/32/30000/1/real_time", "BM_WelchFeatures/32/30000/2/real_time"]),
        "artifacts": ("numpy reference of artifacts.hpp",
                      lambda: reference_artifacts.remove_artifacts(x),
                      ["BM_ArtifactRemoval/32/30000/1/real_time", "BM_ArtifactRemoval/32/30000/2/real_time"]),
        "streaming_packet": ("scipy.signal.sosfilt with zi, one 32 x 100 packet",
                             lambda: signal.sosfilt(sos, packet, axis=1, zi=zi),
                             ["BM_StreamingBandpass/ant_neuro/real_time"]),
    }


def run_ours(bench, names, out_json):
    pattern = "^(" + "|".join(re.escape(n) for n in names) + ")$"
    cmd = [str(bench), f"--benchmark_filter={pattern}", "--benchmark_min_time=0.2",
           f"--benchmark_out={out_json}", "--benchmark_out_format=json"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    text = pathlib.Path(out_json).read_text() if pathlib.Path(out_json).exists() else ""
    if not text.strip():
        raise subprocess.CalledProcessError(0, cmd, "no benchmark matched " + pattern)
    rows = json.loads(text)["benchmarks"]
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    return {r["name"]: r["real_time"] * scale[r["time_unit"]] for r in rows
            if r.get("run_type", "iteration") == "iteration" and not r.get("error_occurred")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(ROOT / "build" / "release"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", help="write per-round figures here")
    args = parser.parse_args()
    build = pathlib.Path(args.build)
    bench = build / "benchmarks" / "bench_dsp"
    neuroperf = build / "tools" / "cli" / "neuroperf"
    for tool in (bench, neuroperf):
        if not tool.is_file():
            print(f"dsp_scipy.py: {tool} not found (build first: scripts/test or scripts/run-suite)",
                  file=sys.stderr)
            return 2
    if args.rounds < 1:
        print("dsp_scipy.py: --rounds must be at least 1", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "eeg.f32"
        try:
            subprocess.run([str(neuroperf), "synth", "--channels", str(CHANNELS), "--samples",
                            str(SAMPLES), "--rate", str(FS), "--seed", "1", "--out", str(data)],
                           check=True, stderr=subprocess.DEVNULL)
        except subprocess.CalledProcessError as e:
            print(f"dsp_scipy.py: neuroperf synth failed ({e})", file=sys.stderr)
            return 3
        x = np.fromfile(data, dtype="<f4").reshape(CHANNELS, SAMPLES)
        ops = anchors(x)
        ours_names = sorted({n for _, _, names in ops.values() for n in names})
        scipy_s = {k: [] for k in ops}
        ours_s = {n: [] for n in ours_names}
        for r in range(args.rounds):
            for key, (_, fn, _) in ops.items():
                scipy_s[key].append(timed_median_s(fn))
            try:
                got = run_ours(bench, ours_names, pathlib.Path(tmp) / f"round{r}.json")
            except subprocess.CalledProcessError as e:
                print(f"dsp_scipy.py: bench_dsp failed ({e})", file=sys.stderr)
                return 3
            for n in ours_names:
                if n in got:
                    ours_s[n].append(got[n])
            print(f"dsp_scipy.py: round {r + 1}/{args.rounds} done", file=sys.stderr)

    def fmt(seconds):
        return f"{seconds * 1e3:.3f} ms" if seconds >= 1e-4 else f"{seconds * 1e6:.2f} us"

    print(f"{CHANNELS} ch x {SAMPLES} samples at {FS:g} Hz, float32 input; "
          f"{args.rounds} interleaved rounds, medians; ratio = anchor time / our time.\n")
    print("| operation | anchor | anchor median | ours | our median | ratio |")
    print("|---|---|---:|---|---:|---:|")
    result = {"rounds": args.rounds, "anchors": {}, "ours": ours_s}
    for key, (what, _, names) in ops.items():
        anchor = statistics.median(scipy_s[key])
        result["anchors"][key] = {"what": what, "seconds": scipy_s[key], "vs": {}}
        for n in names:
            if not ours_s[n]:
                print(f"| {key} | {what} | {fmt(anchor)} | `{n}` | missing | |")
                continue
            ours = statistics.median(ours_s[n])
            result["anchors"][key]["vs"][n] = anchor / ours
            print(f"| {key} | {what} | {fmt(anchor)} | `{n}` | {fmt(ours)} | {anchor / ours:.1f}x |")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
