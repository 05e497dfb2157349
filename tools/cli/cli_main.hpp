// What every neuroperf executable's main does: build the CLI11 app with its commands, parse,
// run the command given, and turn errors into one line on stderr and the shared exit codes.
// `neuroperf` has every command; `neuroperf-video` the video ones, which link FFmpeg's
// libraries (about 100 shared objects, ~20 ms of loading at every start of the CLI).
#pragma once

#include <functional>
#include <vector>

#include "tools/cli/commands.hpp"

namespace neuro::cli {

using AddCommands = std::function<std::vector<Command>(CLI::App& neuroperf)>;

int cli_main(int argc, char** argv, const AddCommands& add_commands);

}  // namespace neuro::cli
