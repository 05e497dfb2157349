#include "load/scenario/scenario.hpp"

#include "load/scenario/variables.hpp"

namespace neuro::load {

bool Step::uses_variables() const {
  if (!referenced_variables(path).empty()) return true;
  for (const auto& [name, value] : headers) {
    if (!referenced_variables(value).empty()) return true;
  }
  return body_template_bytes > 0;
}

bool Step::has_body() const {
  return !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
}

bool Scenario::uses_libcurl() const { return http2 || target.rfind("https://", 0) == 0; }

bool Scenario::uses_websocket() const {
  for (const auto& step : steps) {
    if (step.ws) return true;
  }
  return false;
}

const char* executor_name(ExecutorKind kind) {
  switch (kind) {
    case ExecutorKind::kConstantUsers:
      return "constant-users";
    case ExecutorKind::kConstantRate:
      return "constant-rate";
    case ExecutorKind::kRampingRate:
      return "ramping-rate";
    case ExecutorKind::kSpike:
      return "spike";
    case ExecutorKind::kStress:
      return "stress";
    case ExecutorKind::kSoak:
      return "soak";
  }
  return "?";
}

double planned_duration_s(const Executor& e) {
  if (e.kind == ExecutorKind::kConstantUsers) return e.duration_s;
  if (e.kind == ExecutorKind::kStress) {
    if (e.step_rate <= 0) return e.step_duration_s;
    const auto steps = static_cast<int>((e.max_rate - e.start_rate) / e.step_rate + 1e-9) + 1;
    return steps * e.step_duration_s;
  }
  double total = 0;
  for (const auto& s : e.stages) total += s.duration_s;
  return total;
}

}  // namespace neuro::load
