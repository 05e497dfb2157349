// neuroperf summary DIR [--out FILE]: the markdown summary of a suite run's bench_*.json files.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "engine/base/errors.hpp"
#include "tools/bench_json/summary_markdown.hpp"
#include "tools/cli/commands.hpp"

namespace neuro::cli {

namespace {

int run_summary(const std::filesystem::path& dir, const std::filesystem::path& out) {
  if (dir.empty()) throw base::InvalidArgument("missing DIR (usage: neuroperf summary DIR)");
  if (!std::filesystem::is_directory(dir)) {
    throw base::InvalidArgument(dir.string() + ": not a directory");
  }
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with("bench_") && entry.path().extension() == ".json") {
      paths.push_back(entry.path());
    }
  }
  if (paths.empty()) throw base::InvalidArgument(dir.string() + ": no bench_*.json files");
  std::sort(paths.begin(), paths.end());
  std::vector<bench_json::BenchmarkFile> files;
  files.reserve(paths.size());
  for (const auto& p : paths) files.push_back(bench_json::read_benchmark_file(p));
  const std::string markdown =
      "# neuroperf benchmark summary\n\n" + bench_json::render_summary_markdown(files);
  if (out.empty()) {
    std::cout << markdown;
    return 0;
  }
  std::ofstream file(out);
  file << markdown;
  if (!file.flush()) throw base::InvalidArgument(out.string() + ": cannot write");
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
