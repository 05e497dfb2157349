#include "load/run/verdict.hpp"

#include "load/results/result_document.hpp"

namespace neuro::load {

void judge(LoadResult& r, const Scenario& s, const RunTotals& acc) {
  bool passed = true;
  r.thresholds = evaluate_thresholds(s.thresholds, observe(result_window(r)), &passed);
  if (r.stress) passed = r.stress->knee_rate.has_value();
  if (r.soak && r.soak->suspected_leak) passed = false;
  r.aborted = acc.aborted;
  r.abort_reason = acc.abort_reason;
  r.passed = passed && !acc.aborted;
}

}  // namespace neuro::load
