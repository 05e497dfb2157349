// neuroperf load / merge / report: the load runner's subcommands. Results go to files
// (result.json, report.html, summary.md); progress and verdicts to stderr.
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/errors.hpp"
#include "load/report/html_report.hpp"
#include "load/report/markdown_summary.hpp"
#include "load/report/series_windows.hpp"
#include "load/results/result_document.hpp"
#include "load/results/result_writer.hpp"
#include "load/run/runner.hpp"
#include "load/scenario/quick_scale.hpp"
#include "load/scenario/scenario.hpp"
#include "tools/cli/commands.hpp"

namespace neuro::cli {
namespace {

using base::ExitCode;
using base::InvalidArgument;
using nlohmann::json;

constexpr const char* kLoadFooter =
    "Runs the scenario and writes DIR/result.json, DIR/report.html and DIR/summary.md\n"
    "(DIR defaults to reports/load-<UTC time>). https:// targets and --http2 (or http: \"2\")\n"
    "run on libcurl, slower per core than the plain HTTP/1.1 engine; --insecure skips\n"
    "certificate verification (tls_verify: false). Exit 0 pass, 1 a threshold failed,\n"
    "2 bad scenario or usage, 3 the target could not be reached.";

int integer(const std::string& flag, const std::string& text, int min) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min) {
    throw InvalidArgument(flag + ": expected an integer >= " + std::to_string(min) + ", got '" +
                          text + "'");
  }
  return v;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out.flush()) throw InvalidArgument(path.string() + ": cannot write");
}

// A result document, its series streamed point by point (load/result_writer.hpp).
template <typename Document>
void write_result_file(const std::filesystem::path& path, Document&& document) {
  std::ofstream out(path, std::ios::binary);
  load::write_result(out, std::forward<Document>(document));
  if (!out.flush()) throw InvalidArgument(path.string() + ": cannot write");
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InvalidArgument(path + ": cannot open");
  std::stringstream text;
  text << in.rdbuf();
  auto doc = json::parse(text.str(), nullptr, false);
  if (doc.is_discarded()) throw InvalidArgument(path + ": not valid JSON");
  return doc;
}

// Writes the HTML report and/or the markdown summary ("-": stdout).
void render(const json& doc, const std::string& html, const std::string& markdown) {
  if (!html.empty()) {
    std::ostringstream out;
    load_report::write_html_report(doc, out);
    write_file(html, out.str());
  }
  if (!markdown.empty()) {
    std::ostringstream out;
    load_report::write_markdown_summary(doc, out);
    if (markdown == "-") {
      std::cout << out.str();
    } else {
      write_file(markdown, out.str());
    }
  }
}

// The report's view of a finished run without making its whole series JSON: the store is
// coarsened to what a chart draws (result.json has the full series already), and each point is
// handed over as the typed point it is (the runner's histograms are the report's type).
load::LoadResult report_view(load::LoadRun& run) {
  run.series.coarsen_to(load_report::kMaxChartPoints);
  load::LoadResult view = run.result;
  view.series.reserve(run.series.points().size());
  load::for_each_series_point(run, [&](const load::SeriesPoint& p) { view.series.push_back(p); });
  return view;
}

std::string verdict_line(const load::LoadResult& r) {
  std::ostringstream s;
  s << r.total_requests << " requests, " << r.total_errors << " errors, "
    << static_cast<std::int64_t>(r.total_rps) << " req/s";
  if (r.stress) {
    // As JSON writes the number (300.0), the way this line has always shown it.
    s << ", knee " << (r.stress->knee_rate ? json(*r.stress->knee_rate).dump() : "none")
      << " req/s";
  }
  s << " -> " << (!r.passed ? "FAIL" : r.judged() ? "PASS" : "not judged (no thresholds)");
  return s.str();
}

void print_failures(const load::LoadResult& r) {
  for (const auto& t : r.thresholds) {
    if (t.passed) continue;
    std::cerr << "neuroperf load: threshold '" << t.expression << "' failed: observed "
              << (t.observed ? json(*t.observed).dump() : std::string("nothing")) << " " << t.unit
              << "\n";
  }
  if (r.client) {
    for (const auto& w : r.client->warnings) std::cerr << "neuroperf load: warning: " << w << "\n";
  }
  if (!r.judged() && r.total_errors > 0) {
    std::cerr << "neuroperf load: warning: " << r.total_errors << " of " << r.total_requests
              << " requests failed, and no threshold judges them (add e.g. error_rate < 1%)\n";
  }
}

std::string default_out_dir() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[64];
  std::strftime(text, sizeof text, "reports/load-%Y%m%dT%H%M%SZ", &tm);
  return text;
}

struct LoadArgs {
  std::string scenario_path, target, out_dir;
  bool http2 = false, insecure = false, quick = false;
  load::RunOptions options;
};

int run_load(LoadArgs& a) {
  const std::string& scenario_path = a.scenario_path;
  std::string& out_dir = a.out_dir;
  load::RunOptions& options = a.options;
  if (scenario_path.empty()) throw InvalidArgument("expected SCENARIO.yaml (see --help)");
  // Thousands of connections need thousands of descriptors: take the hard limit.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  auto scenario = load::load_scenario(scenario_path, a.target);
  if (a.http2) scenario.http2 = true;
  if (a.insecure) scenario.tls_verify = false;
  if (a.quick) {
    const double factor = load::apply_quick(scenario);
    if (!options.quiet) {
      std::cerr << "neuroperf load: --quick: timeline x" << factor << "\n";
    }
  }
  if (out_dir.empty()) out_dir = default_out_dir();
  std::filesystem::create_directories(out_dir);
  load::LoadRun run = load::execute_load(scenario, options);
  const std::filesystem::path dir(out_dir);
  write_result_file(dir / "result.json", std::as_const(run));
  {
    const auto view = report_view(run);
    std::ostringstream html, md;
    load_report::write_html_report(view, html);
    write_file(dir / "report.html", html.str());
    load_report::write_markdown_summary(view, md);
    write_file(dir / "summary.md", md.str());
  }
  print_failures(run.result);
  std::cerr << "neuroperf load: " << verdict_line(run.result) << " (results in " << out_dir
            << ")\n";
  return run.result.passed ? 0 : base::to_int(ExitCode::kThresholdFailed);
}

int run_merge(const std::vector<std::string>& inputs, const std::string& out) {
  if (inputs.empty()) throw InvalidArgument("expected the shards' result JSON files");
  if (out.empty()) throw InvalidArgument("--out MERGED.json is required");
  std::vector<load::LoadResult> shards;
  shards.reserve(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    shards.push_back(std::move(load::read_shards({read_json(inputs[i])}, {inputs[i]}).front()));
  }
  const load::LoadResult merged = load::merge_results(shards, inputs);
  shards.clear();
  const std::string verdict = verdict_line(merged);
  write_result_file(out, merged);
  std::cerr << "neuroperf merge: " << inputs.size() << " shards: " << verdict << "\n";
  return merged.passed ? 0 : base::to_int(ExitCode::kThresholdFailed);
}

int run_report(const std::string& input, const std::string& html, std::string markdown) {
  if (input.empty()) throw InvalidArgument("expected RESULT.json");
  const json doc = read_json(input);
  load::validate_document(doc, input);
  if (html.empty() && markdown.empty()) markdown = "-";
  render(doc, html, markdown);
  return 0;
}

}  // namespace

Command add_load(CLI::App& neuroperf) {
  auto a = std::make_shared<LoadArgs>();
  CLI::App* app = neuroperf.add_subcommand(
      "load", "run a load scenario: DIR/result.json, report.html, summary.md");
  app->footer(kLoadFooter);
  app->add_option("SCENARIO.yaml", a->scenario_path, "the scenario (load/scenarios/)")
      ->type_name("");
  app->add_option("--target", a->target, "the base URL (default: the scenario's target)")
      ->type_name("URL");
  app->add_option("--out", a->out_dir, "the results folder (default reports/load-<UTC time>)")
      ->type_name("DIR");
  app->add_option_function<std::string>(
         "--threads",
         [a](const std::string& v) { a->options.threads = integer("--threads", v, 1); },
         "client threads (default: one per core)")
      ->type_name("N");
  app->add_option_function<std::string>(
         "--target-pid",
         [a](const std::string& v) {
           a->options.target_pid = integer("--target-pid", v, 1);
           if (::kill(a->options.target_pid, 0) != 0 && errno == ESRCH) {
             throw InvalidArgument("--target-pid: no process " + v);
           }
         },
         "sample its CPU and memory (target_cpu, target_rss thresholds)")
      ->type_name("PID");
  app->add_option_function<std::string>(
         "--shard",
         [a](const std::string& v) {
           load::parse_shard(v, &a->options.shard_index, &a->options.shard_count);
         },
         "run shard i of N (from 0); join the results with neuroperf merge")
      ->type_name("i/N");
  app->add_flag("--http2", a->http2, "HTTP/2 over libcurl (http: \"2\" in the scenario)");
  app->add_flag("--insecure", a->insecure, "skip TLS certificate verification (tls_verify: false)");
  app->add_flag("--quiet", a->options.quiet, "no live progress on stderr");
  app->add_flag("--quick", a->quick,
                "the same shape scaled to about 10 s (or the file's quick: duration, users)");
  return {app, [a] { return run_load(*a); }};
}

Command add_merge(CLI::App& neuroperf) {
  struct MergeArgs {
    std::vector<std::string> inputs;
    std::string out;
  };
  auto a = std::make_shared<MergeArgs>();
  CLI::App* app = neuroperf.add_subcommand("merge", "merge the shards' result documents exactly");
  app->add_option("RESULT.json", a->inputs, "the shards' result.json files")->type_name("");
  app->add_option("--out", a->out, "the merged result document to write (required)")
      ->type_name("MERGED.json");
  return {app, [a] { return run_merge(a->inputs, a->out); }};
}

Command add_report(CLI::App& neuroperf) {
  struct ReportArgs {
    std::string input, html, markdown;
  };
  auto a = std::make_shared<ReportArgs>();
  CLI::App* app =
      neuroperf.add_subcommand("report", "render a load result (markdown on stdout by default)");
  app->add_option("RESULT.json", a->input, "a result document (load or merge)")->type_name("");
  app->add_option("--html", a->html, "write the HTML report (offline, charts)")->type_name("FILE");
  app->add_option("--markdown", a->markdown, "write the markdown summary (-: stdout)")
      ->type_name("FILE");
  return {app, [a] { return run_report(a->input, a->html, a->markdown); }};
}

}  // namespace neuro::cli
