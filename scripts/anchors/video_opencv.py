#!/usr/bin/env python3
"""Times the document's OpenCV loop (cv2.VideoCapture + read() until the end, decode only,
Debian's python3-opencv) on bench_video's own generated 720p30 MPEG-4 files, interleaved with
bench_video's decode-only and decode+detect runs on the same files, and prints medians and
ratios as a markdown table.

    /usr/bin/python3 scripts/anchors/video_opencv.py [--build build/release] [--rounds 3]
                                                     [--seconds 30] [--json FILE]

--seconds is a comma list of video lengths (NEUROPERF_VIDEO_SECONDS for bench_video; files are
generated once into NEUROPERF_VIDEO_CACHE, default ~/.cache/neuroperf/videos). Each round runs,
per file, the OpenCV loop, then BM_Decode/mpeg4/<s>s/threads:1 (ours, decode only) and
BM_Sessions/<s>s/sessions:1 (ours, decode + detect). Frames per second are given per wall-clock
second and per CPU second of the whole process (every thread: OpenCV decodes with as many
threads as cores, so its CPU rate is the per-core figure). Ratios are ours / OpenCV: above 1
means we are faster.
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

ROOT = pathlib.Path(__file__).resolve().parents[2]


def opencv_loop(path):
    """The document's loop without its sleep: wall and CPU seconds and the frame count."""
    import cv2  # imported here so --help works without python3-opencv

    wall0, cpu0 = time.perf_counter(), time.process_time()
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise RuntimeError(f"cv2.VideoCapture cannot open {path}")
    frames = 0
    while True:
        ok, _frame = cap.read()
        if not ok:
            break
        frames += 1
    cap.release()
    return time.perf_counter() - wall0, time.process_time() - cpu0, frames


def bench(exe, seconds, pattern, env):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run = subprocess.run([str(exe), f"--benchmark_filter={pattern}",
                              "--benchmark_min_time=0.01", f"--benchmark_out={out.name}",
                              "--benchmark_out_format=json"],
                             capture_output=True, text=True,
                             env=dict(env, NEUROPERF_VIDEO_SECONDS=str(seconds)))
        if run.returncode != 0:
            raise RuntimeError(f"bench_video failed: {run.stderr.strip()[-500:]}")
        found = [b for b in json.load(open(out.name))["benchmarks"]
                 if not b["name"].startswith("calibration/")]
    if len(found) != 1:
        raise RuntimeError(f"bench_video: filter {pattern} matched {len(found)} benchmarks")
    return found[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", default="30")
    parser.add_argument("--json")
    args = parser.parse_args()
    try:
        lengths = [int(s) for s in args.seconds.split(",")]
        if not lengths or min(lengths) < 1 or args.rounds < 1:
            raise ValueError
    except ValueError:
        print(f"video_opencv: --seconds '{args.seconds}' / --rounds {args.rounds}: expected "
              "positive integers", file=sys.stderr)
        return 2
    exe = ROOT / args.build / "benchmarks" / "bench_video"
    if not exe.is_file():
        print(f"video_opencv: {exe}: not built (cmake --build {args.build} --target bench_video)",
              file=sys.stderr)
        return 2
    env = dict(os.environ)
    try:
        listing = subprocess.run([str(exe), "--print-videos"], capture_output=True, text=True,
                                 env=dict(env, NEUROPERF_VIDEO_SECONDS=args.seconds), check=True)
    except subprocess.CalledProcessError as e:
        print(f"video_opencv: bench_video --print-videos failed: {e.stderr.strip()}",
              file=sys.stderr)
        return 3
    paths = dict(zip(lengths, listing.stdout.split()))
    rows = {s: {"opencv": [], "opencv_cpu": [], "decode": [], "decode_cpu": [],
                "pipeline": [], "pipeline_cpu": []} for s in lengths}
    try:
        for r in range(args.rounds):
            for s in lengths:
                wall, cpu, frames = opencv_loop(paths[s])
                if frames != s * 30:
                    raise RuntimeError(f"OpenCV read {frames} frames of {paths[s]}, expected "
                                       f"{s * 30}")
                rows[s]["opencv"].append(frames / wall)
                rows[s]["opencv_cpu"].append(frames / cpu)
                d = bench(exe, s, f"^BM_Decode/mpeg4/{s}s/threads:1/", env)
                rows[s]["decode"].append(d["frames_per_second"])
                rows[s]["decode_cpu"].append(d["frames_per_cpu_second"])
                p = bench(exe, s, f"^BM_Sessions/{s}s/sessions:1/", env)
                rows[s]["pipeline"].append(p["frames_per_second"])
                rows[s]["pipeline_cpu"].append(p["frames_per_cpu_second"])
                print(f"video_opencv: round {r + 1}/{args.rounds} {s}s done", file=sys.stderr)
    except RuntimeError as e:
        print(f"video_opencv: {e}", file=sys.stderr)
        return 3
    print("| video | OpenCV decode fps (wall, per CPU s) | ours decode | ours decode+detect "
          "| ratio decode+detect / OpenCV (wall, per CPU s) |")
    print("|---|---|---|---|---|")
    summary = []
    for s in lengths:
        m = {k: statistics.median(v) for k, v in rows[s].items()}
        ratio_wall = m["pipeline"] / m["opencv"]
        ratio_cpu = m["pipeline_cpu"] / m["opencv_cpu"]
        print(f"| {s} s 1280x720 mpeg4 | {m['opencv']:.0f}, {m['opencv_cpu']:.0f} "
              f"| {m['decode']:.0f}, {m['decode_cpu']:.0f} "
              f"| {m['pipeline']:.0f}, {m['pipeline_cpu']:.0f} "
              f"| {ratio_wall:.2f}, {ratio_cpu:.2f} |")
        summary.append(dict(seconds=s, file=paths[s], rounds=args.rounds, medians=m,
                            ratio_wall=ratio_wall, ratio_per_cpu_second=ratio_cpu,
                            samples=rows[s]))
    if args.json:
        # The suite's anchor format (as dsp_scipy.py writes it, read by the suite page): the
        # anchor's seconds per frame each round, and ours as "times faster" per CPU second and
        # per wall second; the per-video details beside it.
        anchors = {}
        for s in lengths:
            anchors[f"decode_{s}s_720p30_mpeg4"] = {
                "what": f"OpenCV decode-only loop, {s} s 1280x720 mpeg4 (seconds per frame)",
                "seconds": [1.0 / fps for fps in rows[s]["opencv"]],
                "vs": {"bench_video decode+detect, per CPU s": next(
                           x["ratio_per_cpu_second"] for x in summary if x["seconds"] == s),
                       "bench_video decode+detect, wall": next(
                           x["ratio_wall"] for x in summary if x["seconds"] == s)}}
        pathlib.Path(args.json).write_text(json.dumps(
            {"rounds": args.rounds, "anchors": anchors, "videos": summary}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
