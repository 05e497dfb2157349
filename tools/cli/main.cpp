// neuroperf: one binary, one subcommand per task. Errors are one line on stderr; exit codes are
// the shared ones (0 ok, 1 threshold/regression, 2 bad usage or input, 3 unreachable, 77 skip).
#include <cstdio>
#include <exception>
#include <string>

#include "engine/common/errors.hpp"
#include "tools/cli/commands.hpp"

namespace {

constexpr const char* kUsage =
    "usage: neuroperf <command> [args]\n"
    "commands:\n"
    "  compare BASELINE CURRENT [--config FILE] [--format text|markdown|json|junit|github]\n"
    "          [--out FILE] [--mode auto|time|instructions] [--filter REGEX]\n"
    "          [--allow-foreign-baseline] [--no-calibration] [--update-baseline]\n"
    "                             compare benchmark JSON with baselines (see compare --help)\n"
    "  summary DIR [--out FILE]   render summary.md from DIR/bench_*.json (stdout by default)\n"
    "  synth [--channels N] [--samples N] [--rate HZ] [--seed N] --out FILE\n"
    "                             write synthetic EEG as raw little-endian float32, "
    "channel-major\n"
    "  load SCENARIO.yaml [--target URL] [--out DIR] [--threads N] [--target-pid PID]\n"
    "       [--shard i/N] [--http2] [--insecure] [--quiet]\n"
    "                             run a load scenario: DIR/result.json, report.html, "
    "summary.md\n"
    "  merge A.json B.json ... --out M.json\n"
    "                             merge the result documents of shards exactly\n"
    "  report RESULT.json [--html FILE] [--markdown FILE]\n"
    "                             render a load result (markdown on stdout by default)\n"
    "  serve [--listen HOST:PORT] [--threads N] [--pg URL] [--redis URL] [--users FILE]\n"
    "        [--data-dir DIR] [--demo-data|--no-demo-data]\n"
    "                             run the engine server (see neuroperf serve --help)\n"
    "  machine-key RUN.json       the key of the machine a run came from (baselines/<key>/)\n"
    "  report-suite DIR [--out FILE]\n"
    "                             the suite page of a run folder: DIR/index.html\n"
    "  history DIR... [--window N] [--threshold X] [--alpha A] [--out FILE]\n"
    "                             medians over many runs and their step changes\n";

}  // namespace

int main(int argc, char** argv) {
  using neuro::common::ExitCode;
  using neuro::common::to_int;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return to_int(ExitCode::kBadInput);
  }
  const std::string command = argv[1];
  const neuro::cli::Args args(argv + 2, argv + argc);
  try {
    if (command == "compare") return neuro::cli::run_compare(args);
    if (command == "summary") return neuro::cli::run_summary(args);
    if (command == "synth") return neuro::cli::run_synth(args);
    if (command == "load") return neuro::cli::run_load(args);
    if (command == "merge") return neuro::cli::run_merge(args);
    if (command == "report") return neuro::cli::run_report(args);
    if (command == "serve") return neuro::cli::run_serve(args);
    if (command == "machine-key") return neuro::cli::run_machine_key(args);
    if (command == "report-suite") return neuro::cli::run_report_suite(args);
    if (command == "history") return neuro::cli::run_history(args);
    if (command == "-h" || command == "--help" || command == "help") {
      std::fputs(kUsage, stdout);
      return to_int(ExitCode::kOk);
    }
    std::fprintf(stderr, "neuroperf: unknown command '%s' (try neuroperf --help)\n",
                 command.c_str());
    return to_int(ExitCode::kBadInput);
  } catch (const neuro::common::Error& e) {
    std::fprintf(stderr, "neuroperf %s: %s\n", command.c_str(), e.what());
    return to_int(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neuroperf %s: %s\n", command.c_str(), e.what());
    return to_int(ExitCode::kBadInput);
  }
}
