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

// The detector reads MPEG-4 frames from the decoder's bands, while their rows are in cache; it
// must find exactly what it finds reading each whole frame once it is returned.
std::vector<DetectionEvent> detect_whole_frames(const std::string& path) {
  Decoder decoder(path);  // no band listener
  EXPECT_FALSE(decoder.tells_bands());
  MotionDetector detector(decoder.info().width, decoder.info().height);
  std::vector<DetectionEvent> events;
  FrameView frame;
  while (decoder.next(frame)) detector.push(frame, events);
  detector.finish(events);
  EXPECT_EQ(detector.frames_from_bands(), 0);
  return events;
}

TEST_P(Detection, BandsAsWholeFrames) {
  const auto [encoder, seed] = GetParam();
  if (!has_encoder(encoder)) GTEST_SKIP() << "this libavcodec has no " << encoder << " encoder";
  const std::string path = dir_.file("v.mp4");
  generate_video(path, testing::short_video(4, seed, encoder));
  const SessionResult banded = run_session(path);
  // MPEG-4 Part 2 tells every frame's bands; H.264 none (its frames are read whole).
  EXPECT_EQ(banded.frames_from_bands, std::string(encoder) == "mpeg4" ? banded.frames : 0);
  const auto whole = detect_whole_frames(path);
  ASSERT_EQ(banded.events.size(), whole.size());
  ASSERT_FALSE(whole.empty());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(banded.events[i].frame, whole[i].frame) << "event " << i;
    EXPECT_EQ(banded.events[i].time_us, whole[i].time_us) << "event " << i;
    EXPECT_EQ(banded.events[i].box, whole[i].box) << "event " << i;
    EXPECT_DOUBLE_EQ(banded.events[i].confidence, whole[i].confidence) << "event " << i;
  }
}

// Bands out of order, of another frame, or with a row missing: the frame is read whole.
TEST(MotionDetector, IncompleteBandsReadTheWholeFrame) {
  DetectorOptions options;
  options.warmup_frames = 2;
  options.warmup_stride = 1;
  MotionDetector banded(320, 240, options);
  MotionDetector whole(320, 240, options);
  std::vector<DetectionEvent> from_bands, from_frames;
  const auto background = square_frame(0, 0, 0);
  const auto object = square_frame(100, 100, 40);
  const auto other = square_frame(200, 20, 40);
  for (int i = 0; i < 2; ++i) {
    const FrameView f{background.data(), 320, 320, 240, i, std::int64_t{i} * 1000, nullptr};
    banded.push(f, from_bands);
    whole.push(f, from_frames);
  }
  const auto band = [](const std::vector<std::uint8_t>& luma, int y, int rows) {
    return LumaBand{luma.data(), 320, 320, 240, y, rows};
  };
  // Frame 2: every band, of 16 rows, then an odd split (15 + 17): read from bands.
  for (int y = 0; y < 240; y += 16) banded.on_band(band(object, y, 16));
  banded.push(FrameView{object.data(), 320, 320, 240, 2, 2000, nullptr}, from_bands);
  whole.push(FrameView{object.data(), 320, 320, 240, 2, 2000, nullptr}, from_frames);
  EXPECT_EQ(banded.frames_from_bands(), 1);
  banded.on_band(band(object, 0, 15));
  banded.on_band(band(object, 15, 225));
  banded.push(FrameView{object.data(), 320, 320, 240, 3, 3000, nullptr}, from_bands);
  whole.push(FrameView{object.data(), 320, 320, 240, 3, 3000, nullptr}, from_frames);
  EXPECT_EQ(banded.frames_from_bands(), 2);
  // Frame 4: the other frame's bands (whole), then a gap, then bands past the frame's end.
  for (int y = 0; y < 240; y += 16) banded.on_band(band(object, y, 16));
  banded.push(FrameView{other.data(), 320, 320, 240, 4, 4000, nullptr}, from_bands);
  whole.push(FrameView{other.data(), 320, 320, 240, 4, 4000, nullptr}, from_frames);
  banded.on_band(band(other, 0, 16));
  banded.on_band(band(other, 32, 208));
  banded.push(FrameView{other.data(), 320, 320, 240, 5, 5000, nullptr}, from_bands);
  whole.push(FrameView{other.data(), 320, 320, 240, 5, 5000, nullptr}, from_frames);
  banded.on_band(band(other, 0, 232));
  banded.on_band(band(other, 232, 16));
  banded.push(FrameView{other.data(), 320, 320, 240, 6, 6000, nullptr}, from_bands);
  whole.push(FrameView{other.data(), 320, 320, 240, 6, 6000, nullptr}, from_frames);
  EXPECT_EQ(banded.frames_from_bands(), 2);
  ASSERT_EQ(from_bands.size(), from_frames.size());
  for (std::size_t i = 0; i < from_frames.size(); ++i) {
    EXPECT_EQ(from_bands[i].frame, from_frames[i].frame);
    EXPECT_EQ(from_bands[i].box, from_frames[i].box) << "frame " << from_frames[i].frame;
  }
  EXPECT_EQ(from_frames.back().box, (Box{200, 20, 40, 40}));
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
