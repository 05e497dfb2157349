// neuroperf serve: runs the engine server. The server links libtorch (inference), which takes
// ~0.4 s to load, so the CLI does not link it: it execs neuroperf-server with the same
// arguments (NEUROPERF_SERVER_BIN overrides where that binary is). The server parses them, so
// CLI11 passes every word after `serve` through untouched, --help included.
#include "tools/cli/commands.hpp"
#include "tools/cli/exec_sibling.hpp"

namespace neuro::cli {

Command add_serve(CLI::App& neuroperf) {
  CLI::App* app =
      neuroperf.add_subcommand("serve", "run the engine server (options: neuroperf serve --help)");
  app->set_help_flag();   // the server's own --help answers
  app->prefix_command();  // every word after `serve`, in order, is the server's
  return {app, [app]() -> int {
            exec_sibling({"NEUROPERF_SERVER_BIN", "engine/server/neuroperf-server",
                          NEURO_SERVER_BINARY, "neuroperf-server"},
                         app->remaining());
          }};
}

}  // namespace neuro::cli
