// `--quick` for ws: steps: a session's receive duration is part of the scenario's timeline, so
// it scales with it (a 30 s stream in a run scaled to 10 s would outlive the run). The rate of
// a schedule stays as written, as think time does; a packet limit scales with the duration.
#pragma once

#include "load/scenario/scenario.hpp"

namespace neuro::load {

// Multiplies every ws: step's receive duration (and its packet limit) by `factor` (0 < f <= 1),
// keeping at least two scheduled packets and 1 s. No effect on other steps.
void scale_ws_steps(Scenario& s, double factor);

}  // namespace neuro::load
