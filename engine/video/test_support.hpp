// For engine/video's tests: a temporary directory removed afterwards, and short generated
// videos (a few seconds, so the tests stay quick on two cores).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/video/av_handles.hpp"
#include "engine/video/generator.hpp"

namespace neuro::video::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "neuro-video-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline GeneratorSpec short_video(int seconds, std::uint64_t seed,
                                 const std::string& encoder = "mpeg4") {
  GeneratorSpec spec;
  spec.scene.frames = seconds * spec.scene.fps;
  spec.scene.seed = seed;
  spec.encoder = encoder;
  spec.threads = 2;
  return spec;
}

class VideoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { quiet_ffmpeg_logs(); }
  TempDir dir_;
};

}  // namespace neuro::video::testing
