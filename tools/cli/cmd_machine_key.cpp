// neuroperf machine-key RUN.json: the folder name of the machine's baselines
// (baselines/<key>/), derived from the run's context; the scripts use it to find the baseline.
#include <iostream>

#include "engine/common/errors.hpp"
#include "tools/cli/commands.hpp"
#include "tools/compare/fingerprint.hpp"
#include "tools/report/benchmark_json.hpp"

namespace neuro::cli {

int run_machine_key(const Args& args) {
  constexpr const char* kUsage =
      "usage: neuroperf machine-key RUN.json\n"
      "Prints the key of the machine RUN.json was measured on (a Google Benchmark JSON file\n"
      "with neuroperf's --benchmark_context): the CPU model as a slug, the CPU count and the\n"
      "x86-64 ISA level, e.g. amd-epyc-2cpu-x86-64-v3; baselines live in baselines/<key>/.\n";
  if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help")) {
    std::cout << kUsage;
    return 0;
  }
  if (args.size() != 1 || args[0].starts_with("-")) {
    throw common::InvalidArgument("expected one RUN.json (usage: neuroperf machine-key RUN.json)");
  }
  const auto file = report::read_benchmark_file(args[0]);
  std::cout << compare::machine_key(file.context) << "\n";
  return 0;
}

}  // namespace neuro::cli
