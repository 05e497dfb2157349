// The test scene: object placement from the seed, the bounce motion, and the renderer.
#include "engine/video/scene.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::video {
namespace {

constexpr int kLanes = 5;
constexpr int kLaneGap = 4;  // rows kept free at each lane edge: rectangles stay 8 rows apart

// SplitMix64: a fixed, documented generator, so a seed gives the same video on every platform
// (std:: distributions are implementation-defined).
class SplitMix {
 public:
  explicit SplitMix(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  int range(int lo, int hi) noexcept {
    return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }

 private:
  std::uint64_t state_;
};

// Position on [lo, hi] of a point starting at start and moving v per frame, reflected at both
// ends (a triangle wave of period 2 * (hi - lo)).
int bounce(int lo, int hi, int start, int v, std::int64_t index) noexcept {
  const std::int64_t span = hi - lo;
  if (span <= 0) return lo;
  const std::int64_t period = 2 * span;
  std::int64_t p = (static_cast<std::int64_t>(start - lo) + v * index) % period;
  if (p < 0) p += period;
  return lo + static_cast<int>(p <= span ? p : period - p);
}

}  // namespace

std::int64_t frame_time_us(std::int64_t index, int fps) noexcept {
  return (index * 1'000'000 + fps / 2) / fps;
}

Scene::Scene(const SceneSpec& spec) : spec_(spec) {
  if (spec.width < 640 || spec.height < 360 || spec.width % 2 != 0 || spec.height % 2 != 0) {
    throw base::InvalidArgument("scene: size " + std::to_string(spec.width) + "x" +
                                std::to_string(spec.height) + " must be even and at least 640x360");
  }
  if (spec.fps <= 0 || spec.frames <= 0) {
    throw base::InvalidArgument("scene: fps and frames must be positive");
  }
  if (spec.min_objects < 1 || spec.max_objects > kLanes || spec.min_objects > spec.max_objects) {
    throw base::InvalidArgument("scene: object count range must lie within 1..5");
  }
  SplitMix rng(spec.seed);
  // Sizes and speeds are the document's 50-100 px at 720 rows, scaled with the frame height.
  const double scale = spec.height / 720.0;
  const int lane_height = spec.height / kLanes;
  const int count = rng.range(spec.min_objects, spec.max_objects);
  int lanes[kLanes] = {0, 1, 2, 3, 4};
  for (int i = kLanes - 1; i > 0; --i) std::swap(lanes[i], lanes[rng.range(0, i)]);
  const int min_size = static_cast<int>(50 * scale);
  const int max_size = static_cast<int>(100 * scale);
  for (int i = 0; i < count; ++i) {
    Object o{};
    o.lane_top = lanes[i] * lane_height + kLaneGap;
    o.lane_bottom = (lanes[i] + 1) * lane_height - kLaneGap;
    o.width = rng.range(min_size, max_size);
    o.height = std::min(rng.range(min_size, max_size), o.lane_bottom - o.lane_top);
    o.x0 = rng.range(0, spec.width - o.width);
    o.y0 = rng.range(o.lane_top, o.lane_bottom - o.height);
    const int speed = static_cast<int>(rng.range(6, 12) * scale);
    o.vx = (rng.next() & 1) != 0 ? speed : -speed;
    o.vy = ((rng.next() & 1) != 0 ? 1 : -1) * rng.range(1, 2);
    // Luma well away from the texture's 88..168 (dark or bright), any chroma.
    o.y =
        static_cast<std::uint8_t>((rng.next() & 1) != 0 ? rng.range(10, 40) : rng.range(216, 245));
    o.u = static_cast<std::uint8_t>(rng.range(32, 224));
    o.v = static_cast<std::uint8_t>(rng.range(32, 224));
    objects_.push_back(o);
  }
  const auto pixels = static_cast<std::size_t>(spec.width) * spec.height;
  texture_y_.resize(pixels);
  texture_u_.resize(pixels / 4);
  texture_v_.resize(pixels / 4);
  for (auto& p : texture_y_) p = static_cast<std::uint8_t>(88 + rng.next() % 81);
  for (auto& p : texture_u_) p = static_cast<std::uint8_t>(112 + rng.next() % 33);
  for (auto& p : texture_v_) p = static_cast<std::uint8_t>(112 + rng.next() % 33);
}

Box Scene::box_at(const Object& o, std::int64_t index) const noexcept {
  return Box{bounce(0, spec_.width - o.width, o.x0, o.vx, index),
             bounce(o.lane_top, o.lane_bottom - o.height, o.y0, o.vy, index), o.width, o.height};
}

std::vector<GroundTruthBox> Scene::boxes(std::int64_t index) const {
  std::vector<GroundTruthBox> out;
  out.reserve(objects_.size());
  for (std::size_t i = 0; i < objects_.size(); ++i) {
    out.push_back(GroundTruthBox{index, frame_time_us(index, spec_.fps), static_cast<int>(i),
                                 box_at(objects_[i], index)});
  }
  return out;
}

void Scene::render(std::int64_t index, std::uint8_t* y, int y_stride, std::uint8_t* u, int u_stride,
                   std::uint8_t* v, int v_stride) const {
  const int w = spec_.width;
  const int h = spec_.height;
  // Per-frame noise of -4..+4 on the luma texture, from a generator seeded by (seed, frame) so
  // any frame renders on its own.
  SplitMix noise(spec_.seed * 0x100000001B3ULL + static_cast<std::uint64_t>(index) + 1);
  for (int row = 0; row < h; ++row) {
    const std::uint8_t* t = texture_y_.data() + static_cast<std::size_t>(row) * w;
    std::uint8_t* out = y + static_cast<std::ptrdiff_t>(row) * y_stride;
    for (int col = 0; col < w; col += 8) {
      std::uint64_t bits = noise.next();
      const int n = std::min(8, w - col);
      for (int k = 0; k < n; ++k, bits >>= 8) {
        const int delta = static_cast<int>(((bits & 0xFF) * 9) >> 8) - 4;
        out[col + k] = static_cast<std::uint8_t>(t[col + k] + delta);
      }
    }
  }
  for (int row = 0; row < h / 2; ++row) {
    std::memcpy(u + static_cast<std::ptrdiff_t>(row) * u_stride,
                texture_u_.data() + static_cast<std::size_t>(row) * (w / 2), w / 2);
    std::memcpy(v + static_cast<std::ptrdiff_t>(row) * v_stride,
                texture_v_.data() + static_cast<std::size_t>(row) * (w / 2), w / 2);
  }
  for (const auto& o : objects_) {
    const Box b = box_at(o, index);
    for (int row = b.y; row < b.y + b.height; ++row) {
      std::memset(y + static_cast<std::ptrdiff_t>(row) * y_stride + b.x, o.y, b.width);
    }
    // Chroma samples whose 2x2 luma block the box covers at least partly.
    const int cx0 = b.x / 2;
    const int cx1 = (b.x + b.width + 1) / 2;
    for (int row = b.y / 2; row < (b.y + b.height + 1) / 2; ++row) {
      std::memset(u + static_cast<std::ptrdiff_t>(row) * u_stride + cx0, o.u, cx1 - cx0);
      std::memset(v + static_cast<std::ptrdiff_t>(row) * v_stride + cx0, o.v, cx1 - cx0);
    }
  }
}

}  // namespace neuro::video
