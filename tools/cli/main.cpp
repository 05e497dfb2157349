// neuroperf: one binary, one subcommand per task. Errors are one line on stderr; exit codes are
// the shared ones (0 ok, 1 threshold/regression, 2 bad usage or input, 3 unreachable, 77 skip).
// `serve` and `synth-video` exec their own binaries (libtorch and FFmpeg stay out of the CLI).
#include <vector>

#include "tools/cli/cli_main.hpp"
#include "tools/cli/commands.hpp"

int main(int argc, char** argv) {
  return neuro::cli::cli_main(argc, argv, [](CLI::App& app) {
    return std::vector<neuro::cli::Command>{
        neuro::cli::add_compare(app),     neuro::cli::add_summary(app),
        neuro::cli::add_synth(app),       neuro::cli::add_synth_video_exec(app),
        neuro::cli::add_load(app),        neuro::cli::add_merge(app),
        neuro::cli::add_report(app),      neuro::cli::add_serve(app),
        neuro::cli::add_machine_key(app), neuro::cli::add_report_suite(app),
        neuro::cli::add_history(app)};
  });
}
