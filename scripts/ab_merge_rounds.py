#!/usr/bin/env python3
"""Merges the rounds of one side of an A/B (scripts/ab) into one Google Benchmark JSON file:
every round's iteration rows become repetitions of one run (renumbered), the aggregates (mean,
median, stddev, cv) are recomputed over all of them, and the context is the first round's with
ab_side, ab_revision and ab_rounds added. Rows keep family_index/per_family_instance_index, so
readers still show the declared order.

usage: ab_merge_rounds.py --side base|head --revision SHA OUT.json ROUND.json...
exit 0 written, 2 a round is missing or not benchmark JSON.
"""
import argparse
import json
import math
import statistics
import sys

TIME_FIELDS = ("real_time", "cpu_time")
NOT_COUNTERS = {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads",
                "iterations", "real_time", "cpu_time", "time_unit", "family_index",
                "per_family_instance_index", "aggregate_name", "aggregate_unit", "label",
                "error_occurred", "error_message", "skipped", "skip_message"}


def load(path):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("ab_merge_rounds.py: %s: %s" % (path, e))
    if not isinstance(doc.get("benchmarks"), list):
        sys.exit("ab_merge_rounds.py: %s: $.benchmarks: expected an array" % path)
    return doc


def aggregates(rows):
    """mean, median, stddev, cv rows for one benchmark's iteration rows (Google Benchmark's form)."""
    first = rows[0]
    numeric = [k for k, v in first.items()
               if k not in NOT_COUNTERS and isinstance(v, (int, float)) and not isinstance(v, bool)]
    out = []
    for name in ("mean", "median", "stddev", "cv"):
        agg = {k: first[k] for k in ("run_name", "family_index", "per_family_instance_index",
                                     "threads", "time_unit") if k in first}
        agg.update(name=first["run_name"] + "_" + name, run_type="aggregate",
                   repetitions=len(rows), aggregate_name=name,
                   aggregate_unit="percentage" if name == "cv" else "time",
                   iterations=len(rows))
        for key in TIME_FIELDS + tuple(numeric):
            values = [r[key] for r in rows if isinstance(r.get(key), (int, float))]
            if not values:
                continue
            mean = statistics.fmean(values)
            sd = statistics.stdev(values) if len(values) > 1 else 0.0
            agg[key] = {"mean": mean, "median": statistics.median(values), "stddev": sd,
                        "cv": sd / mean if mean else 0.0}[name]
            if not math.isfinite(agg[key]):
                agg[key] = None
        out.append(agg)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--side", required=True, choices=("base", "head"))
    p.add_argument("--revision", required=True)
    p.add_argument("out")
    p.add_argument("rounds", nargs="+")
    a = p.parse_args()
    docs = [load(path) for path in a.rounds]
    context = dict(docs[0].get("context", {}))
    context.update(ab_side=a.side, ab_revision=a.revision, ab_rounds=len(docs))
    by_run, order, other = {}, [], []
    for doc in docs:
        for row in doc["benchmarks"]:
            if row.get("run_type") == "aggregate" or row.get("aggregate_name"):
                continue
            if row.get("error_occurred") or row.get("skipped"):
                other.append(row)  # kept once per round: the reader takes the first message
                continue
            key = row.get("run_name", row.get("name"))
            if key not in by_run:
                by_run[key] = []
                order.append(key)
            by_run[key].append(row)
    rows = []
    for key in order:
        runs = by_run[key]
        for i, r in enumerate(runs):
            r = dict(r, repetitions=len(runs), repetition_index=i)
            rows.append(r)
        rows.extend(aggregates([dict(r) for r in runs]))
    with open(a.out, "w") as f:
        json.dump({"context": context, "benchmarks": rows + other}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
