// One processing session: decode a file and run the detector on every frame, timing each frame
// (decode + detect) and the whole run; what the benchmark and the server's test sessions run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/latency_histogram.hpp"
#include "engine/video/decoder.hpp"
#include "engine/video/detector.hpp"

namespace neuro::video {

struct SessionOptions {
  DecoderOptions decoder;
  DetectorOptions detector;
};

struct SessionResult {
  std::int64_t frames = 0;
  std::int64_t frames_from_bands = 0;  // read by the detector from the decoder's bands
  double video_seconds = 0.0;          // frames / frame rate
  double processing_seconds = 0.0;     // wall clock, open to last event
  std::vector<DetectionEvent> events;
  base::LatencyHistogram frame_latency;  // ns per frame, decode + detect

  double frames_per_second() const noexcept {
    return processing_seconds > 0 ? static_cast<double>(frames) / processing_seconds : 0.0;
  }
  // Video seconds per processing second: above 1 is faster than the video plays.
  double realtime_factor() const noexcept {
    return processing_seconds > 0 ? video_seconds / processing_seconds : 0.0;
  }
};

// Throws what Decoder and MotionDetector throw (InvalidArgument naming the file).
SessionResult run_session(const std::string& path, const SessionOptions& options = {});

}  // namespace neuro::video
