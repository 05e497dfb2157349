// A run's verdict: the thresholds judged on the whole document (exactly as `neuroperf merge`
// judges merged shards), then a stress run passes when some stage held, a soak fails on a
// suspected leak, and an aborted run fails.
#pragma once

#include "load/results/load_result.hpp"
#include "load/run/run_totals.hpp"
#include "load/scenario/scenario.hpp"

namespace neuro::load {

// Sets the document's thresholds, aborted, abort_reason and passed; reads its stress and soak.
void judge(LoadResult& result, const Scenario& scenario, const RunTotals& totals);

}  // namespace neuro::load
