#include "tools/cli/cli_main.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"
#include "tools/cli/usage_errors.hpp"

namespace {

using neuro::base::ExitCode;
using neuro::base::to_int;

// Parses the command line and runs the command given; `command` names it for error messages.
int run_neuroperf(int argc, char** argv, const neuro::cli::AddCommands& add_commands,
                  std::string& command) {
  CLI::App app(
      "neuroperf: the performance suite's benchmarks, regression gate, load runner and "
      "engine server",
      "neuroperf");
  app.require_subcommand(0, 1);  // one command; a later word is that command's argument
  // A repeated option means its last value, as `--out a --out b` always did (set before the
  // subcommands are added: they copy these defaults).
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  const std::vector<neuro::cli::Command> commands = add_commands(app);
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

namespace neuro::cli {

int cli_main(int argc, char** argv, const AddCommands& add_commands) {
  std::string command;
  try {
    if (argc > 1) command = argv[1];  // until the parse says which command it is
    return run_neuroperf(argc, argv, add_commands, command);
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

}  // namespace neuro::cli
