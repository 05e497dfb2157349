// neuroperf summary DIR [--out FILE]: the markdown summary of a suite run's bench_*.json files.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "engine/common/errors.hpp"
#include "tools/cli/commands.hpp"
#include "tools/report/summary_markdown.hpp"

namespace neuro::cli {

int run_summary(const Args& args) {
  std::filesystem::path dir, out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      std::cout << "usage: neuroperf summary DIR [--out FILE]\n"
                   "Renders summary.md from DIR/bench_*.json (stdout without --out).\n";
      return 0;
    }
    if (args[i] == "--out" && i + 1 < args.size()) {
      out = args[++i];
    } else if (!args[i].starts_with("-") && dir.empty()) {
      dir = args[i];
    } else {
      throw common::InvalidArgument("unexpected argument '" + args[i] +
                                    "' (usage: neuroperf summary DIR [--out FILE])");
    }
  }
  if (dir.empty()) throw common::InvalidArgument("missing DIR (usage: neuroperf summary DIR)");
  if (!std::filesystem::is_directory(dir)) {
    throw common::InvalidArgument(dir.string() + ": not a directory");
  }
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with("bench_") && entry.path().extension() == ".json") {
      paths.push_back(entry.path());
    }
  }
  if (paths.empty()) throw common::InvalidArgument(dir.string() + ": no bench_*.json files");
  std::sort(paths.begin(), paths.end());
  std::vector<report::BenchmarkFile> files;
  for (const auto& p : paths) files.push_back(report::read_benchmark_file(p));
  const std::string markdown =
      "# neuroperf benchmark summary\n\n" + report::render_summary_markdown(files);
  if (out.empty()) {
    std::cout << markdown;
    return 0;
  }
  std::ofstream file(out);
  file << markdown;
  if (!file.flush()) throw common::InvalidArgument(out.string() + ": cannot write");
  return 0;
}

}  // namespace neuro::cli
