// `neuroperf load --quick`: the scenario's timeline (durations, ramp-up, stages, stress steps)
// scaled by one factor so the whole run takes seconds, keeping its shape (ws: steps' receive
// durations too). Think time, request timeouts and polling limits stay as written, so each user
// loads the target as hard as in the full run. A file's `quick:` section may set the length and
// fewer users for scenarios whose single requests are heavy.
#pragma once

#include "load/scenario/scenario.hpp"

namespace neuro::load {

// The default length of a quick run when the file has no `quick: {duration}`.
inline constexpr double kQuickSeconds = 10;

// Scales `s` in place; returns the factor (1 when the run is already that short). A run bounded
// by iterations keeps its count; its timeline is its ramp-up and its iterations' ws: receive
// durations. Records {factor, seconds, users} in s.config["quick"].
double apply_quick(Scenario& s);

}  // namespace neuro::load
