// neuroperf: one binary, one subcommand per task. Errors are one line on stderr; exit codes are
// the shared ones (0 ok, 1 threshold/regression, 2 bad usage or input, 3 unreachable, 77 skip).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/usage_errors.hpp"

namespace {

using neuro::base::ExitCode;
using neuro::base::to_int;

// Parses the command line and runs the command given; `command` names it for error messages.
int run_neuroperf(int argc, char** argv, std::string& command) {
  CLI::App app(
      "neuroperf: the performance suite's benchmarks, regression gate, load runner and "
      "engine server",
      "neuroperf");
  app.require_subcommand(0, 1);  // one command; a later word is that command's argument
  // A repeated option means its last value, as `--out a --out b` always did (set before the
  // subcommands are added: they copy these defaults).
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  const std::vector<neuro::cli::Command> commands = {
      neuro::cli::add_compare(app),     neuro::cli::add_summary(app),
      neuro::cli::add_synth(app),       neuro::cli::add_synth_video(app),
      neuro::cli::add_load(app),        neuro::cli::add_merge(app),
      neuro::cli::add_report(app),      neuro::cli::add_serve(app),
      neuro::cli::add_machine_key(app), neuro::cli::add_report_suite(app),
      neuro::cli::add_history(app)};
  neuro::cli::use_neuroperf_help_style(app);
  if (argc < 2) {
    std::cerr << app.help();
    return to_int(ExitCode::kBadInput);
  }
  if (argc == 2 && std::string(argv[1]) == "help") {  // `neuroperf help`, as --help
    std::cout << app.help();
    return to_int(ExitCode::kOk);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return neuro::cli::report_usage_error(app, e);
  }
  for (const auto& c : commands) {
    if (!c.app->parsed()) continue;
    command = c.app->get_name();
    return c.run();
  }
  std::cerr << app.help();
  return to_int(ExitCode::kBadInput);
}

}  // namespace

int main(int argc, char** argv) {
  std::string command;
  try {
    if (argc > 1) command = argv[1];  // until the parse says which command it is
    return run_neuroperf(argc, argv, command);
  } catch (const neuro::base::Error& e) {
    std::fprintf(stderr, "neuroperf %s: %s\n", command.c_str(), e.what());
    return to_int(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neuroperf %s: %s\n", command.c_str(), e.what());
    return to_int(ExitCode::kBadInput);
  } catch (...) {
    std::fprintf(stderr, "neuroperf %s: unknown error\n", command.c_str());
    return to_int(ExitCode::kBadInput);
  }
}
