// The detector's kernels: 2x2 luma averaging (AVX2), background difference + selective update in
// one pass over a row (AVX2, the foreground as one bit per pixel), the row's runs from those bits
// at once, run-based connected components.
#include "engine/video/detector.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "engine/base/errors.hpp"
#include "engine/video/pixel_median.hpp"

namespace neuro::video {

MotionDetector::MotionDetector(int width, int height, DetectorOptions options)
    : width_(width), height_(height), sw_(width / 2), sh_(height / 2), options_(options) {
  if (width < 16 || height < 16) {
    throw base::InvalidArgument("detector: frame " + std::to_string(width) + "x" +
                                std::to_string(height) + " is below 16x16");
  }
  if (options.warmup_frames < 1 || options.warmup_stride < 1 || options.threshold < 1 ||
      options.threshold > 254 || options.min_area_px < 1 || options.update_shift < 1 ||
      options.update_shift > 8 || options.min_fill < 0.0 || options.min_fill > 1.0) {
    throw base::InvalidArgument("detector: option out of range");
  }
  const auto pixels = static_cast<std::size_t>(sw_) * sh_;
  warmup_.reserve(pixels * options.warmup_frames);
  small_.resize(static_cast<std::size_t>(sw_));
  mask_row_.resize((static_cast<std::size_t>(sw_) + 63) / 64);
  background_fixed_.resize(pixels);
  banded_.resize(pixels);
}

void MotionDetector::downscale_row(const std::uint8_t* a, const std::uint8_t* b,
                                   std::uint8_t* o) const noexcept {
  {
    std::ptrdiff_t x = 0;  // pointer offsets (2 * x) computed in the pointer's width
#if defined(__AVX2__)
    // 32 output pixels per step: pair sums by maddubs (x1 weights), rows added, rounded /4.
    const __m256i ones = _mm256_set1_epi8(1);
    const __m256i two = _mm256_set1_epi16(2);
    for (; x + 32 <= sw_; x += 32) {
      const auto load = [](const std::uint8_t* p) {
        return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
      };
      const __m256i lo = _mm256_add_epi16(_mm256_maddubs_epi16(load(a + 2 * x), ones),
                                          _mm256_maddubs_epi16(load(b + 2 * x), ones));
      const __m256i hi = _mm256_add_epi16(_mm256_maddubs_epi16(load(a + 2 * x + 32), ones),
                                          _mm256_maddubs_epi16(load(b + 2 * x + 32), ones));
      const __m256i lo4 = _mm256_srli_epi16(_mm256_add_epi16(lo, two), 2);
      const __m256i hi4 = _mm256_srli_epi16(_mm256_add_epi16(hi, two), 2);
      // packus interleaves 128-bit lanes; the permute puts them back in order.
      const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi16(lo4, hi4), 0xD8);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + x), packed);
    }
#endif
    for (; x < sw_; ++x) {
      o[x] =
          static_cast<std::uint8_t>((a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1] + 2) >> 2);
    }
  }
}

void MotionDetector::downscale(const FrameView& f, std::uint8_t* out) const noexcept {
  for (int r = 0; r < sh_; ++r) {
    const std::uint8_t* a = f.luma + static_cast<std::ptrdiff_t>(2 * r) * f.luma_stride;
    downscale_row(a, a + f.luma_stride, out + static_cast<std::ptrdiff_t>(r) * sw_);
  }
}

void MotionDetector::push(const FrameView& frame, std::vector<DetectionEvent>& out) {
  if (frame.width != width_ || frame.height != height_) {
    throw base::InvalidArgument("detector: frame " + std::to_string(frame.index) + " is " +
                                std::to_string(frame.width) + "x" + std::to_string(frame.height) +
                                ", expected " + std::to_string(width_) + "x" +
                                std::to_string(height_));
  }
  const std::uint8_t* banded = take_banded(frame);
  if (ready_) {
    if (banded != nullptr) {
      detect(banded, frame.index, frame.pts_us, out);
    } else {
      detect(frame, out);
    }
    return;
  }
  const std::size_t pixels = banded_.size();
  warmup_.resize(warmup_.size() + pixels);
  if (banded != nullptr) {
    std::memcpy(warmup_.data() + warmup_.size() - pixels, banded, pixels);
  } else {
    downscale(frame, warmup_.data() + warmup_.size() - pixels);
  }
  warmup_frame_.push_back(frame.index);
  warmup_time_.push_back(frame.pts_us);
  if (static_cast<int>(warmup_frame_.size()) >= options_.warmup_frames) flush_warmup(out);
}

void MotionDetector::on_band(const LumaBand& band) noexcept {
  if (band.y == 0) {
    band_plane_ = band.plane;
    band_stride_ = band.stride;
    band_rows_ = 0;
    band_pairs_ = 0;
  }
  // Anything but the next rows of the frame begun (another frame's, a gap, another size): that
  // frame is read whole when it is pushed.
  if (band.plane != band_plane_ || band.stride != band_stride_ || band.y != band_rows_ ||
      band.width != width_ || band.height != height_ || band.rows > height_ - band.y) {
    band_plane_ = nullptr;
    return;
  }
  band_rows_ = band.y + band.rows;
  // A pair of rows split between two bands is made when its second row comes.
  for (; band_pairs_ < sh_ && 2 * band_pairs_ + 1 < band_rows_; ++band_pairs_) {
    const std::uint8_t* a = band.plane + static_cast<std::ptrdiff_t>(2 * band_pairs_) * band.stride;
    downscale_row(a, a + band.stride,
                  banded_.data() + static_cast<std::ptrdiff_t>(band_pairs_) * sw_);
  }
}

const std::uint8_t* MotionDetector::take_banded(const FrameView& frame) noexcept {
  const bool whole = band_plane_ != nullptr && band_plane_ == frame.luma &&
                     band_stride_ == frame.luma_stride && band_pairs_ == sh_;
  band_plane_ = nullptr;
  band_rows_ = 0;
  band_pairs_ = 0;
  if (!whole) return nullptr;
  ++frames_from_bands_;
  return banded_.data();
}

void MotionDetector::finish(std::vector<DetectionEvent>& out) {
  if (!ready_ && !warmup_frame_.empty()) flush_warmup(out);
}

void MotionDetector::learn_background() {
  const std::size_t pixels = banded_.size();
  const std::size_t frames = warmup_frame_.size();
  const std::size_t stride = static_cast<std::size_t>(options_.warmup_stride);
  std::vector<const std::uint8_t*> samples;
  for (std::size_t k = 0; k * stride < frames; ++k) {
    samples.push_back(warmup_.data() + k * stride * pixels);
  }
  std::vector<std::uint8_t> median(pixels);
  pixel_median(samples.data(), samples.size(), pixels, median.data());
  for (std::size_t p = 0; p < pixels; ++p) {
    background_fixed_[p] = static_cast<std::uint16_t>(median[p] << 4);
  }
}

void MotionDetector::flush_warmup(std::vector<DetectionEvent>& out) {
  learn_background();
  ready_ = true;
  const std::size_t pixels = banded_.size();
  for (std::size_t k = 0; k < warmup_frame_.size(); ++k) {
    detect(warmup_.data() + k * pixels, warmup_frame_[k], warmup_time_[k], out);
  }
  warmup_.clear();
  warmup_.shrink_to_fit();
  warmup_frame_.clear();
  warmup_time_.clear();
}

void MotionDetector::classify_row(const std::uint8_t* small, int y) {
  const int threshold = options_.threshold;
  const int shift = options_.update_shift;
  const auto n = static_cast<std::size_t>(sw_);
  std::uint64_t* __restrict mask = mask_row_.data();
  std::fill(mask_row_.begin(), mask_row_.end(), 0);
  // The background is kept x 16 (fractions for the running average); its level is (f + 8) >> 4.
  std::uint16_t* __restrict fixed = background_fixed_.data() + static_cast<std::size_t>(y) * n;
  std::size_t i = 0;
#if defined(__AVX2__)
  // 32 pixels per step: the background's bytes from its 16-bit values, byte-wide difference and
  // threshold, 16-bit running average.
  const __m256i above = _mm256_set1_epi8(static_cast<char>(threshold + 1));
  const __m256i round_step = _mm256_set1_epi16(static_cast<short>(1 << (shift - 1)));
  const __m256i round_out = _mm256_set1_epi16(8);
  const __m128i count = _mm_cvtsi32_si128(shift);
  for (; i + 32 <= n; i += 32) {
    auto* f_ptr = reinterpret_cast<__m256i*>(fixed + i);
    const __m256i f[2] = {_mm256_loadu_si256(f_ptr), _mm256_loadu_si256(f_ptr + 1)};
    // packus interleaves 128-bit lanes; the permute puts them back in order.
    const __m256i bv = _mm256_permute4x64_epi64(
        _mm256_packus_epi16(_mm256_srli_epi16(_mm256_add_epi16(f[0], round_out), 4),
                            _mm256_srli_epi16(_mm256_add_epi16(f[1], round_out), 4)),
        0xD8);
    const __m256i sv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(small + i));
    const __m256i diff = _mm256_sub_epi8(_mm256_max_epu8(sv, bv), _mm256_min_epu8(sv, bv));
    const __m256i fg = _mm256_cmpeq_epi8(_mm256_max_epu8(diff, above), diff);  // diff > threshold
    mask[i / 64] |= std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(fg))} << (i % 64);
    for (std::size_t h = 0; h < 2; ++h) {
      const __m256i s16 = _mm256_cvtepu8_epi16(h == 0 ? _mm256_castsi256_si128(sv)
                                                      : _mm256_extracti128_si256(sv, 1));
      const __m256i fg16 = _mm256_cvtepi8_epi16(h == 0 ? _mm256_castsi256_si128(fg)
                                                       : _mm256_extracti128_si256(fg, 1));
      const __m256i d = _mm256_sub_epi16(_mm256_slli_epi16(s16, 4), f[h]);
      const __m256i step = _mm256_sra_epi16(_mm256_add_epi16(d, round_step), count);
      _mm256_storeu_si256(f_ptr + h, _mm256_blendv_epi8(_mm256_add_epi16(f[h], step), f[h], fg16));
    }
  }
#endif
  for (; i < n; ++i) {
    const int sv = small[i];
    const int f = fixed[i];
    const int bv = (f + 8) >> 4;
    const bool foreground = (sv > bv ? sv - bv : bv - sv) > threshold;
    mask[i / 64] |= std::uint64_t{foreground} << (i % 64);
    // Selective update: only background pixels adapt, so a slow object is not absorbed.
    if (!foreground) {
      fixed[i] = static_cast<std::uint16_t>(f + (((sv << 4) - f + (1 << (shift - 1))) >> shift));
    }
  }
  add_runs(y);
}

void MotionDetector::detect(const std::uint8_t* small, std::int64_t frame, std::int64_t time_us,
                            std::vector<DetectionEvent>& out) {
  begin_components();
  for (int y = 0; y < sh_; ++y) classify_row(small + static_cast<std::ptrdiff_t>(y) * sw_, y);
  end_components(frame, time_us, out);
}

void MotionDetector::detect(const FrameView& f, std::vector<DetectionEvent>& out) {
  // Row by row, so each half-resolution row is classified while it is still in L1.
  begin_components();
  std::uint8_t* row = small_.data();
  for (int y = 0; y < sh_; ++y) {
    const std::uint8_t* a = f.luma + static_cast<std::ptrdiff_t>(2 * y) * f.luma_stride;
    downscale_row(a, a + f.luma_stride, row);
    classify_row(row, y);
  }
  end_components(f.index, f.pts_us, out);
}

int MotionDetector::find(int i) noexcept {
  while (runs_[i].parent != i) {
    runs_[i].parent = runs_[runs_[i].parent].parent;  // path halving
    i = runs_[i].parent;
  }
  return i;
}

void MotionDetector::begin_components() noexcept {
  runs_.clear();
  row_start_.assign(static_cast<std::size_t>(sh_) + 1, 0);
}

void MotionDetector::add_runs(int y) {
  row_start_[y] = static_cast<int>(runs_.size());
  // A run starts at a set bit after a clear one and ends (exclusive) at a clear bit after a set
  // one; the bits past the row's end are clear, so a run at the end closes there or after the
  // last word. Most words are empty (background).
  std::uint64_t carry = 0;  // the previous word's last bit
  int x0 = 0;
  const auto words = static_cast<int>(mask_row_.size());
  for (int w = 0; w < words; ++w) {
    const std::uint64_t bits = mask_row_[w];
    if ((bits | carry) == 0) continue;
    const std::uint64_t before = (bits << 1) | carry;
    const std::uint64_t starts = bits & ~before;
    std::uint64_t edges = starts | (~bits & before);
    carry = bits >> 63;
    while (edges != 0) {
      const int bit = std::countr_zero(edges);
      const int x = 64 * w + bit;
      if (((starts >> bit) & 1) != 0) {
        x0 = x;
      } else {
        runs_.push_back(Run{y, x0, x, static_cast<int>(runs_.size())});
      }
      edges &= edges - 1;
    }
  }
  if (carry != 0) runs_.push_back(Run{y, x0, sw_, static_cast<int>(runs_.size())});
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

void MotionDetector::end_components(std::int64_t frame, std::int64_t time_us,
                                    std::vector<DetectionEvent>& out) {
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
