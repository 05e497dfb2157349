// neuroperf report-suite DIR [--out FILE]: the suite page of a run folder (run-suite's
// reports/<UTC>/ or scripts/ab's), rendered from its files alone: DIR/index.html by default.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "engine/base/errors.hpp"
#include "tools/cli/commands.hpp"
#include "tools/suite/suite_html.hpp"
#include "tools/suite/suite_run.hpp"

namespace neuro::cli {

namespace {

struct Parsed {
  std::string dir, out;
};

int run_report_suite(const Parsed& p) {
  if (p.dir.empty()) {
    throw base::InvalidArgument("missing DIR (usage: neuroperf report-suite DIR)");
  }
  const std::filesystem::path dir = p.dir;
  const auto started = std::chrono::steady_clock::now();
  const auto run = suite::read_suite_run(dir);
  std::ostringstream page;
  suite::write_suite_page(run, page);
  const std::filesystem::path out =
      p.out.empty() ? dir / "index.html" : std::filesystem::path(p.out);
  std::ofstream file(out, std::ios::binary);
  file << page.str();
  if (!file.flush()) throw base::InvalidArgument(out.string() + ": cannot write");
  const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
  std::cerr << "neuroperf report-suite: " << out.string() << " (" << page.str().size() << " bytes, "
            << elapsed_ms << " ms)\n";
  return 0;
}

}  // namespace

Command add_report_suite(CLI::App& neuroperf) {
  auto p = std::make_shared<Parsed>();
  CLI::App* app =
      neuroperf.add_subcommand("report-suite", "the suite page of a run folder: DIR/index.html");
  app->footer(
      "Renders the suite page of a run folder (bench_*.json, compare_*.json, verdicts.tsv,\n"
      "anchor_*.json, load scenarios' result.json below it): one self-contained offline file,\n"
      "charts as inline SVG, no script.");
  app->add_option("DIR", p->dir, "a suite run's folder (run-suite's or scripts/ab's)")
      ->type_name("");
  app->add_option("--out", p->out, "write the page to FILE instead of DIR/index.html")
      ->type_name("FILE");
  return {app, [p] { return run_report_suite(*p); }};
}

}  // namespace neuro::cli
