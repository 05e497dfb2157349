// Test tool: renders a result document to HTML and markdown files, for the headless-browser test
// (users run `neuroperf report`). Usage: load_report_render RESULT.json OUT.html OUT.md
#include <exception>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "engine/base/errors.hpp"
#include "load/report/html_report.hpp"
#include "load/report/markdown_summary.hpp"

int main(int argc, char** argv) {
  using neuro::base::ExitCode;
  using neuro::base::to_int;
  if (argc != 4) {
    std::cerr << "usage: load_report_render RESULT.json OUT.html OUT.md\n";
    return to_int(ExitCode::kBadInput);
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << argv[1] << ": cannot open\n";
    return to_int(ExitCode::kBadInput);
  }
  try {
    const auto doc = nlohmann::json::parse(in);
    std::ofstream html(argv[2]), md(argv[3]);
    neuro::load_report::write_html_report(doc, html);
    neuro::load_report::write_markdown_summary(doc, md);
    if (!html || !md) {
      std::cerr << argv[2] << ": cannot write\n";
      return to_int(ExitCode::kBadInput);
    }
  } catch (const nlohmann::json::parse_error& e) {
    std::cerr << argv[1] << ": " << e.what() << "\n";
    return to_int(ExitCode::kBadInput);
  } catch (const neuro::base::Error& e) {
    std::cerr << argv[1] << ": " << e.what() << "\n";
    return to_int(e.code());
  } catch (const std::exception& e) {
    // The reader turns a malformed document into base::Error; anything else (out of memory,
    // a stream failure) is still said, not left to std::terminate.
    std::cerr << argv[1] << ": " << e.what() << "\n";
    return to_int(ExitCode::kBadInput);
  }
  return 0;
}
