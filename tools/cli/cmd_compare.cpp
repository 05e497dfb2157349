// neuroperf compare BASELINE CURRENT: the regression gate. Parses the arguments, runs the
// comparison (tools/compare), writes the report and maps the verdict to the shared exit codes.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "engine/common/errors.hpp"
#include "tools/cli/commands.hpp"
#include "tools/compare/benchmark_results.hpp"
#include "tools/compare/compare_inputs.hpp"
#include "tools/compare/render.hpp"
#include "tools/report/benchmark_json.hpp"

namespace neuro::cli {
namespace {

namespace fs = std::filesystem;
using common::ExitCode;
using common::InvalidArgument;
using common::to_int;

constexpr const char* kCompareUsage =
    "usage: neuroperf compare BASELINE CURRENT [options]\n"
    "  BASELINE CURRENT           two Google Benchmark JSON files, or a baselines directory and\n"
    "                             a run directory (CURRENT/bench_*.json vs BASELINE/bench_*.json)\n"
    "  --config FILE              thresholds (default: thresholds.yaml beside BASELINE, else 10 "
    "%)\n"
    "  --format FORMAT            text (default), markdown, json, junit, github\n"
    "  --out FILE                 write the report to FILE instead of stdout\n"
    "  --mode MODE                auto (default), time, instructions\n"
    "  --filter REGEX             compare only benchmarks whose name matches\n"
    "  --allow-foreign-baseline   compare against another machine's baseline (else exit 77)\n"
    "  --no-calibration           judge raw times even when calibration/machine_speed says the\n"
    "                             machine ran at another speed (default: divide it out)\n"
    "  --update-baseline          check CURRENT and copy it over BASELINE instead of comparing\n"
    "exit: 0 ok or warnings; 1 regressed, missing or errored; 2 usage or input error;\n"
    "      77 the baseline comes from another machine (CTest skip)\n";

struct Parsed {
  compare::CompareOptions options;
  compare::Format format = compare::Format::kText;
  fs::path out;
  bool update = false;
  bool help = false;
};

Parsed parse(const Args& args) {
  Parsed p;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw InvalidArgument(a + ": missing value (try --help)");
      return args[++i];
    };
    if (a == "-h" || a == "--help") {
      p.help = true;
    } else if (a == "--config") {
      p.options.config = value();
    } else if (a == "--format") {
      p.format = compare::parse_format(value());
    } else if (a == "--out") {
      p.out = value();
    } else if (a == "--mode") {
      const std::string& m = value();
      if (m == "auto") {
        p.options.mode = compare::Mode::kAuto;
      } else if (m == "time") {
        p.options.mode = compare::Mode::kTime;
      } else if (m == "instructions") {
        p.options.mode = compare::Mode::kInstructions;
      } else {
        throw InvalidArgument("--mode: expected auto, time or instructions, got '" + m + "'");
      }
    } else if (a == "--filter") {
      p.options.filter = value();
    } else if (a == "--allow-foreign-baseline") {
      p.options.allow_foreign_baseline = true;
    } else if (a == "--no-calibration") {
      p.options.calibrate = false;
    } else if (a == "--update-baseline") {
      p.update = true;
    } else if (a.starts_with("-") && a.size() > 1) {
      throw InvalidArgument("unknown option '" + a + "' (try --help)");
    } else {
      positional.push_back(a);
    }
  }
  if (p.help) return p;
  if (positional.size() != 2) {
    throw InvalidArgument(
        "expected BASELINE and CURRENT (usage: neuroperf compare BASELINE "
        "CURRENT [options], try --help)");
  }
  p.options.baseline = positional[0];
  p.options.current = positional[1];
  return p;
}

// Refuses to write a baseline that would not parse: a broken baseline breaks every later run.
int update_baselines(const compare::CompareOptions& options) {
  std::size_t written = 0;
  for (const auto& pair : compare::pair_inputs(options.baseline, options.current)) {
    if (!fs::exists(pair.current)) continue;  // a baseline the run did not produce stays
    compare::group_results(report::read_benchmark_file(pair.current));
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

}  // namespace

int run_compare(const Args& args) {
  const Parsed p = parse(args);
  if (p.help) {
    std::cout << kCompareUsage;
    return to_int(ExitCode::kOk);
  }
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
    if (!file.flush()) throw InvalidArgument(p.out.string() + ": cannot write");
  }
  if (!p.out.empty() || p.format != compare::Format::kText) {
    for (const auto& w : outcome.comparison.warnings) std::cerr << "warning: " << w << "\n";
    std::cerr << "neuroperf compare: " << compare::summary_line(outcome.comparison) << "\n";
  }
  return to_int(outcome.comparison.failed() ? ExitCode::kThresholdFailed : ExitCode::kOk);
}

}  // namespace neuro::cli
