#include "load/run/client_warnings.hpp"

#include <string>

#include "load/engine/curl/curl_easy.hpp"
#include "load/run/resources.hpp"
#include "load/run/run_document.hpp"

namespace neuro::load {

std::vector<std::string> client_warnings(const Scenario& s, const RunOptions& o,
                                         const RunPlan& plan, const RunTotals& acc) {
  std::vector<std::string> warnings;
  const std::int64_t requests = acc.requests();
  const double busy = acc.duration_s > 0 ? acc.cpu_s / (acc.duration_s * plan.threads) : 0.0;
  if (busy > 0.9) {
    warnings.push_back("the client was busy " + std::to_string(static_cast<int>(busy * 100)) +
                       "% of its threads' time: it may be the bottleneck (add threads or shard "
                       "the run)");
  }
  if (o.target_pid > 0 && shares_cpus_with(o.target_pid)) {
    warnings.push_back("the client shares CPUs with the target (pid " +
                       std::to_string(o.target_pid) +
                       "): both compete for the same cores; pin them apart with taskset");
  }
  if (o.target_pid > 0 && !acc.target_alive) {
    warnings.push_back("the target process " + std::to_string(o.target_pid) +
                       " went away during the run");
  }
  if (s.executor.open_model() && requests > 0 && acc.late * 100 > requests) {
    warnings.push_back(std::to_string(acc.late) +
                       " sends left more than 1 ms after their intended time: raise "
                       "executor.max_connections (latency still counts from the intended time)");
  }
  if (s.http2 && s.target.rfind("http://", 0) == 0 && h2c_reuse_broken()) {
    warnings.push_back(
        "this libcurl cannot reuse h2c connections (curl issue #10634, fixed in "
        "8.0): every request opened its own connection");
  }
  if (acc.dropped > 0) {
    warnings.push_back(std::to_string(acc.dropped) + " arrivals were never sent (queued when " +
                       "the run ended or beyond the queue limit)");
  }
  if (s.executor.kind == ExecutorKind::kSoak && soak_fit_samples(acc).size() < 2) {
    warnings.push_back("soak without --target-pid: no RSS trend to judge");
  }
  return warnings;
}

}  // namespace neuro::load
