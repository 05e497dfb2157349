#include "tools/suite/suite_run.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "engine/base/errors.hpp"
#include "tools/bench_json/benchmark_json.hpp"
#include "tools/compare/sample_stats.hpp"

namespace neuro::suite {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::optional<json> read_json(const fs::path& path, std::string& problem) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem = path.filename().string() + ": cannot open";
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  json doc = json::parse(text.str(), nullptr, false);
  if (doc.is_discarded()) {
    problem = path.filename().string() + ": not valid JSON";
    return std::nullopt;
  }
  return doc;
}

std::optional<double> number(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string text(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<BenchmarkRow> rows_of(const compare::ResultSet& set) {
  std::vector<BenchmarkRow> rows;
  for (const auto& r : set.benchmarks) {
    BenchmarkRow row;
    row.name = r.name;
    row.declared = r.declared;
    row.error = r.error;
    row.skipped = r.skipped;
    row.metric = r.manual_or_real_time ? "real_time" : "cpu_time";
    row.samples = r.cpu_time_ns.size();
    if (!r.real_time_ns.empty()) {
      row.real_time_ns = compare::median(r.real_time_ns);
      row.cpu_time_ns = compare::median(r.cpu_time_ns);
      const auto& shown = r.manual_or_real_time ? r.real_time_ns : r.cpu_time_ns;
      const auto cv = r.cv.find(row.metric);
      row.spread = r.aggregates_only ? (cv == r.cv.end() ? 0.0 : std::abs(cv->second))
                                     : compare::robust_cv(shown);
    }
    for (const auto& [counter, values] : r.counters) {
      const auto finite = compare::finite_only(values);
      if (!finite.empty()) row.counters[counter] = compare::median(finite);
    }
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const BenchmarkRow& a, const BenchmarkRow& b) {
    return bench_json::declared_before(a.declared, b.declared);
  });
  return rows;
}

void read_comparison(const fs::path& path, Executable& exe) {
  std::string problem;
  auto doc = read_json(path, problem);
  if (!doc) {
    exe.comparison_problem = problem;
    return;
  }
  if (!doc->is_object() || !doc->contains("benchmarks") || !(*doc)["benchmarks"].is_array()) {
    exe.comparison_problem = path.filename().string() + ": not a neuroperf compare JSON report";
    return;
  }
  for (const auto& b : (*doc)["benchmarks"]) {
    if (!b.is_object()) continue;
    Verdict v;
    v.status = text(b, "status");
    v.detail = text(b, "detail");
    v.threshold = number(b, "threshold").value_or(0.0);
    if (const auto m = b.find("metrics"); m != b.end() && m->is_array() && !m->empty()) {
      const json& first = m->front();
      v.metric = text(first, "name");
      v.change = number(first, "change").value_or(0.0);
      v.p_value = number(first, "p_value");
      v.baseline = number(first, "baseline");
      v.current = number(first, "current");
    }
    exe.verdicts[text(b, "name")] = std::move(v);
  }
  exe.comparison = std::move(*doc);
}

// verdicts.tsv: executable, machine_key, baseline_kind, baseline, compare_exit (header first).
void read_verdicts(const fs::path& path, std::vector<Executable>& executables) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, '\t');) cells.push_back(cell);
    if (cells.size() < 5) continue;
    for (auto& exe : executables) {
      if (exe.name != cells[0]) continue;
      exe.machine_key = cells[1];
      exe.baseline_kind = cells[2];
      exe.baseline_path = cells[3];
      try {
        exe.compare_exit = std::stoi(cells[4]);
      } catch (const std::exception&) {
        exe.compare_exit.reset();
      }
    }
  }
}

// anchor_*.json as dsp_scipy.py writes it: {"rounds", "anchors": {op: {what, seconds[], vs{}}}}.
Anchor read_anchor(const fs::path& path) {
  Anchor a;
  a.name = path.stem().string();
  std::string problem;
  const auto doc = read_json(path, problem);
  if (!doc) {
    a.problem = problem;
    return a;
  }
  const auto anchors = doc->find("anchors");
  if (!doc->is_object() || anchors == doc->end() || !anchors->is_object()) {
    a.problem = path.filename().string() + ": no \"anchors\" object (format not known)";
    return a;
  }
  a.rounds = static_cast<long long>(number(*doc, "rounds").value_or(0));
  for (const auto& [op, entry] : anchors->items()) {
    if (!entry.is_object()) continue;
    std::optional<double> median_s;
    if (const auto s = entry.find("seconds"); s != entry.end() && s->is_array()) {
      std::vector<double> values;
      for (const auto& v : *s) {
        if (v.is_number()) values.push_back(v.get<double>());
      }
      if (!values.empty()) median_s = compare::median(values);
    }
    const auto vs = entry.find("vs");
    if (vs == entry.end() || !vs->is_object() || vs->empty()) {
      a.rows.push_back({op, text(entry, "what"), "", median_s, std::nullopt});
      continue;
    }
    for (const auto& [ours, ratio] : vs->items()) {
      a.rows.push_back(
          {op, text(entry, "what"), ours, median_s,
           ratio.is_number() ? std::optional<double>(ratio.get<double>()) : std::nullopt});
    }
  }
  return a;
}

LoadScenario read_load(const fs::path& root, const fs::path& result_file) {
  LoadScenario s;
  s.dir = fs::relative(result_file.parent_path(), root);
  s.has_report = fs::exists(result_file.parent_path() / "report.html");
  std::string problem;
  const auto doc = read_json(result_file, problem);
  if (!doc) {
    s.problem = problem;
    return s;
  }
  try {
    s.result = load::parse_load_result(*doc);
  } catch (const base::Error& e) {
    s.problem = (s.dir / "result.json").string() + ": " + e.what();
  }
  return s;
}

}  // namespace

SuiteRun read_suite_run(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw base::InvalidArgument(dir.string() + ": not a directory");
  SuiteRun run;
  // Canonical, so "." or "reports/X/" still give the page its folder's name as a title.
  run.dir = fs::weakly_canonical(dir, ec);
  if (ec) run.dir = dir;
  run.ab = fs::is_directory(dir / "base", ec);
  std::vector<fs::path> results;
  std::map<std::string, Executable> executables;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it.depth() > 3) it.disable_recursion_pending();
    if (!it->is_regular_file(ec)) continue;
    const fs::path rel = fs::relative(it->path(), dir, ec);
    if (rel == "index.html") continue;
    run.files.push_back({rel, it->file_size(ec)});
    const std::string file = rel.filename().string();
    if (file == "result.json") results.push_back(it->path());
    if (it.depth() != 0) continue;
    const std::string stem = rel.stem().string(), ext = rel.extension().string();
    if (file.starts_with("bench_") && (ext == ".json" || ext == ".txt")) {
      executables[stem].name = stem;
    } else if (file.starts_with("anchor_") && ext == ".json") {
      run.anchors.push_back(read_anchor(it->path()));
    }
  }
  std::sort(run.files.begin(), run.files.end(),
            [](const RawFile& a, const RawFile& b) { return a.path < b.path; });
  for (auto& [name, exe] : executables) {
    const fs::path file = dir / (name + ".json");
    if (!fs::exists(file)) {
      std::string problem = name;
      problem.append(".json is missing: the executable failed before writing results (see ");
      problem.append(name).append(".txt)");
      exe.problem = std::move(problem);
    } else {
      try {
        const auto set = compare::group_results(bench_json::read_benchmark_file(file));
        exe.context = set.context;
        exe.rows = rows_of(set);
      } catch (const base::Error& e) {
        exe.problem = e.what();
      }
    }
    if (fs::exists(dir / ("compare_" + name + ".json"))) {
      read_comparison(dir / ("compare_" + name + ".json"), exe);
    }
    if (run.ab && fs::exists(dir / "base" / (name + ".json"))) {
      exe.base_file = fs::path("base") / (name + ".json");
      std::string problem;
      if (const auto base = read_json(dir / exe.base_file, problem); base && base->is_object()) {
        const auto context = base->find("context");
        if (context != base->end() && context->is_object()) {
          exe.base_revision = text(*context, "ab_revision");
          if (exe.base_revision.empty()) exe.base_revision = text(*context, "git_revision");
        }
      }
    }
    run.executables.push_back(std::move(exe));
  }
  read_verdicts(dir / "verdicts.tsv", run.executables);
  std::sort(results.begin(), results.end());
  for (const auto& r : results) run.load.push_back(read_load(dir, r));
  std::sort(run.anchors.begin(), run.anchors.end(),
            [](const Anchor& a, const Anchor& b) { return a.name < b.name; });
  if (run.executables.empty() && run.load.empty()) {
    throw base::InvalidArgument(dir.string() +
                                ": no bench_*.json, bench_*.txt or load result.json files");
  }
  return run;
}

}  // namespace neuro::suite
