#!/usr/bin/env python3
"""Renders a result fixture with load_report_render, loads the HTML in headless Chromium and
checks what the browser built: every chart is an <svg> with drawn lines, no <script> element
exists (the report has none, so one would be an injection), and the hostile strings from the
fixture are text. A probe script, appended to a copy only, asks the browser for the laid-out
size of each chart and the length of each line.

usage: chromium_check.py RENDER_TOOL FIXTURE.json EXPECTED_CHARTS
exit 0 ok, 1 a check failed, 77 (CTest skip) when Chromium is not installed.
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

PROBE = """<script>
const out = [...document.querySelectorAll('svg.chart')].map(svg => {
  const r = svg.getBoundingClientRect();
  const marks = [...svg.querySelectorAll('polyline.series')].map(p => p.getTotalLength());
  return {id: svg.dataset.chart, width: r.width, height: r.height, lengths: marks,
          circles: svg.querySelectorAll('circle.series').length};
});
const pre = document.createElement('pre');
pre.id = 'probe';
pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>"""


class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = {}
        self.polyline_vertices = []
        self.charts = []
        self.text = []
        self.in_probe = False
        self.probe = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "svg" and a.get("class") == "chart":
            self.charts.append(a.get("data-chart"))
        if tag == "polyline":
            self.polyline_vertices.append(len(a.get("points", "").split()))
        self.in_probe = tag == "pre" and a.get("id") == "probe"

    def handle_endtag(self, tag):
        if tag == "pre":
            self.in_probe = False

    def handle_data(self, data):
        self.text.append(data)
        if self.in_probe:
            self.probe += data


def dump_dom(chromium, path):
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile,
             "--window-size=1024,768", "--dump-dom", "file://" + path],
            capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or "<html" not in done.stdout:
        sys.exit("chromium failed (%d): %s" % (done.returncode, done.stderr[-2000:]))
    dom = Dom()
    dom.feed(done.stdout)
    return dom


def main():
    tool, fixture, expected_charts = sys.argv[1], sys.argv[2], int(sys.argv[3])
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chromium not installed: skipped")
        return 77
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "report.html")
        subprocess.run([tool, fixture, page, os.path.join(tmp, "summary.md")], check=True)
        dom = dump_dom(chromium, page)
        if len(dom.charts) != expected_charts:
            failures.append("expected %d charts, the browser built %d: %s"
                            % (expected_charts, len(dom.charts), dom.charts))
        if dom.tags.get("script", 0):
            failures.append("the DOM has %d <script> elements" % dom.tags["script"])
        for tag in ("img", "iframe", "link", "object", "embed"):
            if dom.tags.get(tag, 0):
                failures.append("the DOM has a <%s> element" % tag)
        if not dom.polyline_vertices or min(dom.polyline_vertices) < 2:
            failures.append("polylines without data: %s" % dom.polyline_vertices)
        text = "".join(dom.text)
        doc = json.load(open(fixture))
        for s in [doc["scenario"]["name"]] + [s["name"] for s in doc["steps"]] + \
                doc["client"]["warnings"]:
            if s not in text:
                failures.append("string not shown as text: %r" % s)

        with open(page) as f:
            probed = f.read().replace("</body>", PROBE + "</body>")
        probe_page = os.path.join(tmp, "probe.html")
        with open(probe_page, "w") as f:
            f.write(probed)
        charts = json.loads(dump_dom(chromium, probe_page).probe or "[]")
        if len(charts) != expected_charts:
            failures.append("probe saw %d charts" % len(charts))
        for c in charts:
            if c["width"] < 100 or c["height"] < 20:
                failures.append("chart %s laid out at %sx%s" % (c["id"], c["width"], c["height"]))
            if not any(length > 50 for length in c["lengths"]) and not c["circles"]:
                failures.append("chart %s has no drawn line: %s" % (c["id"], c["lengths"]))
    for f in failures:
        print("FAIL:", f)
    print("%d charts, %d polylines checked" % (len(dom.charts), len(dom.polyline_vertices)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
