// The subcommands of `neuroperf`. Each takes its arguments (after the subcommand's name) and
// returns a process exit code (engine/common/exit_codes.hpp).
#pragma once

#include <string>
#include <vector>

namespace neuro::cli {

using Args = std::vector<std::string>;

int run_compare(const Args& args);  // neuroperf compare BASELINE CURRENT [options]
int run_summary(const Args& args);  // neuroperf summary DIR [--out FILE]
int run_synth(const Args& args);    // neuroperf synth ... --out FILE
int run_load(const Args& args);     // neuroperf load SCENARIO.yaml [options]
int run_merge(const Args& args);    // neuroperf merge A.json B.json ... --out M.json
int run_report(const Args& args);   // neuroperf report RESULT.json [--html F] [--markdown F]
int run_serve(const Args& args);    // neuroperf serve [options]: execs neuroperf-server

// Added by the suite-page work, each in its own cmd_*.cpp.
int run_machine_key(const Args& args);   // neuroperf machine-key RUN.json
int run_report_suite(const Args& args);  // neuroperf report-suite DIR [--out FILE]
int run_history(const Args& args);       // neuroperf history DIR... [options]

}  // namespace neuro::cli
