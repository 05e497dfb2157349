// What the run says about its own measurement (client.warnings of the result): a saturated
// client, CPUs shared with the target, a target that went away, late or dropped open-model
// sends, libcurl without h2c reuse, a soak with no RSS trend to fit.
#pragma once

#include <string>
#include <vector>

#include "load/run/plan.hpp"
#include "load/run/run_options.hpp"
#include "load/run/run_totals.hpp"
#include "load/scenario/scenario.hpp"

namespace neuro::load {

std::vector<std::string> client_warnings(const Scenario& scenario, const RunOptions& options,
                                         const RunPlan& plan, const RunTotals& totals);

}  // namespace neuro::load
