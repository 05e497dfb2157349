// The test videos' content, deterministic from a seed: a static noise texture with per-frame
// noise on top, and 1-5 solid rectangles, each bouncing inside its own horizontal lane (so two
// never touch and every ground-truth box is unambiguous). Renders YUV 4:2:0 planes directly.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/video/box.hpp"

namespace neuro::video {

struct SceneSpec {
  int width = 1280;
  int height = 720;
  int fps = 30;
  int frames = 90;
  int min_objects = 1;
  int max_objects = 5;
  std::uint64_t seed = 1;
};

// One rectangle's box in one frame.
struct GroundTruthBox {
  std::int64_t frame = 0;
  std::int64_t time_us = 0;
  int object_id = 0;
  Box box;
  bool operator==(const GroundTruthBox&) const = default;
};

// Time of frame `index` at `fps` in microseconds, rounded to nearest (as FFmpeg rescales).
std::int64_t frame_time_us(std::int64_t index, int fps) noexcept;

class Scene {
 public:
  // Throws InvalidArgument for sizes below 320x240 or not even, fps <= 0, frames <= 0, or an
  // object count outside 1..5.
  explicit Scene(const SceneSpec& spec);

  const SceneSpec& spec() const noexcept { return spec_; }
  int object_count() const noexcept { return static_cast<int>(objects_.size()); }

  // The boxes of frame `index` (one per object, by object id).
  std::vector<GroundTruthBox> boxes(std::int64_t index) const;

  // Writes frame `index` into the three planes (luma width x height, chroma half that each way)
  // with the given strides.
  void render(std::int64_t index, std::uint8_t* y, int y_stride, std::uint8_t* u, int u_stride,
              std::uint8_t* v, int v_stride) const;

 private:
  struct Object {
    int width, height;
    int x0, y0;                 // position at frame 0
    int vx, vy;                 // pixels per frame
    int lane_top, lane_bottom;  // rows the rectangle may cover: [lane_top, lane_bottom)
    std::uint8_t y, u, v;       // colour
  };
  Box box_at(const Object& object, std::int64_t index) const noexcept;

  SceneSpec spec_;
  std::vector<Object> objects_;
  std::vector<std::uint8_t> texture_y_, texture_u_, texture_v_;
};

}  // namespace neuro::video
