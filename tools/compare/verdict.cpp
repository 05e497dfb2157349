#include "tools/compare/verdict.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "engine/base/errors.hpp"
#include "tools/compare/mann_whitney.hpp"
#include "tools/compare/sample_stats.hpp"

namespace neuro::compare {
namespace {

double relative_change(double baseline, double current) {
  if (baseline == 0.0) return current == 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
  return current / baseline - 1.0;
}

// Spread of one side: our own robust CV from repetitions, else the file's cv aggregate.
double side_spread(const BenchmarkResult& r, const std::string& metric,
                   std::span<const double> values) {
  if (!r.aggregates_only) return robust_cv(values);
  const auto it = r.cv.find(metric);
  return it == r.cv.end() ? 0.0 : std::abs(it->second);
}

struct Side {
  const BenchmarkResult& result;
  std::vector<double> values;
};

MetricResult evaluate(const std::string& name, Direction direction, bool gated, const Side& base,
                      const Side& cur, const Settings& s, Mode mode) {
  MetricResult m;
  m.name = name;
  m.direction = direction;
  m.gated = gated;
  m.baseline = median(base.values);
  m.current = median(cur.values);
  m.change = relative_change(m.baseline, m.current);
  const bool lower_better = direction == Direction::kLowerIsBetter;
  const bool worse = lower_better ? m.change > 0 : m.change < 0;
  const double threshold = mode == Mode::kInstructions ? s.instructions_threshold : s.threshold;
  const bool beyond = std::abs(m.change) > threshold;
  if (mode == Mode::kInstructions) {
    // Instruction counts are deterministic: no statistics, no noise.
    m.status = !beyond ? Status::kOk : worse ? Status::kRegressed : Status::kImproved;
    return m;
  }
  m.spread = std::max(side_spread(base.result, name, base.values),
                      side_spread(cur.result, name, cur.values));
  const bool noisy = m.spread > s.noise;
  const bool testable = !base.result.aggregates_only && !cur.result.aggregates_only;
  bool significant = false;
  if (testable) {
    // One-sided, in the direction the change went, against the baseline moved by the threshold:
    // H0 is "the change is within the threshold", not "there is no change". With 1000
    // benchmarks a plain test at 5 % would let a few same-build medians that happen to differ
    // by just over the threshold through on every run; this one does not, and a real change
    // well beyond the threshold is as significant as before.
    const bool current_greater = lower_better == worse;
    const double factor = current_greater ? 1.0 + threshold : 1.0 - threshold;
    std::vector<double> shifted(base.values);
    for (double& v : shifted) v *= factor;
    m.p_value = mann_whitney_u(cur.values, shifted,
                               current_greater ? Alternative::kGreater : Alternative::kLess)
                    .p_value;
    m.min_p = mann_whitney_min_p(cur.values.size(), base.values.size());
    significant = m.p_value < s.alpha;
  }
  if (beyond && worse) {
    // A noisy benchmark regresses only by more than its threshold plus its spread, so that the
    // gate does not flap on benchmarks whose repetitions disagree by more than the threshold.
    if (significant && (!noisy || std::abs(m.change) > threshold + m.spread)) {
      m.status = Status::kRegressed;
    } else {
      m.status = noisy ? Status::kNoisy : Status::kSuspect;
    }
  } else if (beyond && significant) {
    m.status = noisy ? Status::kNoisy : Status::kImproved;
  } else {
    m.status = noisy ? Status::kNoisy : Status::kOk;
  }
  return m;
}

std::vector<double> time_values(const BenchmarkResult& r, bool real) {
  return real ? r.real_time_ns : r.cpu_time_ns;
}

void append_detail(std::string& detail, const std::string& more) {
  detail += (detail.empty() ? "" : "; ") + more;
}

// Rates and durations move with the machine's speed; counts and sizes do not. `speed` is the
// current machine's time per unit of the baseline machine's.
double counter_speed_factor(const std::string& counter, double speed) {
  if (glob_match("*_per_second", counter)) return speed;
  for (const char* unit : {"_ns", "_us", "_ms", "_s"}) {
    if (counter.ends_with(unit)) return 1.0 / speed;
  }
  return 1.0;
}

std::vector<double> scaled(std::vector<double> values, double factor) {
  if (factor != 1.0) {
    for (double& v : values) v *= factor;
  }
  return values;
}

// `speed`: divide the current run's times by it (1 + the calibration's change when applied).
// `oversubscribed`: either run shared its CPUs with other work, so a wall-time regression is
// at most suspect.
BenchmarkComparison compare_one(const BenchmarkResult& b, const BenchmarkResult& c,
                                const Settings& s, Mode mode, const std::string& origin,
                                double speed, bool oversubscribed) {
  BenchmarkComparison out;
  out.name = c.name;
  out.threshold = mode == Mode::kInstructions ? s.instructions_threshold : s.threshold;
  out.alpha = s.alpha;
  out.baseline_samples = b.cpu_time_ns.size();
  out.current_samples = c.cpu_time_ns.size();
  if (mode == Mode::kInstructions) {
    for (const auto* r : {&b, &c}) {
      if (!r->counters.count("instructions")) {
        throw base::InvalidArgument(origin + ": " + r->name +
                                    ": no 'instructions' counter (instruction-count mode)");
      }
    }
    out.metrics.push_back(evaluate("instructions", Direction::kLowerIsBetter, true,
                                   {b, finite_only(b.counters.at("instructions"))},
                                   {c, finite_only(c.counters.at("instructions"))}, s, mode));
  } else {
    const bool real = s.metric == TimeMetric::kRealTime ||
                      (s.metric == TimeMetric::kAuto && c.manual_or_real_time);
    const std::string metric = real ? "real_time" : "cpu_time";
    out.metrics.push_back(evaluate(metric, Direction::kLowerIsBetter, true,
                                   {b, time_values(b, real)},
                                   {c, scaled(time_values(c, real), 1.0 / speed)}, s, mode));
    for (const auto& [counter, current_values] : c.counters) {
      const auto base_it = b.counters.find(counter);
      if (base_it == b.counters.end()) continue;
      const auto direction = counter_direction(s, counter);
      if (direction == Direction::kIgnore) continue;
      Side base{b, finite_only(base_it->second)},
          cur{c, scaled(finite_only(current_values), counter_speed_factor(counter, speed))};
      if (base.values.empty() || cur.values.empty()) continue;
      out.metrics.push_back(evaluate(counter, direction.value_or(Direction::kHigherIsBetter),
                                     direction.has_value(), base, cur, s, mode));
    }
    for (const auto& [counter, values] : b.counters) {
      if (!c.counters.count(counter) && counter_direction(s, counter).has_value() &&
          counter_direction(s, counter) != Direction::kIgnore) {
        append_detail(out.detail, "counter " + counter + " no longer reported");
      }
    }
  }
  if (oversubscribed && out.metrics.front().name == "real_time") {
    bool downgraded = false;
    for (auto& m : out.metrics) {
      if (m.status == Status::kRegressed) {
        m.status = Status::kSuspect;
        downgraded = true;
      }
    }
    if (downgraded) append_detail(out.detail, "wall time on an oversubscribed machine");
  }
  out.status = Status::kOk;
  for (const auto& m : out.metrics) {
    if (m.gated) out.status = std::min(out.status, m.status);
  }
  if (b.time_unit != c.time_unit) {
    append_detail(out.detail, "time unit " + b.time_unit + " -> " + c.time_unit + " (converted)");
    if (out.status == Status::kOk) out.status = Status::kUnitChanged;
  }
  if (out.status == Status::kSuspect && out.metrics.front().min_p >= s.alpha) {
    append_detail(out.detail, "too few repetitions for p < alpha");
  }
  if (b.aggregates_only || c.aggregates_only) {
    append_detail(out.detail, "aggregates only: no significance test");
  }
  return out;
}

bool is_calibration(const ThresholdsConfig& config, const std::string& name) {
  return config.calibration.enabled && glob_match(config.calibration.match, name);
}

// The calibration benchmark's change between the runs, when both measured it with repetitions.
std::optional<MachineSpeed> measure_machine_speed(const ResultSet& baseline,
                                                  const ResultSet& current,
                                                  const ThresholdsConfig& config) {
  for (const auto& b : baseline.benchmarks) {
    if (!is_calibration(config, b.name)) continue;
    const BenchmarkResult* c = current.find(b.name);
    if (c == nullptr || b.error || c->error || b.skipped || c->skipped || b.cpu_time_ns.empty() ||
        c->cpu_time_ns.empty()) {
      return std::nullopt;
    }
    Settings s = config.settings_for(b.name);
    s.threshold = config.calibration.tolerance;
    const MetricResult m = evaluate("cpu_time", Direction::kLowerIsBetter, false,
                                    {b, b.cpu_time_ns}, {*c, c->cpu_time_ns}, s, Mode::kTime);
    MachineSpeed speed;
    speed.benchmark = b.name;
    speed.change = m.change;
    speed.p_value = m.p_value;
    speed.applied = std::isfinite(m.change) && m.change > -1.0 &&
                    std::abs(m.change) > config.calibration.tolerance && m.p_value >= 0 &&
                    m.p_value < s.alpha;
    return speed;
  }
  return std::nullopt;
}

// Below this a run's machine was oversubscribed: calibration/machine_speed, one thread of pure
// computation, had a CPU for less than this share of its wall time (CPU time / real time, mean
// of its repetitions: contention that comes and goes still lowers the mean). Quiet runs here
// measure 0.99-1.00; runs beside a -j2 build 0.81-0.93. The load average is no evidence: our
// own 20-writer and 30-client benchmarks leave it at 11-13 on 2 CPUs for the next run.
constexpr double kMinCalibrationCpuShare = 0.95;

// Why `set`'s machine was oversubscribed, or "" when nothing says it was.
std::string oversubscription(const ResultSet& set, const ThresholdsConfig& config) {
  for (const auto& r : set.benchmarks) {
    if (!is_calibration(config, r.name) || r.cpu_time_ns.size() != r.real_time_ns.size()) continue;
    double sum = 0.0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < r.cpu_time_ns.size(); ++i) {
      if (r.real_time_ns[i] > 0) {
        sum += std::min(1.0, r.cpu_time_ns[i] / r.real_time_ns[i]);
        ++n;
      }
    }
    if (n > 0 && sum / static_cast<double>(n) < kMinCalibrationCpuShare) {
      char text[160];
      std::snprintf(text, sizeof text, "%s had a CPU for %.0f %% of its wall time", r.name.c_str(),
                    sum / static_cast<double>(n) * 100.0);
      return text;
    }
  }
  return "";
}

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f %%", fraction * 100.0);
  return text;
}

}  // namespace

const char* status_name(Status status) {
  switch (status) {
    case Status::kErrored:
      return "errored";
    case Status::kMissing:
      return "missing";
    case Status::kRegressed:
      return "regressed";
    case Status::kSuspect:
      return "suspect";
    case Status::kNoisy:
      return "noisy";
    case Status::kImproved:
      return "improved";
    case Status::kUnitChanged:
      return "unit-changed";
    case Status::kNew:
      return "new";
    case Status::kSkipped:
      return "skipped";
    case Status::kOk:
      return "ok";
  }
  return "?";
}

bool status_fails(Status status) {
  return status == Status::kErrored || status == Status::kMissing || status == Status::kRegressed;
}

std::map<Status, std::size_t> Comparison::counts() const {
  std::map<Status, std::size_t> out;
  for (const auto& b : benchmarks) ++out[b.status];
  return out;
}

bool Comparison::failed() const {
  return std::any_of(benchmarks.begin(), benchmarks.end(),
                     [](const auto& b) { return status_fails(b.status); });
}

bool looks_like_instructions(const ResultSet& baseline, const ResultSet& current) {
  for (const auto* set : {&baseline, &current}) {
    const auto mode = set->context.find("neuroperf_mode");
    if (mode == set->context.end() || mode->second != "callgrind") return false;
    for (const auto& r : set->benchmarks) {
      if (!r.error && !r.skipped && !r.counters.count("instructions")) return false;
    }
  }
  return true;
}

void compare_results(const ResultSet& baseline, const ResultSet& current,
                     const ThresholdsConfig& config, Mode mode, const std::string& group,
                     Comparison& out) {
  const std::size_t first = out.benchmarks.size();
  auto add = [&](BenchmarkComparison c) {
    c.group = group;
    out.benchmarks.push_back(std::move(c));
  };
  auto simple = [&](const std::string& name, Status status, std::string detail) {
    BenchmarkComparison c;
    c.name = name;
    c.status = status;
    c.detail = std::move(detail);
    add(std::move(c));
  };
  double speed = 1.0;
  if (mode == Mode::kTime) {
    if (auto measured = measure_machine_speed(baseline, current, config)) {
      measured->group = group;
      if (measured->applied) {
        speed = 1.0 + measured->change;
        char p[32];
        std::snprintf(p, sizeof p, "%.2g", measured->p_value);
        out.warnings.push_back(
            (group.empty() ? "" : group + ": ") + "the machine ran at another speed: " +
            measured->benchmark + " changed by " + percent(measured->change) + " (p = " + p +
            "); the current run's times are divided by that before they are judged "
            "(--no-calibration: judge raw times)");
      }
      out.machine_speed.push_back(std::move(*measured));
    }
  }
  bool oversubscribed = false;
  if (mode == Mode::kTime) {
    for (const ResultSet* set : {&baseline, &current}) {
      const std::string why = oversubscription(*set, config);
      if (why.empty()) continue;
      oversubscribed = true;
      out.warnings.push_back(set->origin + ": the machine was oversubscribed (" + why +
                             "); wall-time regressions are reported as suspect, not failed");
    }
  }
  for (const auto& b : baseline.benchmarks) {
    const Settings& s = config.settings_for(b.name);
    if (is_calibration(config, b.name)) {
      if (const BenchmarkResult* c = current.find(b.name);
          c != nullptr && !c->error && !c->skipped && !c->cpu_time_ns.empty() && !b.error &&
          !b.skipped && !b.cpu_time_ns.empty()) {
        // Shown with its raw change, never judged: it measures the machine, not our code.
        BenchmarkComparison reference = compare_one(b, *c, s, mode, current.origin, 1.0, false);
        for (auto& m : reference.metrics) m.gated = false;
        reference.status = Status::kOk;
        reference.detail = "machine-speed reference, not judged";
        add(std::move(reference));
        continue;
      }
    }
    if (s.ignore) {
      ++out.ignored;
      continue;
    }
    const BenchmarkResult* c = current.find(b.name);
    if (c == nullptr) {
      simple(b.name, Status::kMissing, "in the baseline, not in " + current.origin);
    } else if (c->error) {
      simple(b.name, Status::kErrored, *c->error);
    } else if (c->skipped) {
      simple(b.name, Status::kSkipped, *c->skipped);
    } else if (c->cpu_time_ns.empty()) {
      simple(b.name, Status::kErrored, "no measurement in " + current.origin);
    } else if (b.error || b.skipped || b.cpu_time_ns.empty()) {
      simple(b.name, Status::kNew, "the baseline has no measurement (errored or skipped)");
    } else {
      add(compare_one(b, *c, s, mode, current.origin, speed, oversubscribed));
    }
  }
  for (const auto& c : current.benchmarks) {
    if (baseline.find(c.name) != nullptr) continue;
    if (config.settings_for(c.name).ignore) {
      ++out.ignored;
    } else if (c.error) {
      simple(c.name, Status::kErrored, *c.error);
    } else {
      simple(c.name, Status::kNew, "not in the baseline");
    }
  }
  // Declared order (family, then arguments), not the files' run order (random interleaving).
  auto position = [&](const std::string& name) {
    const BenchmarkResult* r = current.find(name);
    if (r == nullptr || r->declared.family < 0) r = baseline.find(name);
    return r == nullptr ? bench_json::DeclaredPosition{} : r->declared;
  };
  std::stable_sort(out.benchmarks.begin() + static_cast<std::ptrdiff_t>(first),
                   out.benchmarks.end(),
                   [&](const BenchmarkComparison& a, const BenchmarkComparison& b) {
                     return bench_json::declared_before(position(a.name), position(b.name));
                   });
}

}  // namespace neuro::compare
