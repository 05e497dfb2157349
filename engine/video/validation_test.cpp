// Validation on hand-made events: each case's TP/FP/FN worked out by hand.
#include "engine/video/validation.hpp"

#include <gtest/gtest.h>

#include "engine/base/errors.hpp"

namespace neuro::video {
namespace {

DetectionEvent detection(std::int64_t frame, std::int64_t time_ms, Box box) {
  DetectionEvent e;
  e.frame = frame;
  e.time_us = time_ms * 1000;
  e.box = box;
  e.confidence = 0.9;
  return e;
}
GroundTruthBox truth(std::int64_t frame, std::int64_t time_ms, int id, Box box) {
  return GroundTruthBox{frame, time_ms * 1000, id, box};
}

const Box kBox{100, 100, 50, 50};

TEST(Validation, ExactMatchIsATruePositive) {
  const auto r = validate({detection(0, 0, kBox)}, {truth(0, 0, 7, kBox)}, {});
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].outcome, Outcome::kTruePositive);
  EXPECT_EQ(r.events[0].object_id, 7);
  EXPECT_DOUBLE_EQ(r.events[0].iou, 1.0);
  EXPECT_EQ(r.true_positives, 1);
  EXPECT_DOUBLE_EQ(r.precision, 1.0);
  EXPECT_DOUBLE_EQ(r.recall, 1.0);
}

TEST(Validation, ToleranceDecidesTheMatch) {
  // 66 ms apart: inside 100 ms, outside 50 ms.
  const auto inside = validate({detection(2, 66, kBox)}, {truth(0, 0, 1, kBox)}, {100, 0.5});
  EXPECT_EQ(inside.true_positives, 1);
  const auto outside = validate({detection(2, 66, kBox)}, {truth(0, 0, 1, kBox)}, {50, 0.5});
  EXPECT_EQ(outside.true_positives, 0);
  EXPECT_EQ(outside.false_positives, 1);
  EXPECT_EQ(outside.false_negatives, 1);
  EXPECT_DOUBLE_EQ(outside.precision, 0.0);
  EXPECT_DOUBLE_EQ(outside.recall, 0.0);
  ASSERT_EQ(outside.events.size(), 2u);
  EXPECT_STREQ(outcome_name(outside.events[0].outcome), "FP");
  EXPECT_STREQ(outcome_name(outside.events[1].outcome), "FN");
  EXPECT_EQ(outside.events[1].box, kBox);
}

TEST(Validation, TooLittleOverlapIsNoMatch) {
  // Shifted by 30 of 50 columns: IoU = 20*50 / (2*2500 - 1000) = 0.25.
  const auto r = validate({detection(0, 0, Box{130, 100, 50, 50})}, {truth(0, 0, 1, kBox)}, {});
  EXPECT_EQ(r.true_positives, 0);
  EXPECT_EQ(r.false_positives, 1);
  EXPECT_EQ(r.false_negatives, 1);
}

TEST(Validation, OneTruthMatchesOneDetectionOnly) {
  const auto r = validate({detection(0, 0, kBox), detection(0, 0, Box{102, 100, 50, 50})},
                          {truth(0, 0, 1, kBox)}, {});
  EXPECT_EQ(r.true_positives, 1);
  EXPECT_EQ(r.false_positives, 1);
  EXPECT_EQ(r.events[0].outcome, Outcome::kTruePositive);  // the better overlap wins
  EXPECT_DOUBLE_EQ(r.precision, 0.5);
  EXPECT_DOUBLE_EQ(r.recall, 1.0);
}

TEST(Validation, ClosestInTimeIsMatchedFirst) {
  // Truths at 0 and 33 ms, detections at 33 and 66 ms: 33<->33 first, then 0<->66 (66 ms apart).
  const auto r = validate({detection(1, 33, kBox), detection(2, 66, kBox)},
                          {truth(0, 0, 1, kBox), truth(1, 33, 1, kBox)}, {100, 0.5});
  EXPECT_EQ(r.true_positives, 2);
  EXPECT_EQ(r.events[0].object_id, 1);
  EXPECT_EQ(r.false_negatives, 0);
}

TEST(Validation, NothingToFindAndNothingFoundIsPerfect) {
  const auto r = validate({}, {}, {});
  EXPECT_DOUBLE_EQ(r.precision, 1.0);
  EXPECT_DOUBLE_EQ(r.recall, 1.0);
}

TEST(Validation, RejectsBadOptions) {
  EXPECT_THROW(validate({}, {}, {-1, 0.5}), base::InvalidArgument);
  EXPECT_THROW(validate({}, {}, {100, 0.0}), base::InvalidArgument);
}

TEST(FrameAgreement, CountsFramesWhereEveryBoxMatches) {
  // Frame 0 matches, frame 1 has an extra detection, frame 2 misses its box.
  const std::vector<DetectionEvent> d{detection(0, 0, kBox), detection(1, 33, kBox),
                                      detection(1, 33, Box{300, 300, 20, 20})};
  const std::vector<GroundTruthBox> t{truth(0, 0, 1, kBox), truth(1, 33, 1, kBox),
                                      truth(2, 66, 1, kBox)};
  EXPECT_DOUBLE_EQ(frame_agreement(d, t, 0.8), 1.0 / 3.0);
}

}  // namespace
}  // namespace neuro::video
