// neuroperf-video: the video commands, which link FFmpeg's libraries; `neuroperf synth-video`
// execs it with its arguments, so both answer the same (help, errors, exit codes).
#include <vector>

#include "tools/cli/cli_main.hpp"
#include "tools/cli/commands.hpp"

int main(int argc, char** argv) {
  return neuro::cli::cli_main(argc, argv, [](CLI::App& app) {
    return std::vector<neuro::cli::Command>{neuro::cli::add_synth_video(app)};
  });
}
