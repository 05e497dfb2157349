// neuroperf report-suite DIR [--out FILE]: the suite page of a run folder (run-suite's
// reports/<UTC>/ or scripts/ab's), rendered from its files alone: DIR/index.html by default.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/common/errors.hpp"
#include "tools/cli/commands.hpp"
#include "tools/suite/suite_html.hpp"
#include "tools/suite/suite_run.hpp"

namespace neuro::cli {

int run_report_suite(const Args& args) {
  constexpr const char* kUsage =
      "usage: neuroperf report-suite DIR [--out FILE]\n"
      "Renders the suite page of a run folder (bench_*.json, compare_*.json, verdicts.tsv,\n"
      "anchor_*.json, load scenarios' result.json below it) into DIR/index.html (--out: FILE):\n"
      "one self-contained offline file, charts as inline SVG, no script.\n";
  std::filesystem::path dir, out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (args[i] == "--out") {
      if (i + 1 >= args.size()) throw common::InvalidArgument("--out: missing FILE");
      out = args[++i];
    } else if (!args[i].starts_with("-") && dir.empty()) {
      dir = args[i];
    } else {
      throw common::InvalidArgument("unexpected argument '" + args[i] +
                                    "' (usage: neuroperf report-suite DIR [--out FILE])");
    }
  }
  if (dir.empty()) throw common::InvalidArgument("missing DIR (usage: neuroperf report-suite DIR)");
  const auto started = std::chrono::steady_clock::now();
  const auto run = suite::read_suite_run(dir);
  std::ostringstream page;
  suite::write_suite_page(run, page);
  if (out.empty()) out = dir / "index.html";
  std::ofstream file(out, std::ios::binary);
  file << page.str();
  if (!file.flush()) throw common::InvalidArgument(out.string() + ": cannot write");
  const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
  std::cerr << "neuroperf report-suite: " << out.string() << " (" << page.str().size() << " bytes, "
            << elapsed_ms << " ms)\n";
  return 0;
}

}  // namespace neuro::cli
