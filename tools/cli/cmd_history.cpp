// neuroperf history DIR... [--window N] [--threshold X] [--alpha A] [--out FILE]: per benchmark
// the median over many suite runs with its spread, and the step changes between runs, named by
// the revisions on either side (tools/suite/history.hpp).
#include <fstream>
#include <iostream>

#include "engine/common/errors.hpp"
#include "tools/cli/commands.hpp"
#include "tools/suite/history.hpp"

namespace neuro::cli {
namespace {

// "5%" or "0.05" -> 0.05.
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
  throw common::InvalidArgument(option + ": expected a fraction such as 5% or 0.05, got '" + text +
                                "'");
}

}  // namespace

int run_history(const Args& args) {
  constexpr const char* kUsage =
      "usage: neuroperf history DIR... [--window N] [--threshold X] [--alpha A] [--out FILE]\n"
      "  DIR          a run folder (bench_*.json) or a folder of them (reports/, or nightly\n"
      "               artifacts unpacked side by side); runs are ordered by their date\n"
      "  --window N   runs on each side of a split for the step test (default 3)\n"
      "  --threshold X  median change that counts as a step (default 5%)\n"
      "  --alpha A    two-sided Mann-Whitney U significance (default 0.01)\n"
      "  --out FILE   write the markdown there (default stdout)\n";
  std::vector<std::filesystem::path> dirs;
  suite::HistoryOptions options;
  std::string out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw common::InvalidArgument(a + ": missing value (try --help)");
      return args[++i];
    };
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--window") {
      const std::string& v = value();
      if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 4 ||
          std::stoi(v) < 1) {
        throw common::InvalidArgument("--window: expected a positive integer, got '" + v + "'");
      }
      options.window = static_cast<std::size_t>(std::stoi(v));
    } else if (a == "--threshold") {
      options.threshold = fraction(a, value());
    } else if (a == "--alpha") {
      options.alpha = fraction(a, value());
    } else if (a == "--out") {
      out = value();
    } else if (a.starts_with("-")) {
      throw common::InvalidArgument("unknown option '" + a + "' (try --help)");
    } else {
      dirs.emplace_back(a);
    }
  }
  if (dirs.empty())
    throw common::InvalidArgument("expected DIR... (usage: neuroperf history DIR...)");
  const std::string markdown = suite::render_history_markdown(suite::read_history(dirs, options));
  if (out.empty()) {
    std::cout << markdown;
    return 0;
  }
  std::ofstream file(out);
  file << markdown;
  if (!file.flush()) throw common::InvalidArgument(out + ": cannot write");
  return 0;
}

}  // namespace neuro::cli
