// neuroperf history DIR... [--window N] [--threshold X] [--alpha A] [--out FILE]: per benchmark
// the median over many suite runs with its spread, and the step changes between runs, named by
// the revisions on either side (tools/suite/history.hpp).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"
#include "tools/cli/commands.hpp"
#include "tools/suite/history.hpp"

namespace neuro::cli {

namespace {

// "5%" or "0.05" -> 0.05; anything outside (0, 1) is a usage error naming the option.
double fraction(const std::string& option, const std::string& text) {
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used < text.size() && text.substr(used) == "%") {
      v /= 100.0;
      used = text.size();
    }
    if (used == text.size() && v > 0 && v < 1) return v;
  } catch (const std::exception&) {
  }
  throw base::InvalidArgument(option + ": expected a fraction such as 5% or 0.05, got '" + text +
                              "'");
}

std::size_t window_size(const std::string& text) {
  if (text.empty() || text.size() > 4 ||
      text.find_first_not_of("0123456789") != std::string::npos || std::stoi(text) < 1) {
    throw base::InvalidArgument("--window: expected a whole number from 1 to 9999, got '" + text +
                                "'");
  }
  return static_cast<std::size_t>(std::stoi(text));
}

struct Parsed {
  std::vector<std::string> dirs;
  suite::HistoryOptions options;
  std::string out;
};

int run_history(const Parsed& p) {
  if (p.dirs.empty()) {
    throw base::InvalidArgument("expected DIR... (usage: neuroperf history DIR...)");
  }
  const std::vector<std::filesystem::path> dirs(p.dirs.begin(), p.dirs.end());
  const std::string markdown = suite::render_history_markdown(suite::read_history(dirs, p.options));
  if (p.out.empty()) {
    std::cout << markdown;
    return 0;
  }
  std::ofstream file(p.out);
  file << markdown;
  if (!file.flush()) throw base::InvalidArgument(p.out + ": cannot write");
  return 0;
}

}  // namespace

Command add_history(CLI::App& neuroperf) {
  auto p = std::make_shared<Parsed>();
  CLI::App* app =
      neuroperf.add_subcommand("history", "medians over many runs and their step changes");
  app->footer(
      "Runs are ordered by their date. A step is a median change of at least --threshold between\n"
      "the --window runs on either side of a split that a two-sided Mann-Whitney U test finds\n"
      "significant at --alpha; it is named by the revisions on either side.");
  app->add_option("DIR", p->dirs,
                  "a run folder (bench_*.json) or a folder of them (reports/, or nightly "
                  "artifacts unpacked side by side)")
      ->type_name("");
  app->add_option_function<std::string>(
         "--window", [p](const std::string& v) { p->options.window = window_size(v); },
         "runs on each side of a split for the step test (default 3)")
      ->type_name("N");
  app->add_option_function<std::string>(
         "--threshold",
         [p](const std::string& v) { p->options.threshold = fraction("--threshold", v); },
         "median change that counts as a step (default 5%)")
      ->type_name("X");
  app->add_option_function<std::string>(
         "--alpha", [p](const std::string& v) { p->options.alpha = fraction("--alpha", v); },
         "two-sided Mann-Whitney U significance (default 0.01)")
      ->type_name("A");
  app->add_option("--out", p->out, "write the markdown there (default stdout)")->type_name("FILE");
  return {app, [p] { return run_history(*p); }};
}

}  // namespace neuro::cli
