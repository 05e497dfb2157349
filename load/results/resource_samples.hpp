// The resource samples of a run (the document's "resources": docs/load-results-schema.md): the
// host's and the target process's, once a second. One type for the runner that samples them
// (load/run/resources) and the reports that chart them.
#pragma once

#include <cstdint>

namespace neuro::load {

struct HostSample {
  double t_s = 0;          // seconds since the start of the run (whole seconds once written)
  double cpu_percent = 0;  // all CPUs busy = 100
  std::int64_t mem_used_bytes = 0;
  double net_rx_bytes_per_s = 0;
  double net_tx_bytes_per_s = 0;
  double disk_read_bytes_per_s = 0;  // whole disks (not partitions); absent in older documents
  double disk_write_bytes_per_s = 0;
};

// The target process with its descendants (--target-pid of nginx's master counts its workers).
struct TargetSample {
  double t_s = 0;
  double cpu_percent = 0;      // one CPU busy = 100, summed over the processes
  std::int64_t rss_bytes = 0;  // summed over the processes
  std::int64_t processes = 1;  // how many were counted; absent (1) in older documents
};

}  // namespace neuro::load
