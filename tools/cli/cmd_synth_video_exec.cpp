// neuroperf synth-video: execs `neuroperf-video synth-video` with the same arguments
// (NEUROPERF_VIDEO_BIN overrides where that binary is). The video commands link FFmpeg's
// libraries, about 100 shared objects whose loading took ~20 ms of CPU at every start of the
// CLI, a load run's included; neuroperf-video parses the arguments, --help included.
#include "tools/cli/commands.hpp"
#include "tools/cli/exec_sibling.hpp"

namespace neuro::cli {

Command add_synth_video_exec(CLI::App& neuroperf) {
  CLI::App* app = neuroperf.add_subcommand(
      "synth-video", "write the suite's generated test video and its ground truth");
  app->set_help_flag();
  app->prefix_command();
  return {app, [app]() -> int {
            std::vector<std::string> args{"synth-video"};
            for (const auto& a : app->remaining()) args.push_back(a);
            exec_sibling({"NEUROPERF_VIDEO_BIN", "tools/cli/neuroperf-video", NEURO_VIDEO_BINARY,
                          "neuroperf-video"},
                         args);
          }};
}

}  // namespace neuro::cli
