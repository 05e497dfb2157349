// Bad files: missing, empty, not a video, truncated, damaged, another codec. Each gives one
// InvalidArgument line naming the file, never a crash.
#include "engine/base/errors.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/video/decoder.hpp"
#include "engine/video/generator.hpp"
#include "engine/video/session.hpp"
#include "engine/video/test_support.hpp"

namespace neuro::video {
namespace {

using testing::VideoTest;

// Runs the whole session and returns the error message ("" when none was thrown).
std::string session_error(const std::string& path) {
  try {
    run_session(path);
  } catch (const base::InvalidArgument& e) {
    return e.what();
  }
  return "";
}

void expect_one_line_naming(const std::string& message, const std::string& path,
                            const std::string& reason) {
  EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_NE(message.find(reason), std::string::npos) << message;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST_F(VideoTest, MissingFile) {
  const std::string path = dir_.file("absent.mp4");
  expect_one_line_naming(session_error(path), path, "No such file");
}

TEST_F(VideoTest, EmptyFileAndDirectory) {
  const std::string path = dir_.file("empty.mp4");
  write_all(path, "");
  expect_one_line_naming(session_error(path), path, "cannot open as a video file");
  const std::string folder = dir_.file("");
  EXPECT_NE(session_error(folder), "");
}

TEST_F(VideoTest, NotAVideo) {
  const std::string path = dir_.file("text.mp4");
  std::string bytes;
  for (int i = 0; i < 20000; ++i) bytes += static_cast<char>((i * 7919) % 251);
  write_all(path, bytes);
  expect_one_line_naming(session_error(path), path, "");
}

TEST_F(VideoTest, TruncatedFile) {
  const std::string path = dir_.file("v.mp4");
  generate_video(path, testing::short_video(2, 5));
  const std::string bytes = read_all(path);
  for (double keep : {0.5, 0.9, 0.99}) {
    const std::string cut = dir_.file("cut.mp4");
    write_all(cut,
              bytes.substr(0, static_cast<std::size_t>(static_cast<double>(bytes.size()) * keep)));
    expect_one_line_naming(session_error(cut), cut, "");
  }
}

TEST_F(VideoTest, TruncatedMatroskaStopsShortOfItsFrames) {
  // Matroska keeps its index at the end too, but opens without it: the decoder must notice the
  // missing frames itself.
  const std::string path = dir_.file("v.mkv");
  generate_video(path, testing::short_video(2, 5));
  const std::string bytes = read_all(path);
  const std::string cut = dir_.file("cut.mkv");
  write_all(cut, bytes.substr(0, bytes.size() / 2));
  const std::string message = session_error(cut);
  if (message.empty()) {
    // Matroska without its cues cannot know the count: then fewer frames must come out.
    EXPECT_LT(run_session(cut).frames, 60);
  } else {
    expect_one_line_naming(message, cut, "");
  }
}

TEST_F(VideoTest, DamagedFrameData) {
  const std::string path = dir_.file("v.mp4");
  generate_video(path, testing::short_video(2, 6));
  std::string bytes = read_all(path);
  // Overwrite 16 KB in the middle of the frame data with a pattern.
  for (std::size_t i = bytes.size() / 3; i < bytes.size() / 3 + 16384; ++i) {
    bytes[i] = static_cast<char>((i * 131) & 0xFF);
  }
  const std::string bad = dir_.file("bad.mp4");
  write_all(bad, bytes);
  expect_one_line_naming(session_error(bad), bad, "corrupt");
}

TEST_F(VideoTest, RandomDamageNeverCrashes) {
  const std::string path = dir_.file("v.mp4");
  generate_video(path, testing::short_video(1, 8));
  const std::string original = read_all(path);
  std::uint64_t state = 12345;
  int errors = 0;
  for (int trial = 0; trial < 20; ++trial) {
    std::string bytes = original;
    for (int k = 0; k < 32; ++k) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      bytes[(state >> 17) % bytes.size()] = static_cast<char>(state >> 56);
    }
    const std::string bad = dir_.file("bad.mp4");
    write_all(bad, bytes);
    try {
      const auto result = run_session(bad);
      EXPECT_LE(result.frames, 30);
    } catch (const base::InvalidArgument& e) {
      ++errors;
      expect_one_line_naming(e.what(), bad, "");
    }
  }
  EXPECT_GT(errors, 0);  // 640 damaged bytes in 20 copies of a 1-second file: some are noticed
}

TEST_F(VideoTest, AnotherCodecIsRefused) {
  const std::string path = dir_.file("v.mp4");
  generate_video(path, testing::short_video(1, 7, "mpeg2video"));
  expect_one_line_naming(session_error(path), path, "unsupported codec 'mpeg2video'");
}

}  // namespace
}  // namespace neuro::video
