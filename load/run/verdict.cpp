#include "load/run/verdict.hpp"

#include "load/results/result_document.hpp"

namespace neuro::load {

void judge(nlohmann::json& doc, const Scenario& s, const RunTotals& acc) {
  bool passed = true;
  doc["thresholds"] = evaluate_thresholds(s.thresholds, observe(document_window(doc)), &passed);
  if (!doc["stress"].is_null()) passed = !doc["stress"]["knee_rate"].is_null();
  if (!doc["soak"].is_null() && doc["soak"]["suspected_leak"].get<bool>()) passed = false;
  doc["aborted"] = acc.aborted;
  doc["abort_reason"] =
      acc.abort_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(acc.abort_reason);
  doc["passed"] = passed && !acc.aborted;
}

}  // namespace neuro::load
