// neuroperf serve: runs the engine server. The server links libtorch (inference), which takes
// ~0.4 s to load, so the CLI does not link it: it execs neuroperf-server with the same
// arguments (NEUROPERF_SERVER_BIN overrides where that binary is). The server parses them, so
// CLI11 passes every word after `serve` through untouched, --help included.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"
#include "tools/cli/commands.hpp"

namespace neuro::cli {
namespace {

int run_serve(const std::vector<std::string>& args) {
  std::string binary;
  if (const char* env = std::getenv("NEUROPERF_SERVER_BIN"); env && *env) {
    binary = env;
  } else {
    // Beside this build's CLI: <build>/tools/cli/neuroperf -> <build>/engine/server/.
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const auto sibling =
        self.parent_path().parent_path().parent_path() / "engine" / "server" / "neuroperf-server";
    binary = !ec && std::filesystem::exists(sibling) ? sibling.string() : NEURO_SERVER_BINARY;
  }
  std::vector<char*> argv;
  argv.push_back(binary.data());
  std::vector<std::string> copy(args);
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(binary.c_str(), argv.data());
  throw base::InvalidArgument("serve: cannot run " + binary + ": " + std::strerror(errno) +
                              " (build the neuroperf-server target, or set NEUROPERF_SERVER_BIN)");
}

}  // namespace

Command add_serve(CLI::App& neuroperf) {
  CLI::App* app =
      neuroperf.add_subcommand("serve", "run the engine server (options: neuroperf serve --help)");
  app->set_help_flag();   // the server's own --help answers
  app->prefix_command();  // every word after `serve`, in order, is the server's
  return {app, [app] { return run_serve(app->remaining()); }};
}

}  // namespace neuro::cli
