// The detector: exact boxes on hand-made frames, and on generated videos boxes within IoU 0.8
// of the ground truth on at least 99 % of frames with precision and recall >= 0.99.
#include "engine/video/detector.hpp"

#include <gtest/gtest.h>

#include "engine/base/errors.hpp"
#include "engine/video/generator.hpp"
#include "engine/video/session.hpp"
#include "engine/video/test_support.hpp"
#include "engine/video/validation.hpp"

namespace neuro::video {
namespace {

using testing::VideoTest;

// A flat grey frame (320x240 unless said) with one bright square at (x, y).
std::vector<std::uint8_t> square_frame(int x, int y, int side, int width = 320) {
  std::vector<std::uint8_t> luma(static_cast<std::size_t>(width) * 240, 100);
  for (int r = y; r < y + side; ++r) {
    for (int c = x; c < x + side; ++c) luma[static_cast<std::size_t>(r) * width + c] = 220;
  }
  return luma;
}

TEST(MotionDetector, FindsAMovingSquareExactly) {
  DetectorOptions options;
  options.warmup_frames = 9;
  MotionDetector detector(320, 240, options);
  std::vector<DetectionEvent> events;
  for (int i = 0; i < 20; ++i) {
    const auto luma = square_frame(10 + 14 * i, 60, 30);
    FrameView frame{luma.data(), 320, 320, 240, i, std::int64_t{i} * 1000, nullptr};
    detector.push(frame, events);
    if (i < 8) {
      EXPECT_TRUE(events.empty()) << "still learning the background at frame " << i;
    }
  }
  ASSERT_EQ(events.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(events[i].frame, i);
    EXPECT_EQ(events[i].time_us, i * 1000);
    EXPECT_EQ(events[i].box, (Box{10 + 14 * i, 60, 30, 30})) << "frame " << i;
    EXPECT_DOUBLE_EQ(events[i].confidence, 1.0);
  }
}

TEST(MotionDetector, DetectsColumnsPastTheLastVector) {
  // 358 columns: 179 at half resolution, 19 of them after the last 32-pixel step.
  DetectorOptions options;
  options.warmup_frames = 6;
  options.warmup_stride = 1;
  MotionDetector detector(358, 240, options);
  std::vector<DetectionEvent> events;
  for (int i = 0; i < 8; ++i) {
    const auto luma = square_frame(318 - 40 * i, 100, 30, 358);
    detector.push(FrameView{luma.data(), 358, 358, 240, i, std::int64_t{i} * 1000, nullptr},
                  events);
  }
  ASSERT_EQ(events.size(), 8u);
  EXPECT_EQ(events[0].box, (Box{318, 100, 30, 30}));  // wholly in the scalar tail
  EXPECT_EQ(events[7].box, (Box{38, 100, 30, 30}));
}

TEST(MotionDetector, AShortVideoIsDetectedAtTheEnd) {
  DetectorOptions options;
  options.warmup_frames = 90;
  options.warmup_stride = 1;  // six samples, each pixel covered in one at most
  MotionDetector detector(320, 240, options);
  std::vector<DetectionEvent> events;
  for (int i = 0; i < 6; ++i) {
    const auto luma = square_frame(20 + 30 * i, 100, 30);
    detector.push(FrameView{luma.data(), 320, 320, 240, i, std::int64_t{i} * 1000, nullptr},
                  events);
  }
  EXPECT_TRUE(events.empty());
  detector.finish(events);
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[5].box, (Box{170, 100, 30, 30}));
}

TEST(MotionDetector, RejectsAFrameOfAnotherSize) {
  MotionDetector detector(320, 240);
  std::vector<std::uint8_t> luma(std::size_t{64} * 64, 0);
  std::vector<DetectionEvent> events;
  EXPECT_THROW(detector.push(FrameView{luma.data(), 64, 64, 64, 0, 0, nullptr}, events),
               base::InvalidArgument);
}

class Detection : public VideoTest,
                  public ::testing::WithParamInterface<std::tuple<const char*, int>> {};

TEST_P(Detection, MatchesGroundTruth) {
  const auto [encoder, seed] = GetParam();
  if (!has_encoder(encoder)) GTEST_SKIP() << "this libavcodec has no " << encoder << " encoder";
  const std::string path = dir_.file("v.mp4");
  const auto truth = generate_video(path, testing::short_video(4, seed, encoder));
  const SessionResult session = run_session(path);
  EXPECT_EQ(session.frames, 120);
  EXPECT_DOUBLE_EQ(session.video_seconds, 4.0);
  const double agreement = frame_agreement(session.events, truth, 0.8);
  EXPECT_GE(agreement, 0.99);
  const auto result = validate(session.events, truth, ValidationOptions{100, 0.5});
  EXPECT_GE(result.precision, 0.99) << result.false_positives << " FP";
  EXPECT_GE(result.recall, 0.99) << result.false_negatives << " FN";
}

INSTANTIATE_TEST_SUITE_P(Videos, Detection,
                         ::testing::Values(std::make_tuple("mpeg4", 1), std::make_tuple("mpeg4", 2),
                                           std::make_tuple("mpeg4", 3),
                                           std::make_tuple("libx264", 4)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param)) + "_seed" +
                                  std::to_string(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace neuro::video
