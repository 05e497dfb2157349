#!/usr/bin/env python3
"""Renders suite pages with `neuroperf report-suite` and loads them in headless Chromium (the
DOM dump and the Dom parser of load/report/chromium_check.py): no console message, no <script>,
<img>, <link>, <iframe> (offline, no JS), every section present and laid out in order, every
executable's table with one row per benchmark, the change charts drawn; a screenshot is taken
and checked by its structure (a PNG of the window's size), not its pixels.

  chromium_suite_check.py NEUROPERF CHROMIUM_CHECK_PY BASELINES_DIR LOAD_FIXTURES full|problems

full: a whole run's size: every committed baseline file as a run, compared with itself by
neuroperf compare, plus two load scenarios; prints the page's size and Chromium's render time
(goals: < 5 MB, < 2 s). problems: an executable that failed, one that errored, a skipped
benchmark, a missing benchmark, a regression and an executable without a baseline: each must be
shown as such, never as ok.
exit 0 ok, 1 a check failed, 77 (CTest skip) when Chromium is not installed.
"""
import glob
import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

PROBE = """<script>
const parsed_ms = performance.now();
const sections = [...document.querySelectorAll('body > section')].map(s => {
  const r = s.getBoundingClientRect();
  return {id: s.id, top: r.top + window.scrollY, height: r.height};
});
const tables = [...document.querySelectorAll('table.benchmarks')].map(t => ({
  exe: t.dataset.exe, rows: t.querySelectorAll('tr.benchmark').length,
  width: t.getBoundingClientRect().width}));
const charts = [...document.querySelectorAll('svg.change-chart')].map(s => ({
  exe: s.dataset.exe, bars: s.querySelectorAll('g.bar').length,
  width: s.getBoundingClientRect().width, height: s.getBoundingClientRect().height}));
const laid_out_ms = performance.now();  // the rects above forced the layout
const pre = document.createElement('pre');
pre.id = 'probe';
pre.textContent = JSON.stringify({sections, tables, charts, parsed_ms, laid_out_ms});
document.body.appendChild(pre);
</script>"""


def load_module(path):
    spec = importlib.util.spec_from_file_location("chromium_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def iteration(name, family, instance, ns, counters=None):
    row = {"name": name, "run_name": name, "run_type": "iteration", "family_index": family,
           "per_family_instance_index": instance, "repetitions": 6, "threads": 1,
           "iterations": 100, "real_time": ns, "cpu_time": ns, "time_unit": "ns"}
    row.update(counters or {})
    return row


def bench_file(path, rows, revision="abc1234"):
    context = {"cpu_model": "Fake CPU", "num_cpus": 2, "isa_level": "x86-64-v3",
               "build_type": "release", "compiler": "c++ 12", "git_revision": revision,
               "caches": []}
    with open(path, "w") as f:
        json.dump({"context": context, "benchmarks": rows}, f)


def make_problems(np, run):
    """A run where everything that can go wrong did."""
    os.makedirs(os.path.join(run, "base"))
    base, cur = [], []
    for rep in range(6):
        jitter = 1 + 0.002 * rep
        base += [iteration("BM_Fine", 0, 0, 1000 * jitter), iteration("BM_Slow", 1, 0, 1000 * jitter),
                 iteration("BM_Gone", 2, 0, 500 * jitter), iteration("BM_Skip", 3, 0, 10 * jitter)]
        cur += [iteration("BM_Fine", 0, 0, 1001 * jitter), iteration("BM_Slow", 1, 0, 1500 * jitter)]
    cur.append(dict(iteration("BM_Skip", 3, 0, 0), error_occurred=True,
                    error_message="service unavailable: redis down"))
    cur.append(dict(iteration("BM_Err", 4, 0, 0), error_occurred=True,
                    error_message="query failed: relation missing"))
    bench_file(os.path.join(run, "base", "bench_gate.json"), base)
    bench_file(os.path.join(run, "bench_gate.json"), cur)
    with open(os.path.join(run, "bench_gate.txt"), "w") as f:
        f.write("console\n")
    subprocess.run([np, "compare", os.path.join(run, "base", "bench_gate.json"),
                    os.path.join(run, "bench_gate.json"), "--format", "json",
                    "--out", os.path.join(run, "compare_bench_gate.json")],
                   capture_output=True)
    shutil.rmtree(os.path.join(run, "base"))
    bench_file(os.path.join(run, "bench_nobase.json"), [iteration("BM_New", 0, 0, 100)])
    with open(os.path.join(run, "bench_crashed.txt"), "w") as f:
        f.write("Segmentation fault\n")
    with open(os.path.join(run, "verdicts.tsv"), "w") as f:
        f.write("executable\tmachine_key\tbaseline_kind\tbaseline\tcompare_exit\n"
                "bench_gate\tfake-cpu-2cpu-x86-64-v3\tcommitted\tbaselines/x/bench_gate.json\t1\n"
                "bench_nobase\tfake-cpu-2cpu-x86-64-v3\trecorded\t/tmp/state/bench_nobase.json\t77\n")


def make_full(np, run, baselines_dir, load_fixtures):
    """Every committed baseline file as one run, each compared with itself; two load scenarios."""
    files = sorted(glob.glob(os.path.join(baselines_dir, "*", "bench_*.json")))
    seen = set()
    with open(os.path.join(run, "verdicts.tsv"), "w") as tsv:
        tsv.write("executable\tmachine_key\tbaseline_kind\tbaseline\tcompare_exit\n")
        for path in files:
            name = os.path.basename(path)[:-5]
            if name in seen:
                continue
            seen.add(name)
            shutil.copy(path, os.path.join(run, name + ".json"))
            code = subprocess.run([np, "compare", path, os.path.join(run, name + ".json"),
                                   "--allow-foreign-baseline", "--format", "json", "--out",
                                   os.path.join(run, "compare_%s.json" % name)],
                                  capture_output=True).returncode
            tsv.write("%s\tkey\tcommitted\t%s\t%d\n" % (name, path, code))
    for fixture in ("closed_users", "open_rate"):
        os.makedirs(os.path.join(run, "load_" + fixture))
        shutil.copy(os.path.join(load_fixtures, fixture + ".json"),
                    os.path.join(run, "load_" + fixture, "result.json"))
    return sorted(seen)


def screenshot_size(chromium, page, tmp):
    shot = os.path.join(tmp, "shot.png")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--user-data-dir=" + profile, "--window-size=1280,2000",
                        "--screenshot=" + shot, "file://" + page],
                       capture_output=True, timeout=120)
    with open(shot, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def console_messages(chromium, page):
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                               "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                               "--dump-dom", "file://" + page],
                              capture_output=True, text=True, timeout=120)
    return [line for line in done.stderr.splitlines() if ":CONSOLE" in line]


def main():
    np, checker, baselines_dir, load_fixtures, mode = sys.argv[1:6]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chromium not installed: skipped")
        return 77
    cc = load_module(checker)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        run = os.path.join(tmp, "run")
        os.makedirs(run)
        exes = make_full(np, run, baselines_dir, load_fixtures) if mode == "full" else None
        if mode == "problems":
            make_problems(np, run)
        started = time.monotonic()
        subprocess.run([np, "report-suite", run], check=True)
        render_tool_s = time.monotonic() - started
        page = os.path.join(run, "index.html")
        size = os.path.getsize(page)
        started = time.monotonic()
        dom = cc.dump_dom(chromium, page)
        chromium_s = time.monotonic() - started
        for tag in ("script", "img", "iframe", "link", "object", "embed"):
            if dom.tags.get(tag, 0):
                failures.append("the DOM has a <%s> element" % tag)
        for line in console_messages(chromium, page):
            failures.append("console: " + line)
        text = "".join(dom.text)
        with open(page) as f:
            probed = f.read().replace("</body>", PROBE + "</body>")
        probe_page = os.path.join(tmp, "probe.html")
        with open(probe_page, "w") as f:
            f.write(probed)
        probe = json.loads(cc.dump_dom(chromium, probe_page).probe or "{}")
        ids = [s["id"] for s in probe.get("sections", [])]
        want = ["overview"] + ["exe-" + e for e in (exes or [])] + ["anchors", "load", "files"]
        for w in want:
            if w not in ids:
                failures.append("section %s missing (have %s)" % (w, ids))
        tops = [s["top"] for s in probe.get("sections", [])]
        if tops != sorted(tops) or any(s["height"] < 20 for s in probe.get("sections", [])):
            failures.append("sections not laid out in order: %s" % probe.get("sections"))
        size_px = screenshot_size(chromium, page, tmp)
        if size_px != (1280, 2000):
            failures.append("screenshot is not a 1280x2000 PNG: %s" % (size_px,))
        if mode == "full":
            for exe in exes:
                doc = json.load(open(os.path.join(run, exe + ".json")))
                names = {b["run_name"] for b in doc["benchmarks"]}
                table = [t for t in probe.get("tables", []) if t["exe"] == exe]
                if not table or table[0]["rows"] != len(names):
                    failures.append("%s: table rows %s, benchmarks %d" % (exe, table, len(names)))
                chart = [c for c in probe.get("charts", []) if c["exe"] == exe]
                if not chart or chart[0]["bars"] == 0 or chart[0]["width"] < 100:
                    failures.append("%s: change chart %s" % (exe, chart))
            if len(dom.charts) < 6:  # svg.chart: the load scenarios' charts (two scenarios)
                failures.append("load charts: %s" % dom.charts)
            if size > 5 * 1024 * 1024:
                failures.append("page is %d bytes (goal < 5 MB)" % size)
            laid_out = probe.get("laid_out_ms", -1)
            if not 0 <= laid_out < 2000:
                failures.append("page parsed and laid out in %.0f ms (goal < 2 s)" % laid_out)
            print("full page: %d bytes, report-suite %.2f s, chromium start+load+dump %.2f s, "
                  "parsed %.0f ms, laid out %.0f ms after navigation start"
                  % (size, render_tool_s, chromium_s, probe.get("parsed_ms", -1), laid_out))
        else:
            shown = {}
            for s in ("errored", "skipped", "missing", "regressed", "not compared", "ok"):
                shown[s] = text.count(s)
            for s in ("errored", "skipped", "missing", "regressed", "not compared"):
                if not shown[s]:
                    failures.append("status %r not shown" % s)
            for phrase in ("NO BASELINE", "FAILED", "FAIL", "Not compared: no baseline for this machine",
                           "bench_crashed.json is missing", "query failed: relation missing",
                           "service unavailable: redis down"):
                if phrase not in text:
                    failures.append("%r not shown" % phrase)
            rows = {t["exe"]: t["rows"] for t in probe.get("tables", [])}
            if rows.get("bench_gate") != 5:  # Fine, Slow, Skip, Err + Gone (missing)
                failures.append("bench_gate rows: %s" % rows)
            verdicts = {}
            import re
            for m in re.finditer(r'data-exe="([^"]+)"><td><a[^>]*>[^<]*</a></td><td><span[^>]*>([^<]+)<',
                                 open(page).read()):
                verdicts[m.group(1)] = m.group(2)
            if verdicts != {"bench_crashed": "FAILED", "bench_gate": "FAIL",
                            "bench_nobase": "NO BASELINE"}:
                failures.append("overview verdicts: %s" % verdicts)
            print("problems page: verdicts %s, statuses %s" % (verdicts, shown))
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
