// Generator + decoder: the decoded frame count, timestamps and pixels are what the generator
// wrote, for MPEG-4 Part 2 and H.264, with one and two decoder threads.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "engine/video/decoder.hpp"
#include "engine/video/generator.hpp"
#include "engine/video/ground_truth.hpp"
#include "engine/video/test_support.hpp"

namespace neuro::video {
namespace {

using testing::VideoTest;

class Decode : public VideoTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(Decode, DecodesWhatTheGeneratorWrote) {
  const std::string encoder = GetParam();
  if (!has_encoder(encoder)) GTEST_SKIP() << "this libavcodec has no " << encoder << " encoder";
  const GeneratorSpec spec = testing::short_video(2, 3, encoder);
  const std::string path = dir_.file("v.mp4");
  const auto truth = generate_video(path, spec);
  const Scene scene(spec.scene);
  ASSERT_EQ(truth.size(), static_cast<std::size_t>(spec.scene.frames * scene.object_count()));

  Decoder decoder(path);
  EXPECT_EQ(decoder.info().codec, encoder == "mpeg4" ? "mpeg4" : "h264");
  EXPECT_EQ(decoder.info().width, 1280);
  EXPECT_EQ(decoder.info().height, 720);
  EXPECT_DOUBLE_EQ(decoder.info().fps, 30.0);
  EXPECT_EQ(decoder.info().frame_count, spec.scene.frames);

  std::vector<std::uint8_t> y(std::size_t{1280} * 720), u(y.size() / 4), v(y.size() / 4);
  FrameView frame;
  std::int64_t count = 0;
  double worst_mean_error = 0;
  while (decoder.next(frame)) {
    EXPECT_EQ(frame.index, count);
    EXPECT_EQ(frame.pts_us, frame_time_us(count, 30)) << "frame " << count;
    // The decoded luma is the rendered one up to coding noise.
    scene.render(count, y.data(), 1280, u.data(), 640, v.data(), 640);
    double error = 0;
    for (int r = 0; r < 720; ++r) {
      for (int c = 0; c < 1280; ++c) {
        error += std::abs(frame.luma[static_cast<std::ptrdiff_t>(r) * frame.luma_stride + c] -
                          y[static_cast<std::size_t>(r) * 1280 + c]);
      }
    }
    worst_mean_error = std::max(worst_mean_error, error / (1280.0 * 720.0));
    ++count;
  }
  EXPECT_EQ(count, spec.scene.frames);
  EXPECT_LT(worst_mean_error, 6.0);
  EXPECT_FALSE(decoder.next(frame));  // stays at the end
}

TEST_P(Decode, TwoThreadsGiveTheSameFrames) {
  const std::string encoder = GetParam();
  if (!has_encoder(encoder)) GTEST_SKIP() << "this libavcodec has no " << encoder << " encoder";
  const std::string path = dir_.file("v.mp4");
  generate_video(path, testing::short_video(1, 4, encoder));
  Decoder one(path, DecoderOptions{1});
  Decoder two(path, DecoderOptions{2});
  FrameView a, b;
  std::int64_t count = 0;
  while (one.next(a)) {
    ASSERT_TRUE(two.next(b));
    ASSERT_EQ(a.pts_us, b.pts_us);
    for (int r = 0; r < a.height; ++r) {
      ASSERT_EQ(0, std::memcmp(a.luma + static_cast<std::ptrdiff_t>(r) * a.luma_stride,
                               b.luma + static_cast<std::ptrdiff_t>(r) * b.luma_stride, a.width))
          << "frame " << count << " row " << r;
    }
    ++count;
  }
  EXPECT_FALSE(two.next(b));
  EXPECT_EQ(count, 30);
}

INSTANTIATE_TEST_SUITE_P(Codecs, Decode, ::testing::Values("mpeg4", "libx264"),
                         [](const auto& info) { return std::string(info.param); });

TEST_F(VideoTest, GroundTruthFileRoundTrips) {
  const std::string path = dir_.file("v.mp4");
  const auto truth = generate_video(path, testing::short_video(1, 9));
  write_ground_truth(ground_truth_path(path), truth);
  EXPECT_EQ(read_ground_truth(ground_truth_path(path)), truth);
  // Independent of the generator's return value: the scene says the same.
  const Scene scene(testing::short_video(1, 9).scene);
  EXPECT_EQ(truth.front(), scene.boxes(0).front());
  EXPECT_EQ(truth.back(), scene.boxes(29).back());
}

}  // namespace
}  // namespace neuro::video
