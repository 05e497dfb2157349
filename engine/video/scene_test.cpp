// The scene: determinism from the seed, boxes inside the frame and apart, and the rendered
// pixels agreeing with the boxes it reports.
#include "engine/video/scene.hpp"

#include <gtest/gtest.h>

#include <set>

#include "engine/base/errors.hpp"

namespace neuro::video {
namespace {

struct Planes {
  explicit Planes(const SceneSpec& s)
      : y(static_cast<std::size_t>(s.width) * s.height), u(y.size() / 4), v(y.size() / 4) {}
  std::vector<std::uint8_t> y, u, v;
};

Planes render(const Scene& scene, std::int64_t index) {
  Planes p(scene.spec());
  const int w = scene.spec().width;
  scene.render(index, p.y.data(), w, p.u.data(), w / 2, p.v.data(), w / 2);
  return p;
}

TEST(Scene, SameSeedSameVideoOtherSeedOther) {
  SceneSpec spec;
  spec.seed = 11;
  const Scene a(spec), b(spec);
  spec.seed = 12;
  const Scene c(spec);
  EXPECT_EQ(a.boxes(17), b.boxes(17));
  EXPECT_EQ(render(a, 17).y, render(b, 17).y);
  EXPECT_NE(render(a, 17).y, render(c, 17).y);
  // Frames differ from each other (noise and motion).
  EXPECT_NE(render(a, 17).y, render(a, 18).y);
}

TEST(Scene, BoxesStayInsideAndApartAndMove) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SceneSpec spec;
    spec.seed = seed;
    const Scene scene(spec);
    auto first = scene.boxes(0);
    bool moved = false;
    for (std::int64_t i = 0; i < 300; ++i) {
      const auto boxes = scene.boxes(i);
      ASSERT_EQ(static_cast<int>(boxes.size()), scene.object_count());
      for (std::size_t k = 0; k < boxes.size(); ++k) {
        const Box& b = boxes[k].box;
        EXPECT_EQ(boxes[k].time_us, frame_time_us(i, 30));
        ASSERT_GE(b.x, 0);
        ASSERT_GE(b.y, 0);
        ASSERT_LE(b.x + b.width, spec.width);
        ASSERT_LE(b.y + b.height, spec.height);
        ASSERT_GE(b.width, 50);
        ASSERT_LE(b.width, 100);
        if (!(b == first[k].box)) moved = true;
        for (std::size_t m = k + 1; m < boxes.size(); ++m) {
          const Box& o = boxes[m].box;
          // At least 8 rows apart vertically: never touching, whatever the columns.
          const bool apart = b.y + b.height + 8 <= o.y || o.y + o.height + 8 <= b.y;
          ASSERT_TRUE(apart) << "seed " << seed << " frame " << i;
        }
      }
    }
    EXPECT_TRUE(moved) << "seed " << seed;
  }
}

TEST(Scene, ObjectCountsCoverOneToFive) {
  std::set<int> counts;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    SceneSpec spec;
    spec.seed = seed;
    counts.insert(Scene(spec).object_count());
  }
  EXPECT_EQ(counts, (std::set<int>{1, 2, 3, 4, 5}));
}

TEST(Scene, RenderedPixelsMatchTheBoxes) {
  SceneSpec spec;
  spec.seed = 5;
  const Scene scene(spec);
  for (std::int64_t i : {0, 41, 299}) {
    const Planes p = render(scene, i);
    for (const auto& g : scene.boxes(i)) {
      const Box& b = g.box;
      const auto at = [&](int x, int y) {
        return p.y[static_cast<std::size_t>(y) * spec.width + x];
      };
      const std::uint8_t colour = at(b.x, b.y);
      EXPECT_TRUE(colour <= 40 || colour >= 216);
      for (int y = b.y; y < b.y + b.height; ++y) {
        for (int x = b.x; x < b.x + b.width; ++x) {
          ASSERT_EQ(at(x, y), colour);
        }
      }
      // Just outside the box is texture (84..172 with the noise), when inside the frame.
      if (b.x > 0) {
        EXPECT_TRUE(at(b.x - 1, b.y) >= 84 && at(b.x - 1, b.y) <= 172);
      }
      if (b.x + b.width < spec.width) {
        EXPECT_TRUE(at(b.x + b.width, b.y) >= 84 && at(b.x + b.width, b.y) <= 172);
      }
    }
  }
}

TEST(Scene, RejectsBadSpecs) {
  SceneSpec spec;
  spec.width = 641;
  EXPECT_THROW(Scene{spec}, base::InvalidArgument);
  spec = SceneSpec{};
  spec.frames = 0;
  EXPECT_THROW(Scene{spec}, base::InvalidArgument);
  spec = SceneSpec{};
  spec.max_objects = 6;
  EXPECT_THROW(Scene{spec}, base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::video
