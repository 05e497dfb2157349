// Moving-object detection on luma: a background model (per-pixel median of the first frames,
// then a selective running average) at half resolution, threshold, connected components of the
// foreground mask, one detection event per component.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/video/box.hpp"
#include "engine/video/decoder.hpp"

namespace neuro::video {

struct DetectionEvent {
  std::int64_t frame = 0;
  std::int64_t time_us = 0;
  Box box;                  // full-resolution pixels
  double confidence = 0.0;  // the share of the box the component fills, 0..1
  std::string class_label = "moving_object";
};

struct DetectorOptions {
  // Frames buffered to learn the background (every warmup_stride-th is a median sample); their
  // detections come out when the model is ready. A pixel must show background in more than half
  // of the samples, so objects must move off any spot within warmup_frames / 2 frames.
  int warmup_frames = 90;
  int warmup_stride = 3;
  int threshold = 20;     // |frame - background| in luma levels at half resolution
  int min_area_px = 400;  // full-resolution pixels a component must cover
  double min_fill = 0.4;  // share of its box a component must fill
  int update_shift = 5;   // background pixels move 1/32 of the way to each new frame
};

// Reads each frame's luma once, at half resolution: from the decoder's bands as they are
// finished (set it as the decoder's BandListener; the rows are still in cache), or from the
// whole frame when it is pushed, for frames no band told of.
class MotionDetector final : public BandListener {
 public:
  // Throws InvalidArgument for a frame below 16x16 or options out of range.
  MotionDetector(int width, int height, DetectorOptions options = {});

  // Feeds one frame (its size must be the constructor's); appends the events of every frame
  // whose detection completed.
  void push(const FrameView& frame, std::vector<DetectionEvent>& out);
  // End of stream: a video shorter than the warm-up is detected with what was seen.
  void finish(std::vector<DetectionEvent>& out);

  // A band of the frame being decoded (BandListener); the next push of that frame reads it.
  void on_band(const LumaBand& band) noexcept override;
  // Frames read from bands so far (the others were read whole when pushed).
  std::int64_t frames_from_bands() const noexcept { return frames_from_bands_; }

  int scaled_width() const noexcept { return sw_; }
  int scaled_height() const noexcept { return sh_; }

 private:
  struct Run {
    int y, x0, x1;  // x1 exclusive
    int parent;
  };
  struct Stats {
    int x0, x1, y0, y1;  // x1, y1 exclusive
    int area;
  };
  void downscale_row(const std::uint8_t* a, const std::uint8_t* b,
                     std::uint8_t* out) const noexcept;
  void downscale(const FrameView& frame, std::uint8_t* out) const noexcept;
  // Row y of the half-resolution frame against the background: its foreground mask into
  // mask_row_, the background's update, and the row's runs added to the components.
  void classify_row(const std::uint8_t* small, int y);
  void detect(const FrameView& frame, std::vector<DetectionEvent>& out);
  void learn_background();
  void flush_warmup(std::vector<DetectionEvent>& out);
  void detect(const std::uint8_t* small, std::int64_t frame, std::int64_t time_us,
              std::vector<DetectionEvent>& out);
  void begin_components() noexcept;
  void add_runs(int y);
  void end_components(std::int64_t frame, std::int64_t time_us, std::vector<DetectionEvent>& out);
  int find(int i) noexcept;
  // The frame's half-resolution image made from its bands, if every row came; resets the bands.
  const std::uint8_t* take_banded(const FrameView& frame) noexcept;

  int width_, height_;
  int sw_, sh_;  // half resolution
  DetectorOptions options_;
  bool ready_ = false;
  std::vector<std::uint8_t> warmup_;  // buffered half-resolution frames
  std::vector<std::int64_t> warmup_frame_, warmup_time_;
  std::vector<std::uint8_t> small_;              // one half-resolution row (frames not banded)
  std::vector<std::uint64_t> mask_row_;          // one row's foreground mask, a bit per pixel
  std::vector<std::uint16_t> background_fixed_;  // background x 16, for the running average
  std::vector<Run> runs_;
  std::vector<int> row_start_;
  std::vector<Stats> stats_;
  // The frame whose bands are being read: its plane, rows told, half-resolution rows made.
  const std::uint8_t* band_plane_ = nullptr;
  int band_stride_ = 0;
  int band_rows_ = 0;
  int band_pairs_ = 0;
  std::vector<std::uint8_t> banded_;
  std::int64_t frames_from_bands_ = 0;
};

}  // namespace neuro::video
