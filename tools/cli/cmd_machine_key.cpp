// neuroperf machine-key RUN.json: the folder name of the machine's baselines
// (baselines/<key>/), derived from the run's context; the scripts use it to find the baseline.
#include <iostream>
#include <memory>
#include <string>

#include "engine/base/errors.hpp"
#include "tools/bench_json/benchmark_json.hpp"
#include "tools/cli/commands.hpp"
#include "tools/compare/fingerprint.hpp"

namespace neuro::cli {

namespace {

int run_machine_key(const std::string& run) {
  if (run.empty()) {
    throw base::InvalidArgument("expected one RUN.json (usage: neuroperf machine-key RUN.json)");
  }
  const auto file = bench_json::read_benchmark_file(run);
  std::cout << compare::machine_key(file.context) << "\n";
  return 0;
}

}  // namespace

Command add_machine_key(CLI::App& neuroperf) {
  auto run = std::make_shared<std::string>();
  CLI::App* app = neuroperf.add_subcommand(
      "machine-key", "the key of the machine a run came from (the folder of its baselines)");
  app->footer(
      "Prints the key of the machine RUN.json was measured on (a Google Benchmark JSON file\n"
      "with the context neuroperf's scripts give every run): the CPU model as a slug, the CPU "
      "count\n"
      "and the x86-64 ISA level, e.g. amd-epyc-2cpu-x86-64-v3; baselines live in "
      "baselines/<key>/.");
  app->add_option("RUN.json", *run, "a benchmark JSON file")->type_name("");
  return {app, [run] { return run_machine_key(*run); }};
}

}  // namespace neuro::cli
