#!/usr/bin/env python3
"""Checks deploy/k8s: every file parses as YAML and is a well-formed Kubernetes object, the
names the objects use for each other agree, the shard count is the same everywhere, the
ConfigMap's scenario is itself YAML with the fields a scenario needs, and the shell steps of
the shard and merge Jobs behave: they are run here with a stub `neuroperf` on PATH and the
/results and /scenario paths pointed at a temporary directory.

usage: check_manifests.py [DIR]   exit 0 ok, 1 a check failed, 77 when PyYAML is missing
"""
import os
import re
import stat
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    print("python3-yaml not installed: skipped")
    sys.exit(77)

HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def load_all():
    objects = {}
    for name in sorted(os.listdir(HERE)):
        if not name.endswith((".yaml", ".yml")):
            continue
        with open(os.path.join(HERE, name)) as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
        check(len(docs) == 1, "%s: expected one object, got %d" % (name, len(docs)))
        for d in docs:
            check(isinstance(d, dict) and "apiVersion" in d and "kind" in d,
                  "%s: apiVersion and kind are required" % name)
            objects[name] = d
    return objects


STUB = """#!/bin/sh
# stub neuroperf: records its arguments, writes what the real one would
echo "$@" >> "$STUB_LOG"
cmd=$1; shift
case "$cmd" in
  load) while [ $# -gt 0 ]; do [ "$1" = --out ] && { mkdir -p "$2"; echo '{}' > "$2/result.json"; }; shift; done
        exit "${STUB_RC:-0}" ;;
  merge) while [ $# -gt 0 ]; do [ "$1" = --out ] && echo merged > "$2"; shift; done
         exit "${STUB_RC:-0}" ;;
  report) while [ $# -gt 0 ]; do case "$1" in --html|--markdown) echo "# summary" > "$2";; esac; shift; done ;;
esac
"""


def container(job):
    return job["spec"]["template"]["spec"]["containers"][0]


def env_of(c):
    return {e["name"]: e for e in c.get("env", [])}


def run_step(script, tmp, env):
    # Only paths that start a word: "/scenario/scenario.yaml" becomes TMP/scenario/scenario.yaml.
    for top in ("results", "scenario"):
        script = re.sub(r"(?<![\w/.])/" + top + r"\b", os.path.join(tmp, top), script)
    full = dict(os.environ, PATH=os.path.join(tmp, "bin") + ":" + os.environ["PATH"],
                STUB_LOG=os.path.join(tmp, "log"), **env)
    return subprocess.run(["/bin/sh", "-c", script], env=full, capture_output=True, text=True)


def main():
    objects = load_all()
    by_kind = {}
    for name, o in objects.items():
        by_kind.setdefault(o["kind"], []).append(o)
        if o["kind"] != "Kustomization":
            check(o.get("metadata", {}).get("name"), "%s: metadata.name is required" % name)
    kust = objects.get("kustomization.yaml")
    if check(kust, "kustomization.yaml missing"):
        for r in kust["resources"]:
            check(r in objects, "kustomization lists %s, which does not exist" % r)
    jobs = {o["metadata"]["name"]: o for o in by_kind.get("Job", [])}
    cms = {o["metadata"]["name"]: o for o in by_kind.get("ConfigMap", [])}
    pvcs = {o["metadata"]["name"] for o in by_kind.get("PersistentVolumeClaim", [])}
    shards, merge = jobs.get("neuroperf-shards"), jobs.get("neuroperf-merge")
    if not (check(shards, "Job neuroperf-shards missing") and
            check(merge, "Job neuroperf-merge missing")):
        return
    spec = shards["spec"]
    n = int(env_of(container(shards))["SHARDS"]["value"])
    check(spec.get("completionMode") == "Indexed", "shards: completionMode must be Indexed")
    check(spec["completions"] == spec["parallelism"] == n,
          "shards: completions, parallelism and SHARDS must agree")
    check(int(env_of(container(merge))["SHARDS"]["value"]) == n, "merge: SHARDS differs")
    index = env_of(container(shards))["SHARD_INDEX"]["valueFrom"]["fieldRef"]["fieldPath"]
    check("batch.kubernetes.io/job-completion-index" in index, "SHARD_INDEX: wrong fieldRef")
    for job in (shards, merge):
        for v in job["spec"]["template"]["spec"]["volumes"]:
            if "persistentVolumeClaim" in v:
                check(v["persistentVolumeClaim"]["claimName"] in pvcs, "unknown PVC in " +
                      job["metadata"]["name"])
            if "configMap" in v:
                check(v["configMap"]["name"] in cms, "unknown ConfigMap in " +
                      job["metadata"]["name"])
    cm = cms.get("neuroperf-scenario")
    if check(cm, "ConfigMap neuroperf-scenario missing"):
        scenario = yaml.safe_load(cm["data"]["scenario.yaml"])
        for key in ("name", "target", "steps", "executor"):
            check(key in scenario, "scenario.yaml: %s missing" % key)
        check(cm["data"]["target_url"].startswith("http"), "target_url: expected a URL")

    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "bin"))
        stub = os.path.join(tmp, "bin", "neuroperf")
        with open(stub, "w") as f:
            f.write(STUB)
        os.chmod(stub, stat.S_IRWXU)
        shard_script = container(shards)["args"][0]
        merge_script = container(merge)["args"][0]
        env = {"SHARDS": str(n), "NEUROPERF_TARGET_URL": "http://t:1"}
        for rc, want in ((0, 0), (1, 0), (2, 2), (3, 3)):
            done = run_step(shard_script, tmp, dict(env, SHARD_INDEX="1", STUB_RC=str(rc)))
            check(done.returncode == want, "shard script: neuroperf exit %d gave %d, want %d"
                  % (rc, done.returncode, want))
        with open(os.path.join(tmp, "log")) as f:
            check(f.readline().split() == [
                "load", os.path.join(tmp, "scenario/scenario.yaml"), "--quiet", "--target",
                "http://t:1", "--shard", "1/%d" % n, "--out",
                os.path.join(tmp, "results/shard-1")], "shard script: wrong neuroperf arguments")
        done = run_step(merge_script, tmp, env)
        check(done.returncode == 2 and "missing" in done.stderr,
              "merge script: a missing shard must fail with 2, got %d" % done.returncode)
        for i in range(n):
            run_step(shard_script, tmp, dict(env, SHARD_INDEX=str(i)))
        os.remove(os.path.join(tmp, "log"))
        for rc in (0, 1):
            done = run_step(merge_script, tmp, dict(env, STUB_RC=str(rc)))
            check(done.returncode == rc, "merge script: merge exit %d gave %d" % (rc, done.returncode))
            check(os.path.exists(os.path.join(tmp, "results/merged/report.html")),
                  "merge script: no report rendered")
        with open(os.path.join(tmp, "log")) as f:
            merge_args = f.readline().split()
        want = ["merge"] + [os.path.join(tmp, "results/shard-%d/result.json" % i)
                            for i in range(n)]
        check(merge_args[:n + 1] == want, "merge script: merges %s" % merge_args)


main()
for f in failures:
    print("FAIL:", f)
print("checked %s: %d problems" % (HERE, len(failures)))
sys.exit(1 if failures else 0)
