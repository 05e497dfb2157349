// The machine a run was measured on, from the JSON context: Google Benchmark's own fields (cores,
// caches, CPU scaling, load) plus ours passed with --benchmark_context (cpu_model, compiler,
// build_type, git_revision). Timings from different machines are not comparable.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace neuro::compare {

struct Fingerprint {
  // The fields that must agree, in a fixed order: cpu_model, num_cpus, caches, compiler,
  // build_type. A field absent on either side is not compared.
  std::map<std::string, std::string> identity;
  std::string git_revision;  // informational: it differs between baseline and current by design
};

Fingerprint fingerprint_of(const std::map<std::string, std::string>& context);

// One line per identity field present on both sides that differs; empty when comparable.
std::vector<std::string> fingerprint_differences(const Fingerprint& baseline,
                                                 const Fingerprint& current);

// Conditions that make timings of this run doubtful: CPU frequency scaling, load above the number
// of cores, a debug build of the code or of the benchmark library.
std::vector<std::string> run_warnings(const std::map<std::string, std::string>& context,
                                      const std::string& origin);

}  // namespace neuro::compare
