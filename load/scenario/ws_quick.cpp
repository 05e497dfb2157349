#include "load/scenario/ws_quick.hpp"

#include <algorithm>
#include <cmath>

namespace neuro::load {

void scale_ws_steps(Scenario& s, double factor) {
  if (!(factor > 0) || factor >= 1) return;
  for (auto& step : s.steps) {
    if (!step.ws) continue;
    WsStep& w = *step.ws;
    const double floor_s = std::max(1.0, 2 * w.every_s);
    w.duration_s = std::min(w.duration_s, std::max(floor_s, w.duration_s * factor));
    if (w.max_packets > 0) {
      w.max_packets = std::max<std::int64_t>(
          2, static_cast<std::int64_t>(std::ceil(static_cast<double>(w.max_packets) * factor)));
    }
  }
}

}  // namespace neuro::load
