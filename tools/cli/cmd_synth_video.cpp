// neuroperf synth-video: the suite's generated test video (bouncing rectangles over noise,
// MPEG-4 Part 2 as the document's 'mp4v', or H.264) and its ground truth beside it, so that a
// scenario, an anchor or a user's own engine gets exactly the files our benchmarks decode.
#include <iostream>
#include <memory>
#include <string>

#include "engine/base/errors.hpp"
#include "engine/video/generator.hpp"
#include "engine/video/ground_truth.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/whole_number.hpp"

namespace neuro::cli {
namespace {

// The bounded whole numbers of this command all fit in an int.
int bounded(const std::string& flag, const std::string& text, int min, int max) {
  return static_cast<int>(
      whole_number(flag, text, static_cast<std::uint64_t>(min), static_cast<std::uint64_t>(max)));
}

struct Parsed {
  video::GeneratorSpec spec;
  int seconds = 30;
  std::string out;
};

int run_synth_video(Parsed& p) {
  if (p.out.empty()) throw base::InvalidArgument("--out FILE is required");
  p.spec.scene.frames = p.seconds * p.spec.scene.fps;
  if (!video::has_encoder(p.spec.encoder)) {
    throw base::InvalidArgument("--encoder: this libavcodec has no encoder '" + p.spec.encoder +
                                "' (mpeg4 and libx264 in Debian's)");
  }
  const auto truth = video::generate_video(p.out, p.spec);
  const std::string truth_path = video::ground_truth_path(p.out);
  video::write_ground_truth(truth_path, truth);
  std::cerr << "neuroperf synth-video: " << p.spec.scene.width << "x" << p.spec.scene.height << " "
            << p.spec.scene.fps << " fps, " << p.seconds << " s (" << p.spec.encoder << ") -> "
            << p.out << ", ground truth -> " << truth_path << "\n";
  return 0;
}

}  // namespace

Command add_synth_video(CLI::App& neuroperf) {
  auto p = std::make_shared<Parsed>();
  p->spec.threads = 2;
  CLI::App* app = neuroperf.add_subcommand(
      "synth-video", "write the suite's generated test video and its ground truth");
  app->footer(
      "Writes FILE (the container from its extension: .mp4, .mkv, .avi) and FILE.truth.csv\n"
      "(frame,time_us,object_id,x,y,width,height: what POST /api/videos takes as ground_truth).");
  app->add_option_function<std::string>(
         "--seconds", [p](const std::string& v) { p->seconds = bounded("--seconds", v, 1, 3600); },
         "length (default 30)")
      ->type_name("N");
  app->add_option_function<std::string>(
         "--fps", [p](const std::string& v) { p->spec.scene.fps = bounded("--fps", v, 1, 240); },
         "frames per second (default 30)")
      ->type_name("N");
  app->add_option_function<std::string>(
         "--size",
         [p](const std::string& v) {
           const auto x = v.find('x');
           if (x == std::string::npos) {
             throw base::InvalidArgument("--size: expected WIDTHxHEIGHT, got '" + v + "'");
           }
           p->spec.scene.width = bounded("--size", v.substr(0, x), 640, 7680);
           p->spec.scene.height = bounded("--size", v.substr(x + 1), 360, 4320);
         },
         "frame size, even, from 640x360 (default 1280x720)")
      ->type_name("WxH");
  app->add_option_function<std::string>(
         "--seed",
         [p](const std::string& v) {
           p->spec.scene.seed = static_cast<std::uint64_t>(bounded("--seed", v, 0, 1 << 30));
         },
         "the scene's seed (default 1)")
      ->type_name("N");
  app->add_option("--encoder", p->spec.encoder, "mpeg4 (default) or libx264")->type_name("NAME");
  app->add_option("--out", p->out, "the video file to write (required)")->type_name("FILE");
  return {app, [p] { return run_synth_video(*p); }};
}

}  // namespace neuro::cli
