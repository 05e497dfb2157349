// neuroperf compare BASELINE CURRENT: the regression gate. Parses the arguments, runs the
// comparison (tools/compare), writes the report and maps the verdict to the shared exit codes.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "engine/base/errors.hpp"
#include "tools/bench_json/benchmark_json.hpp"
#include "tools/cli/commands.hpp"
#include "tools/compare/benchmark_results.hpp"
#include "tools/compare/compare_inputs.hpp"
#include "tools/compare/render.hpp"

namespace neuro::cli {
namespace {

namespace fs = std::filesystem;
using base::ExitCode;
using base::InvalidArgument;
using base::to_int;

constexpr const char* kCompareFooter =
    "exit: 0 ok or warnings; 1 regressed, missing or errored; 2 usage or input error;\n"
    "      77 the baseline comes from another machine (CTest skip)";

struct Parsed {
  compare::CompareOptions options;
  compare::Format format = compare::Format::kText;
  std::string baseline, current, out;
  bool update = false;
};

compare::Mode parse_mode(const std::string& m) {
  if (m == "auto") return compare::Mode::kAuto;
  if (m == "time") return compare::Mode::kTime;
  if (m == "instructions") return compare::Mode::kInstructions;
  throw InvalidArgument("--mode: expected auto, time or instructions, got '" + m + "'");
}

// Refuses to write a baseline that would not parse: a broken baseline breaks every later run.
int update_baselines(const compare::CompareOptions& options) {
  std::size_t written = 0;
  for (const auto& pair : compare::pair_inputs(options.baseline, options.current)) {
    if (!fs::exists(pair.current)) continue;  // a baseline the run did not produce stays
    compare::group_results(bench_json::read_benchmark_file(pair.current));
    if (pair.baseline.has_parent_path()) fs::create_directories(pair.baseline.parent_path());
    std::error_code ec;
    fs::copy_file(pair.current, pair.baseline, fs::copy_options::overwrite_existing, ec);
    if (ec) throw InvalidArgument(pair.baseline.string() + ": cannot write (" + ec.message() + ")");
    std::cerr << "neuroperf compare: " << pair.current.string() << " -> " << pair.baseline.string()
              << "\n";
    ++written;
  }
  std::cerr << "neuroperf compare: updated " << written << " baseline file(s)\n";
  return to_int(ExitCode::kOk);
}

int run_compare(Parsed& p) {
  if (p.baseline.empty() || p.current.empty()) {
    throw InvalidArgument(
        "expected BASELINE and CURRENT (usage: neuroperf compare BASELINE "
        "CURRENT [options], try --help)");
  }
  p.options.baseline = p.baseline;
  p.options.current = p.current;
  if (p.update) return update_baselines(p.options);
  const auto outcome = compare::run_comparison(p.options);
  if (!outcome.foreign.empty()) {
    for (const auto& line : outcome.foreign) std::cerr << "neuroperf compare: " << line << "\n";
    std::cerr << "neuroperf compare: skipped (exit 77): record a baseline on this machine with "
                 "--update-baseline, or pass --allow-foreign-baseline\n";
    return to_int(ExitCode::kSkip);
  }
  const std::string report = compare::render(outcome.comparison, p.format);
  if (p.out.empty()) {
    std::cout << report << std::flush;
  } else {
    std::ofstream file(p.out, std::ios::binary);
    file << report;
    if (!file.flush()) throw InvalidArgument(p.out + ": cannot write");
  }
  if (!p.out.empty() || p.format != compare::Format::kText) {
    for (const auto& w : outcome.comparison.warnings) std::cerr << "warning: " << w << "\n";
    std::cerr << "neuroperf compare: " << compare::summary_line(outcome.comparison) << "\n";
  }
  return to_int(outcome.comparison.failed() ? ExitCode::kThresholdFailed : ExitCode::kOk);
}

}  // namespace

Command add_compare(CLI::App& neuroperf) {
  auto p = std::make_shared<Parsed>();
  CLI::App* app = neuroperf.add_subcommand(
      "compare", "compare benchmark JSON with baselines: the regression gate");
  app->footer(kCompareFooter);
  app->add_option("BASELINE", p->baseline, "benchmark JSON, or a baselines folder of bench_*.json")
      ->type_name("");
  app->add_option("CURRENT", p->current, "benchmark JSON, or a run folder of bench_*.json")
      ->type_name("");
  app->add_option("--config", p->options.config,
                  "thresholds (default: thresholds.yaml beside BASELINE, else 10 %)")
      ->type_name("FILE");
  app->add_option_function<std::string>(
         "--format", [p](const std::string& v) { p->format = compare::parse_format(v); },
         "text (default), markdown, json, junit, github")
      ->type_name("FORMAT");
  app->add_option("--out", p->out, "write the report to FILE instead of stdout")->type_name("FILE");
  app->add_option_function<std::string>(
         "--mode", [p](const std::string& v) { p->options.mode = parse_mode(v); },
         "auto (default), time, instructions")
      ->type_name("MODE");
  app->add_option("--filter", p->options.filter, "compare only benchmarks whose name matches")
      ->type_name("REGEX");
  app->add_flag("--allow-foreign-baseline", p->options.allow_foreign_baseline,
                "compare against another machine's baseline (else exit 77)");
  app->add_flag_callback(
      "--no-calibration", [p] { p->options.calibrate = false; },
      "judge raw times (default: divide out calibration/machine_speed)");
  app->add_flag("--update-baseline", p->update,
                "check CURRENT and copy it over BASELINE instead of comparing");
  return {app, [p] { return run_compare(*p); }};
}

}  // namespace neuro::cli
