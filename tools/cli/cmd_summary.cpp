// neuroperf summary DIR [--out FILE]: the markdown summary of a suite run's bench_*.json files.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "engine/common/errors.hpp"
#include "tools/cli/commands.hpp"
#include "tools/report/summary_markdown.hpp"

namespace neuro::cli {

namespace {

int run_summary(const std::filesystem::path& dir, const std::filesystem::path& out) {
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
  files.reserve(paths.size());
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

struct Parsed {
  std::string dir, out;
};

}  // namespace

Command add_summary(CLI::App& neuroperf) {
  auto p = std::make_shared<Parsed>();
  CLI::App* app = neuroperf.add_subcommand(
      "summary", "render summary.md from DIR/bench_*.json (stdout without --out)");
  app->add_option("DIR", p->dir, "a suite run's folder")->type_name("");
  app->add_option("--out", p->out, "write the summary to FILE")->type_name("FILE");
  return {app, [p] { return run_summary(p->dir, p->out); }};
}

}  // namespace neuro::cli
