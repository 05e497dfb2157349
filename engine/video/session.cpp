// The per-session loop; the frame view goes straight from the decoder to the detector.
#include "engine/video/session.hpp"

#include <chrono>
#include <optional>

namespace neuro::video {
namespace {

class ForwardBands final : public BandListener {
 public:
  explicit ForwardBands(std::optional<MotionDetector>& to) : to_(to) {}
  void on_band(const LumaBand& band) noexcept override {
    if (to_) to_->on_band(band);
  }

 private:
  std::optional<MotionDetector>& to_;
};

}  // namespace

SessionResult run_session(const std::string& path, const SessionOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  // The decoder tells the detector of each band of rows it finishes (read while in cache); the
  // detector is made once the decoder knows the frame size, before the first frame.
  std::optional<MotionDetector> made;
  ForwardBands forward(made);
  DecoderOptions decoder_options = options.decoder;
  decoder_options.bands = &forward;
  Decoder decoder(path, decoder_options);
  MotionDetector& detector =
      made.emplace(decoder.info().width, decoder.info().height, options.detector);
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
  result.frames_from_bands = detector.frames_from_bands();
  const double fps = decoder.info().fps > 0 ? decoder.info().fps : 30.0;
  result.video_seconds = static_cast<double>(result.frames) / fps;
  result.processing_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace neuro::video
