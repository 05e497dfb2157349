// Encodes a Scene into a video file with libavcodec (MPEG-4 Part 2 as the document's 'mp4v',
// or H.264 through libx264) and returns its ground truth: every rectangle's box per frame.
#pragma once

#include <string>
#include <vector>

#include "engine/video/scene.hpp"

namespace neuro::video {

struct GeneratorSpec {
  SceneSpec scene;
  // An FFmpeg encoder name: "mpeg4", "libx264"; others (e.g. "mpeg2video", "mjpeg") make
  // files the decoder must refuse.
  std::string encoder = "mpeg4";
  int threads = 1;  // encoder threads
};

// True when this libavcodec has the named encoder (Debian's has mpeg4 and libx264).
bool has_encoder(const std::string& name);

// Writes `path` (the container from its extension: .mp4, .mkv, .avi) and returns the ground
// truth; throws InvalidArgument for an unknown encoder or container, base::Error when the
// file cannot be written.
std::vector<GroundTruthBox> generate_video(const std::string& path, const GeneratorSpec& spec);

// Where the ground truth of a generated video is kept by convention: "<video>.truth.csv".
inline std::string ground_truth_path(const std::string& video_path) {
  return video_path + ".truth.csv";
}

}  // namespace neuro::video
