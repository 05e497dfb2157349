// Matching by sorted candidate pairs; truth and detections are indexed by time for the window.
#include "engine/video/validation.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>

#include "engine/base/errors.hpp"

namespace neuro::video {

const char* outcome_name(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::kTruePositive:
      return "TP";
    case Outcome::kFalsePositive:
      return "FP";
    case Outcome::kFalseNegative:
      return "FN";
  }
  return "?";
}

ValidationResult validate(const std::vector<DetectionEvent>& detections,
                          const std::vector<GroundTruthBox>& truth,
                          const ValidationOptions& options) {
  if (options.tolerance_ms < 0) throw base::InvalidArgument("validation: tolerance_ms < 0");
  if (!(options.min_iou > 0.0 && options.min_iou <= 1.0)) {
    throw base::InvalidArgument("validation: min_iou must lie in (0, 1]");
  }
  const std::int64_t tolerance_us = options.tolerance_ms * 1000;
  // Detections sorted by time (indices), so each truth box scans only its window.
  std::vector<std::size_t> by_time(detections.size());
  std::iota(by_time.begin(), by_time.end(), std::size_t{0});
  std::stable_sort(by_time.begin(), by_time.end(), [&](std::size_t a, std::size_t b) {
    return detections[a].time_us < detections[b].time_us;
  });
  struct Pair {
    std::int64_t dt_us;
    double iou;
    std::size_t truth, detection;
  };
  std::vector<Pair> pairs;
  for (std::size_t t = 0; t < truth.size(); ++t) {
    const std::int64_t lo = truth[t].time_us - tolerance_us;
    auto it =
        std::lower_bound(by_time.begin(), by_time.end(), lo,
                         [&](std::size_t d, std::int64_t v) { return detections[d].time_us < v; });
    for (; it != by_time.end() && detections[*it].time_us <= truth[t].time_us + tolerance_us;
         ++it) {
      const double overlap = iou(detections[*it].box, truth[t].box);
      if (overlap >= options.min_iou) {
        pairs.push_back(
            Pair{std::abs(detections[*it].time_us - truth[t].time_us), overlap, t, *it});
      }
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
    return std::tie(a.dt_us, b.iou, a.truth, a.detection) <
           std::tie(b.dt_us, a.iou, b.truth, b.detection);
  });
  std::vector<int> truth_match(truth.size(), -1);
  std::vector<std::ptrdiff_t> detection_match(detections.size(), -1);
  std::vector<double> detection_iou(detections.size(), 0.0);
  for (const Pair& p : pairs) {
    if (truth_match[p.truth] >= 0 || detection_match[p.detection] >= 0) continue;
    truth_match[p.truth] = static_cast<int>(p.detection);
    detection_match[p.detection] = static_cast<std::ptrdiff_t>(p.truth);
    detection_iou[p.detection] = p.iou;
  }
  ValidationResult result;
  result.events.reserve(detections.size() + truth.size());
  for (std::size_t d = 0; d < detections.size(); ++d) {
    const DetectionEvent& e = detections[d];
    const bool matched = detection_match[d] >= 0;
    result.events.push_back(
        LabelledEvent{matched ? Outcome::kTruePositive : Outcome::kFalsePositive, e.frame,
                      e.time_us, e.box, e.confidence, e.class_label,
                      matched ? truth[static_cast<std::size_t>(detection_match[d])].object_id : -1,
                      detection_iou[d]});
    (matched ? result.true_positives : result.false_positives) += 1;
  }
  for (std::size_t t = 0; t < truth.size(); ++t) {
    if (truth_match[t] >= 0) continue;
    const GroundTruthBox& g = truth[t];
    result.events.push_back(LabelledEvent{Outcome::kFalseNegative, g.frame, g.time_us, g.box, 0.0,
                                          "moving_object", g.object_id, 0.0});
    ++result.false_negatives;
  }
  const auto ratio = [](std::int64_t num, std::int64_t den) {
    return den == 0 ? 1.0 : static_cast<double>(num) / static_cast<double>(den);
  };
  result.precision = ratio(result.true_positives, result.true_positives + result.false_positives);
  result.recall = ratio(result.true_positives, result.true_positives + result.false_negatives);
  return result;
}

double frame_agreement(const std::vector<DetectionEvent>& detections,
                       const std::vector<GroundTruthBox>& truth, double min_iou) {
  std::map<std::int64_t, std::pair<std::vector<Box>, std::vector<Box>>> frames;
  for (const auto& g : truth) frames[g.frame].first.push_back(g.box);
  for (const auto& d : detections) frames[d.frame].second.push_back(d.box);
  if (frames.empty()) return 1.0;
  std::size_t good = 0;
  for (auto& [frame, boxes] : frames) {
    auto& [want, got] = boxes;
    if (want.size() != got.size()) continue;
    std::vector<bool> used(got.size(), false);
    bool ok = true;
    for (const Box& w : want) {
      std::size_t best = got.size();
      double best_iou = min_iou;
      for (std::size_t k = 0; k < got.size(); ++k) {
        const double v = iou(w, got[k]);
        if (!used[k] && v >= best_iou) {
          best = k;
          best_iou = v;
        }
      }
      if (best == got.size()) {
        ok = false;
        break;
      }
      used[best] = true;
    }
    if (ok) ++good;
  }
  return static_cast<double>(good) / static_cast<double>(frames.size());
}

}  // namespace neuro::video
