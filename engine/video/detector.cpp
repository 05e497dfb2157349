// The detector's kernels: 2x2 luma averaging, background difference + selective update in one
// pass (plain loops over bytes that GCC vectorises), run-based connected components.
#include "engine/video/detector.hpp"

#include <algorithm>
#include <cstring>

#include "engine/common/errors.hpp"

namespace neuro::video {

MotionDetector::MotionDetector(int width, int height, DetectorOptions options)
    : width_(width), height_(height), sw_(width / 2), sh_(height / 2), options_(options) {
  if (width < 16 || height < 16) {
    throw common::InvalidArgument("detector: frame " + std::to_string(width) + "x" +
                                  std::to_string(height) + " is below 16x16");
  }
  if (options.warmup_frames < 1 || options.warmup_stride < 1 || options.threshold < 1 ||
      options.threshold > 254 || options.min_area_px < 1 || options.update_shift < 1 ||
      options.update_shift > 8 || options.min_fill < 0.0 || options.min_fill > 1.0) {
    throw common::InvalidArgument("detector: option out of range");
  }
  const auto pixels = static_cast<std::size_t>(sw_) * sh_;
  warmup_.reserve(pixels * options.warmup_frames);
  small_.resize(pixels);
  mask_.resize(pixels + 8);  // slack for the 8-byte scan at the end of the last row
  background_.resize(pixels);
  background_fixed_.resize(pixels);
}

void MotionDetector::downscale(const FrameView& f, std::uint8_t* out) const noexcept {
  for (int r = 0; r < sh_; ++r) {
    const std::uint8_t* a = f.luma + static_cast<std::ptrdiff_t>(2 * r) * f.luma_stride;
    const std::uint8_t* b = a + f.luma_stride;
    std::uint8_t* o = out + static_cast<std::ptrdiff_t>(r) * sw_;
    for (int x = 0; x < sw_; ++x) {
      o[x] =
          static_cast<std::uint8_t>((a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1] + 2) >> 2);
    }
  }
}

void MotionDetector::push(const FrameView& frame, std::vector<DetectionEvent>& out) {
  if (frame.width != width_ || frame.height != height_) {
    throw common::InvalidArgument("detector: frame " + std::to_string(frame.index) + " is " +
                                  std::to_string(frame.width) + "x" + std::to_string(frame.height) +
                                  ", expected " + std::to_string(width_) + "x" +
                                  std::to_string(height_));
  }
  if (ready_) {
    downscale(frame, small_.data());
    detect(small_.data(), frame.index, frame.pts_us, out);
    return;
  }
  const std::size_t pixels = small_.size();
  warmup_.resize(warmup_.size() + pixels);
  downscale(frame, warmup_.data() + warmup_.size() - pixels);
  warmup_frame_.push_back(frame.index);
  warmup_time_.push_back(frame.pts_us);
  if (static_cast<int>(warmup_frame_.size()) >= options_.warmup_frames) flush_warmup(out);
}

void MotionDetector::finish(std::vector<DetectionEvent>& out) {
  if (!ready_ && !warmup_frame_.empty()) flush_warmup(out);
}

void MotionDetector::learn_background() {
  const std::size_t pixels = small_.size();
  const std::size_t frames = warmup_frame_.size();
  const std::size_t stride = static_cast<std::size_t>(options_.warmup_stride);
  std::vector<std::uint8_t> samples((frames + stride - 1) / stride);
  const std::size_t n = samples.size();
  // Transposing a tile of pixels first would be friendlier to the cache; this runs once per
  // video, on about 30 samples per pixel, and costs a few tens of milliseconds at 720p.
  for (std::size_t p = 0; p < pixels; ++p) {
    for (std::size_t k = 0; k < n; ++k) samples[k] = warmup_[k * stride * pixels + p];
    auto mid = samples.begin() + static_cast<std::ptrdiff_t>(n / 2);
    std::nth_element(samples.begin(), mid, samples.end());
    background_[p] = *mid;
    background_fixed_[p] = static_cast<std::uint16_t>(*mid << 8);
  }
}

void MotionDetector::flush_warmup(std::vector<DetectionEvent>& out) {
  learn_background();
  ready_ = true;
  const std::size_t pixels = small_.size();
  for (std::size_t k = 0; k < warmup_frame_.size(); ++k) {
    detect(warmup_.data() + k * pixels, warmup_frame_[k], warmup_time_[k], out);
  }
  warmup_.clear();
  warmup_.shrink_to_fit();
  warmup_frame_.clear();
  warmup_time_.clear();
}

void MotionDetector::detect(const std::uint8_t* small, std::int64_t frame, std::int64_t time_us,
                            std::vector<DetectionEvent>& out) {
  const std::size_t pixels = small_.size();
  const int threshold = options_.threshold;
  const int shift = options_.update_shift;
  std::uint8_t* __restrict mask = mask_.data();
  std::uint8_t* __restrict bg = background_.data();
  std::uint16_t* __restrict fixed = background_fixed_.data();
  for (std::size_t i = 0; i < pixels; ++i) {
    const int s = small[i];
    const int b = bg[i];
    const int d = s > b ? s - b : b - s;
    const bool foreground = d > threshold;
    mask[i] = foreground ? 1 : 0;
    // Selective update: only background pixels adapt, so a slow object is not absorbed.
    const int f = fixed[i];
    const int next = foreground ? f : f + (((s << 8) - f) >> shift);
    fixed[i] = static_cast<std::uint16_t>(next);
    bg[i] = static_cast<std::uint8_t>(next >> 8);
  }
  components(frame, time_us, out);
}

int MotionDetector::find(int i) noexcept {
  while (runs_[i].parent != i) {
    runs_[i].parent = runs_[runs_[i].parent].parent;  // path halving
    i = runs_[i].parent;
  }
  return i;
}

void MotionDetector::components(std::int64_t frame, std::int64_t time_us,
                                std::vector<DetectionEvent>& out) {
  runs_.clear();
  row_start_.assign(static_cast<std::size_t>(sh_) + 1, 0);
  const std::uint8_t* mask = mask_.data();
  for (int y = 0; y < sh_; ++y) {
    row_start_[y] = static_cast<int>(runs_.size());
    const std::uint8_t* row = mask + static_cast<std::ptrdiff_t>(y) * sw_;
    int x = 0;
    while (x < sw_) {
      // Skip empty stretches 8 bytes at a time (most of the mask is background).
      std::uint64_t word;
      std::memcpy(&word, row + x, sizeof word);
      if (word == 0 && x + 8 <= sw_) {
        x += 8;
        continue;
      }
      if (row[x] == 0) {
        ++x;
        continue;
      }
      const int x0 = x;
      while (x < sw_ && row[x] != 0) ++x;
      const int index = static_cast<int>(runs_.size());
      runs_.push_back(Run{y, x0, x, index});
    }
    // Join with the previous row's runs that touch (8-connectivity).
    if (y > 0) {
      int j = row_start_[y - 1];
      const int prev_end = row_start_[y];
      for (int k = row_start_[y]; k < static_cast<int>(runs_.size()); ++k) {
        while (j < prev_end && runs_[j].x1 < runs_[k].x0) ++j;
        for (int m = j; m < prev_end && runs_[m].x0 <= runs_[k].x1; ++m) {
          const int a = find(m);
          const int b = find(k);
          if (a != b) runs_[std::max(a, b)].parent = std::min(a, b);
        }
      }
    }
  }
  row_start_[sh_] = static_cast<int>(runs_.size());
  stats_.resize(runs_.size());
  for (int i = 0; i < static_cast<int>(runs_.size()); ++i) {
    const Run& r = runs_[i];
    const int root = find(i);
    Stats& s = stats_[root];
    if (root == i) {
      s = Stats{r.x0, r.x1, r.y, r.y + 1, r.x1 - r.x0};
    } else {
      s.x0 = std::min(s.x0, r.x0);
      s.x1 = std::max(s.x1, r.x1);
      s.y1 = std::max(s.y1, r.y + 1);  // roots come first: their row is the component's top
      s.area += r.x1 - r.x0;
    }
  }
  for (int i = 0; i < static_cast<int>(runs_.size()); ++i) {
    if (runs_[i].parent != i) continue;
    const Stats& s = stats_[i];
    const int box_area = (s.x1 - s.x0) * (s.y1 - s.y0);
    const double fill = static_cast<double>(s.area) / box_area;
    if (s.area * 4 < options_.min_area_px || fill < options_.min_fill) continue;
    DetectionEvent e;
    e.frame = frame;
    e.time_us = time_us;
    e.box = Box{2 * s.x0, 2 * s.y0, 2 * (s.x1 - s.x0), 2 * (s.y1 - s.y0)};
    e.confidence = std::min(1.0, fill);
    out.push_back(std::move(e));
  }
}

}  // namespace neuro::video
