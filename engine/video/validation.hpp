// The platform's validation: detection events matched one-to-one to ground-truth boxes within a
// time tolerance and a minimum overlap, each labelled TP, FP or FN (the platform's
// validation_result), with precision and recall.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/video/detector.hpp"
#include "engine/video/scene.hpp"

namespace neuro::video {

enum class Outcome { kTruePositive, kFalsePositive, kFalseNegative };
// "TP", "FP", "FN".
const char* outcome_name(Outcome outcome) noexcept;

struct ValidationOptions {
  std::int64_t tolerance_ms = 100;  // |detection time - truth time| allowed for a match
  double min_iou = 0.5;
};

struct LabelledEvent {
  Outcome outcome;
  std::int64_t frame;
  std::int64_t time_us;
  Box box;            // the detection's; for FN the missed truth box
  double confidence;  // 0 for FN
  std::string class_label;
  int object_id;  // the matched truth object; -1 for FP
  double iou;     // of the match; 0 for FP and FN
};

struct ValidationResult {
  std::vector<LabelledEvent> events;  // detections in their order, then the missed truths
  std::int64_t true_positives = 0;
  std::int64_t false_positives = 0;
  std::int64_t false_negatives = 0;
  double precision = 0.0;  // TP / (TP + FP); 1 when nothing was detected and nothing was there
  double recall = 0.0;     // TP / (TP + FN); 1 when there was nothing to find
};

// Greedy matching: candidate pairs within the tolerance and at min_iou or more, closest in time
// first, then highest IoU, then lowest indices; each detection and each truth used at most
// once. Throws InvalidArgument for a negative tolerance or min_iou outside (0, 1].
ValidationResult validate(const std::vector<DetectionEvent>& detections,
                          const std::vector<GroundTruthBox>& truth,
                          const ValidationOptions& options);

// The share of frames (those in `truth` or `detections`, by frame number) where every truth box
// has a same-frame detection at min_iou or more and no detection is left over.
double frame_agreement(const std::vector<DetectionEvent>& detections,
                       const std::vector<GroundTruthBox>& truth, double min_iou);

}  // namespace neuro::video
