#!/usr/bin/env python3
"""The suite page's numbers against its inputs: a run folder made from a committed benchmark JSON
file (the baseline) and a copy with one benchmark made 30 % slower and its counters scaled (the
run), compared by `neuroperf compare`, rendered by `neuroperf report-suite`; the page is parsed
(html.parser) and every row's median, spread, sample count, counters, baseline, change and p-value
is checked against what this script computes from the JSON files itself (statistics.median, the
1.4826 * MAD / median spread) and against compare's JSON report; rows must be in declared order
(family, then arguments), the overview's counts must match compare's statuses.

  suite_page_numbers_test.py NEUROPERF BASELINE.json
exit 0 ok, 1 a check failed, 2 bad usage.
"""
import html.parser
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
SLOWER = 1.30


class Page(html.parser.HTMLParser):
    """Cells of tr.benchmark rows per table.benchmarks (by data-exe), and the overview's rows."""

    def __init__(self):
        super().__init__()
        self.tables, self.overview = {}, {}
        self._exe = self._row = self._cell = None
        self._in_overview = False
        self._overview_head, self._head_cell = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "benchmarks" in (a.get("class") or "").split():
            self._exe = a.get("data-exe")
            self.tables[self._exe] = []
        elif tag == "table" and a.get("id") == "verdicts":
            self._in_overview = True
        elif tag == "tr" and self._exe and a.get("class") == "benchmark":
            self._row = {"status": a.get("data-status"), "cells": []}
        elif tag == "tr" and self._in_overview and a.get("class") == "executable":
            self._row = {"exe": a.get("data-exe"), "cells": []}
        elif tag == "td" and self._row is not None:
            self._cell = []
        elif tag == "th" and self._in_overview:
            self._head_cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row["cells"].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "th" and self._head_cell is not None:
            self._overview_head.append("".join(self._head_cell).strip())
            self._head_cell = None
        elif tag == "tr" and self._row is not None:
            if self._in_overview:
                self.overview[self._row["exe"]] = dict(zip(self._overview_head, self._row["cells"]))
            else:
                self.tables[self._exe].append(self._row)
            self._row = None
        elif tag == "table":
            self._exe = None
            self._in_overview = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._head_cell is not None:
            self._head_cell.append(data)


def ns_of(text):
    """'12.34 us cpu' -> 12340.0"""
    m = re.match(r"^(-?[0-9.]+) (ns|us|ms|s)\b", text)
    if not m:
        raise ValueError("not a time: %r" % text)
    return float(m.group(1)) * UNIT_NS[m.group(2)]


def si_of(text):
    """'1.23M/s' or '456.7k' or '1.2 GB/s' -> the number."""
    m = re.match(r"^(-?[0-9.]+(?:e[-+]?[0-9]+)?) ?([kMGTP]?)", text)
    if not m:
        raise ValueError("not a number: %r" % text)
    scale = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15}[m.group(2)]
    return float(m.group(1)) * scale


def close(a, b, rel):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def robust_cv(values):
    if len(values) < 3:
        return 0.0
    m = statistics.median(values)
    return 1.4826 * statistics.median([abs(v - m) for v in values]) / abs(m) if m else 0.0


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    np, baseline = sys.argv[1:3]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        run = os.path.join(tmp, "run")
        os.makedirs(run)
        base = json.load(open(baseline))
        names = []
        for b in base["benchmarks"]:
            if b.get("run_type") == "iteration" and b["run_name"] not in names:
                names.append(b["run_name"])
        slowed = next(n for n in names if not n.startswith("calibration/"))
        cur = json.loads(json.dumps(base))
        for b in cur["benchmarks"]:
            if b["run_name"] == slowed:
                for k in ("real_time", "cpu_time"):
                    b[k] *= SLOWER
                for k, v in list(b.items()):
                    if k.endswith("_per_second") and isinstance(v, (int, float)):
                        b[k] = v / SLOWER
        # Run order shuffled as random interleaving leaves it: reversed.
        cur["benchmarks"].reverse()
        exe = "bench_fixture"
        base_path = os.path.join(tmp, "base.json")
        shutil.copy(baseline, base_path)
        with open(os.path.join(run, exe + ".json"), "w") as f:
            json.dump(cur, f)
        code = subprocess.run([np, "compare", base_path, os.path.join(run, exe + ".json"),
                               "--format", "json", "--out",
                               os.path.join(run, "compare_%s.json" % exe)],
                              capture_output=True, text=True).returncode
        if code != 1:
            failures.append("compare exited %d, expected 1 (a +30 %% regression)" % code)
        with open(os.path.join(run, "verdicts.tsv"), "w") as f:
            f.write("executable\tmachine_key\tbaseline_kind\tbaseline\tcompare_exit\n"
                    "%s\tkey\tcommitted\t%s\t%d\n" % (exe, base_path, code))
        subprocess.run([np, "report-suite", run], check=True, capture_output=True)
        page = Page()
        page.feed(open(os.path.join(run, "index.html")).read())
        report = json.load(open(os.path.join(run, "compare_%s.json" % exe)))
        verdicts = {b["name"]: b for b in report["benchmarks"]}

        rows = page.tables.get(exe, [])
        shown = [r["cells"][0] for r in rows]
        declared = sorted({(b["family_index"], b["per_family_instance_index"], b["run_name"])
                           for b in cur["benchmarks"] if b.get("run_type") == "iteration"})
        if shown != [d[2] for d in declared]:
            failures.append("rows not in declared order:\n  page %s\n  want %s"
                            % (shown, [d[2] for d in declared]))
        for r in rows:
            name, cells = r["cells"][0], r["cells"]
            its = [b for b in cur["benchmarks"]
                   if b["run_name"] == name and b.get("run_type") == "iteration"]
            real = name.endswith("/real_time") or "/real_time/" in name or "/manual_time" in name
            metric = "real_time" if real else "cpu_time"
            values = [b[metric] * UNIT_NS[b["time_unit"]] for b in its]
            want_median, want_cv = statistics.median(values), robust_cv(values)
            got_median = ns_of(cells[2])
            if not close(got_median, want_median, 1e-3):
                failures.append("%s: median %s, computed %.6g ns" % (name, cells[2], want_median))
            if ("wall" if real else "cpu") not in cells[2]:
                failures.append("%s: median %r does not say %s time" % (name, cells[2], metric))
            got_cv = float(cells[3].rstrip(" %")) / 100
            if abs(got_cv - want_cv) > 0.0005 + 1e-9:
                failures.append("%s: spread %s, computed %.4f %%" % (name, cells[3], want_cv * 100))
            if int(cells[4]) != len(values):
                failures.append("%s: n %s, %d repetitions in the file" % (name, cells[4], len(values)))
            counters = {}
            for line in cells[8].split("\n"):
                if line.strip():
                    k, v = line.strip().split(" ", 1)
                    counters[k] = v
            for k in its[0]:
                if k.endswith("_per_second"):
                    want = statistics.median([b[k] for b in its])
                    if k not in counters:
                        failures.append("%s: counter %s not shown" % (name, k))
                    elif not close(si_of(counters[k]), want, 0.01):
                        failures.append("%s: %s %s, computed %.6g" % (name, k, counters[k], want))
                    elif not counters[k].endswith("/s"):
                        failures.append("%s: %s %r lacks its unit /s" % (name, k, counters[k]))
            v = verdicts.get(name)
            if v is None:
                failures.append("%s: not in compare's report" % name)
                continue
            if r["status"] != v["status"]:
                failures.append("%s: status %s, compare says %s" % (name, r["status"], v["status"]))
            m = v["metrics"][0]
            if m["name"].endswith("_time"):
                if not close(ns_of(cells[5]), m["baseline"], 1e-3):
                    failures.append("%s: baseline %s, compare %.6g" % (name, cells[5], m["baseline"]))
                base_values = [b[metric] * UNIT_NS[b["time_unit"]] for b in base["benchmarks"]
                               if b["run_name"] == name and b.get("run_type") == "iteration"]
                own = want_median / statistics.median(base_values) - 1
                if not any(s.get("applied") for s in report.get("machine_speed", [])) and abs(m["change"] - own) > 1e-9:
                    failures.append("%s: compare's change %.6f, computed %.6f" % (name, m["change"], own))
            if abs(float(cells[6].replace(" %", "")) / 100 - m["change"]) > 0.0005 + 1e-9:
                failures.append("%s: change %s, compare %.5f" % (name, cells[6], m["change"]))
            if m.get("p_value") is not None:
                p = cells[7]
                if p.startswith("<"):
                    ok = m["p_value"] < 0.0001
                else:
                    ok = abs(float(p) - m["p_value"]) <= 0.00005 + 1e-12
                if not ok:
                    failures.append("%s: p %s, compare %g" % (name, p, m["p_value"]))
        slowed_row = [r for r in rows if r["cells"][0] == slowed]
        if not slowed_row or slowed_row[0]["status"] != "regressed" or \
                abs(float(slowed_row[0]["cells"][6].replace(" %", "")) - 30.0) > 0.05:
            failures.append("%s: the planted +30 %% is shown as %s" % (slowed, slowed_row))
        statuses = {}
        for b in report["benchmarks"]:
            statuses[b["status"]] = statuses.get(b["status"], 0) + 1
        overview = page.overview.get(exe, {})
        if overview.get("Verdict") != "FAIL":
            failures.append("overview verdict %r, expected FAIL" % overview.get("Verdict"))
        for status, count in statuses.items():
            if overview.get(status) != str(count):
                failures.append("overview %s: %r, compare has %d" % (status, overview.get(status), count))
        print("suite page numbers: %d rows of %s checked against the JSON, %s" %
              (len(rows), os.path.basename(baseline), statuses))
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
