#!/usr/bin/env python3
"""Times PyTorch in Python (Debian's python3-torch) on the very models bench_inference runs
(same architecture from fixtures/ml/reference_models.py, same weights exported by
bench_inference, same machine), interleaved with bench_inference in the same run, and prints
medians and ratios (python time / our time; above 1 means we are faster) as a markdown table.

    /usr/bin/python3 scripts/anchors/inference_torch.py [--build build/release] [--rounds 5]
                                                        [--threads 2] [--json FILE]
                                                        [--retain-freed-memory]

Each round times every anchor (median of repeated calls lasting >= 0.5 s, under
torch.inference_mode with the same thread count) and then runs bench_inference once on the
matching benchmarks; figures are medians over rounds. Batch-1 rows also give p99 per call.
--retain-freed-memory runs Python with the glibc settings bench_inference applies to itself
(ml::retain_freed_memory: mmap threshold 32 MiB, no heap trimming); without it Python keeps
glibc's defaults, which on this suite's VMs pay a page fault per reused page (see docs/ml.md).
Both sides run libgomp with OMP_WAIT_POLICY=passive unless the caller sets it.
Exit codes: 0 ok, 2 bad usage or missing build, 3 a tool failed.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import torch

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures" / "ml"))
from reference_models import EEGNet, EmotionNet, load_libtorch_archive  # noqa: E402


# The same settings as engine/ml/model.cpp's retain_freed_memory().
RETAIN_ENV_ITEMS = [("MALLOC_MMAP_THRESHOLD_", str(32 << 20)),
                    ("MALLOC_TRIM_THRESHOLD_", str(2**31 - 1))]
RETAIN_ENV = [k for k, _ in RETAIN_ENV_ITEMS]


def timed_s(fn, min_total_s=0.5, min_calls=20):
    """Median and p99 seconds per call after a warm-up."""
    for _ in range(3):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_calls or time.perf_counter() - start < min_total_s:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.99 * len(times)))]


def eeg_like(shape, seed):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator) * 20.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batches", default="1,64")
    parser.add_argument("--json")
    parser.add_argument("--retain-freed-memory", action="store_true")
    args = parser.parse_args()
    wanted = dict(RETAIN_ENV_ITEMS) if args.retain_freed_memory else {}
    # bench_inference runs libgomp with passive waiting (see its main.cpp); so does Python here.
    wanted.setdefault("OMP_WAIT_POLICY", os.environ.get("OMP_WAIT_POLICY", "passive"))
    if any(k not in os.environ for k in wanted):
        # glibc and libgomp read these once, at start-up: run this script again with them set.
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, **wanted))
    bench = ROOT / args.build / "benchmarks" / "bench_inference"
    if not bench.is_file():
        print(f"inference_torch: {bench}: not built (cmake --build {args.build} "
              "--target bench_inference)", file=sys.stderr)
        return 2
    batches = [int(b) for b in args.batches.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NEUROPERF_ML_EXPORT_DIR=tmp)
        if subprocess.run([str(bench)], env=env).returncode != 0:
            print("inference_torch: bench_inference could not export its weights", file=sys.stderr)
            return 3
        models = {
            "movement_decoder": (load_libtorch_archive(EEGNet(), f"{tmp}/movement_decoder.pt"),
                                 (1, 8, 250), ["BM_MovementDecoder", "BM_MovementDecoderFast"]),
            "emotion_classifier": (load_libtorch_archive(EmotionNet(), f"{tmp}/emotion_classifier.pt"),
                                   (8, 250), ["BM_EmotionClassifier"]),
        }
    torch.set_num_threads(args.threads)

    names = [f"{b}/batch:{n}/threads:{args.threads}/real_time"
             for _, (_, _, benches) in models.items() for b in benches for n in batches]
    pattern = "^(" + "|".join(names) + ")$"  # Google Benchmark filters the full name
    py = {}
    ours = {}
    for _ in range(args.rounds):
        for key, (model, shape, _) in models.items():
            for n in batches:
                x = eeg_like((n, *shape), seed=n)
                with torch.inference_mode():
                    median, p99 = timed_s(lambda: model(x))
                py.setdefault((key, n), []).append((median, p99))
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            run = subprocess.run([str(bench), f"--benchmark_filter={pattern}",
                                  "--benchmark_min_time=0.5", f"--benchmark_out={out.name}",
                                  "--benchmark_out_format=json"], capture_output=True, text=True)
            if run.returncode != 0:
                print(f"inference_torch: bench_inference failed: {run.stderr.strip()}",
                      file=sys.stderr)
                return 3
            for b in json.load(open(out.name))["benchmarks"]:
                # The per-call median (from the latency histogram), like the Python side: the
                # benchmark's real_time is a mean, which one preempted call can double.
                ours.setdefault(b["name"], []).append((b["latency_p50_ms"], b["latency_p99_ms"]))

    rows = []
    print("| model | batch | PyTorch (Python) median ms, p99 | ours | ours median ms, p99 | ratio |")
    print("|---|---|---|---|---|---|")
    for key, (_, _, benches) in models.items():
        for n in batches:
            py_ms = statistics.median(m for m, _ in py[(key, n)]) * 1e3
            py_p99 = statistics.median(p for _, p in py[(key, n)]) * 1e3
            for b in benches:
                name = f"{b}/batch:{n}/threads:{args.threads}/real_time"
                if name not in ours:
                    continue
                our_ms = statistics.median(t for t, _ in ours[name])
                our_p99 = statistics.median(p for _, p in ours[name])
                rows.append({"model": key, "batch": n, "python_ms": py_ms, "python_p99_ms": py_p99,
                             "benchmark": name, "ours_ms": our_ms, "ours_p99_ms": our_p99,
                             "ratio": py_ms / our_ms})
                print(f"| {key} | {n} | {py_ms:.3f}, {py_p99:.3f} | {b} | {our_ms:.3f}, "
                      f"{our_p99:.3f} | {py_ms / our_ms:.2f} |")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"threads": args.threads,
                                                       "rounds": args.rounds, "rows": rows},
                                                      indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
