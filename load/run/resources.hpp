// Resource samples from /proc, once a second: the host (CPU, memory, network, disk) and, when
// given, the target process with its descendants (CPU, RSS, how many processes). Also the
// least-squares RSS slope a soak reports.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "load/results/resource_samples.hpp"

namespace neuro::load {

// A process and its live descendants, summed (read_process_tree in resources.cpp).
struct ProcessTreeStat {
  std::uint64_t ticks = 0;     // CPU clock ticks: user + system, own and reaped children's
  std::int64_t rss_bytes = 0;  // summed over the processes
  std::int64_t processes = 0;
};
// The tree of `root` read from /proc now; nullopt when `root` is gone.
std::optional<ProcessTreeStat> read_process_tree(pid_t root);

class ResourceSampler {
 public:
  // target_pid 0: host only; else the target and its descendants.
  explicit ResourceSampler(pid_t target_pid);
  // Reads /proc now; the rates are over the interval since the previous call (the first call
  // only sets the baseline and records nothing).
  void sample(double t_s);
  bool target_alive() const { return target_alive_; }
  const std::vector<HostSample>& host() const { return host_; }
  const std::vector<TargetSample>& target() const { return target_; }

 private:
  struct Raw {
    std::uint64_t cpu_busy = 0, cpu_total = 0, rx = 0, tx = 0, target_ticks = 0;
    std::uint64_t disk_read = 0, disk_written = 0;
    double t_s = 0;
  };
  pid_t pid_;
  bool target_alive_ = true;
  std::optional<Raw> previous_;
  std::vector<HostSample> host_;
  std::vector<TargetSample> target_;
};

// Slope (units per second) of the least-squares line through (t, rss); 0 with < 2 points.
double rss_slope_bytes_per_s(const std::vector<TargetSample>& samples);

// CPU affinity of `pid` and of this process overlap (the client shares cores with the target).
bool shares_cpus_with(pid_t pid);

}  // namespace neuro::load
