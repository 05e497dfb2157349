// The machine a run was measured on, from the JSON context: Google Benchmark's own fields (cores,
// caches, CPU scaling, load) plus ours passed with --benchmark_context (cpu_model, compiler,
// build_type, git_revision). Timings from different machines are not comparable.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace neuro::compare {

struct Fingerprint {
  // The fields that must agree, in a fixed order: cpu_model, num_cpus, isa_level, caches,
  // compiler, build_type. A field absent on either side is not compared.
  std::map<std::string, std::string> identity;
  std::string git_revision;  // informational: it differs between baseline and current by design
};

Fingerprint fingerprint_of(const std::map<std::string, std::string>& context);

// One line per identity field present on both sides that differs; empty when comparable.
std::vector<std::string> fingerprint_differences(const Fingerprint& baseline,
                                                 const Fingerprint& current);

// Conditions that make timings of this run doubtful: CPU frequency scaling, load above the number
// of cores, a debug build of the code or of the benchmark library.
// The folder name of this machine's baselines (baselines/<key>/): the CPU model in lower case with
// every run of other characters as one '-' ("(R)", "(TM)", "CPU" and "@ 2.80GHz" left out), the
// CPU count and the x86-64 ISA level, e.g. "amd-epyc-2cpu-x86-64-v3" or
// "intel-xeon-platinum-8370c-4cpu-x86-64-v4". Fields the context lacks are left out ("unknown-cpu"
// without a model). Two machines with one key may still differ in a fingerprint field (caches,
// compiler): compare refuses those, and the scripts then use a local baseline.
std::string machine_key(const std::map<std::string, std::string>& context);

std::vector<std::string> run_warnings(const std::map<std::string, std::string>& context,
                                      const std::string& origin);

}  // namespace neuro::compare
