// The per-session loop; the frame view goes straight from the decoder to the detector.
#include "engine/video/session.hpp"

#include <chrono>

namespace neuro::video {

SessionResult run_session(const std::string& path, const SessionOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  Decoder decoder(path, options.decoder);
  MotionDetector detector(decoder.info().width, decoder.info().height, options.detector);
  SessionResult result;
  FrameView frame;
  auto before = Clock::now();
  while (decoder.next(frame)) {
    detector.push(frame, result.events);
    const auto after = Clock::now();
    result.frame_latency.record(
        std::chrono::duration_cast<std::chrono::nanoseconds>(after - before).count());
    before = after;
  }
  detector.finish(result.events);
  result.frames = decoder.frames_decoded();
  const double fps = decoder.info().fps > 0 ? decoder.info().fps : 30.0;
  result.video_seconds = static_cast<double>(result.frames) / fps;
  result.processing_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace neuro::video
