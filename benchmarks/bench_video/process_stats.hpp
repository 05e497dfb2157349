// This process's CPU seconds (every thread, from getrusage) and peak resident set (VmHWM),
// which a benchmark resets at its start so each one reports its own peak.
#pragma once

#include <sys/resource.h>

#include <fstream>
#include <string>

namespace neuro::bench {

inline double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

inline double peak_rss_mib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  }
  return 0.0;
}

// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0 and later).
inline void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

}  // namespace neuro::bench
