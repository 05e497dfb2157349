// Cache of generated videos: named by recipe, written under a temporary name and renamed, so
// an interrupted run never leaves a half file under the final name.
#include "benchmarks/bench_video/video_cache.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "engine/base/errors.hpp"
#include "engine/video/generator.hpp"
#include "engine/video/ground_truth.hpp"

namespace neuro::bench {
namespace fs = std::filesystem;

// Bumped whenever the scene or encoder settings change, so old files are not reused.
constexpr int kRecipeVersion = 1;

bool smoke() {
  const char* value = std::getenv("NEUROPERF_BENCH_SMOKE");
  return value != nullptr && std::string(value) == "1";
}

std::vector<int> video_seconds() {
  const char* value = std::getenv("NEUROPERF_VIDEO_SECONDS");
  const std::string list = value != nullptr && *value != 0 ? value : (smoke() ? "2" : "30,60,120");
  std::vector<int> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    char* end = nullptr;
    const long s = std::strtol(item.c_str(), &end, 10);
    if (end == item.c_str() || *end != 0 || s < 1 || s > 3600) {
      throw base::InvalidArgument("NEUROPERF_VIDEO_SECONDS: '" + item +
                                  "' is not a duration of 1..3600 seconds");
    }
    out.push_back(static_cast<int>(s));
  }
  if (out.empty()) throw base::InvalidArgument("NEUROPERF_VIDEO_SECONDS: empty list");
  return out;
}

std::string video_cache_dir() {
  if (const char* dir = std::getenv("NEUROPERF_VIDEO_CACHE"); dir != nullptr && *dir != 0) {
    return dir;
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != 0) {
    return (fs::path(xdg) / "neuroperf" / "videos").string();
  }
  const char* home = std::getenv("HOME");
  return (fs::path(home != nullptr ? home : "/tmp") / ".cache" / "neuroperf" / "videos").string();
}

std::string cached_video(int seconds, const std::string& encoder) {
  const fs::path dir = video_cache_dir();
  const std::string name =
      encoder + "_" + std::to_string(seconds) + "s_r" + std::to_string(kRecipeVersion) + ".mp4";
  const fs::path path = dir / name;
  if (fs::exists(path) && fs::exists(video::ground_truth_path(path.string()))) {
    return path.string();
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw base::Error(base::ExitCode::kBadInput, dir.string() + ": " + ec.message());
  video::GeneratorSpec spec;
  spec.scene.frames = seconds * spec.scene.fps;
  spec.scene.seed = static_cast<std::uint64_t>(seconds);
  spec.encoder = encoder;
  spec.threads = 2;
  // The temporary name keeps the extension: the container is chosen from it.
  const fs::path tmp = dir / (std::to_string(::getpid()) + ".tmp." + name);
  const auto truth = video::generate_video(tmp.string(), spec);
  video::write_ground_truth(video::ground_truth_path(path.string()), truth);
  fs::rename(tmp, path);
  return path.string();
}

}  // namespace neuro::bench
