// The subcommands of `neuroperf`. Each file registers its subcommand's options on the CLI11 app
// (so `--help` is generated from the options that exist) and returns what runs it once the whole
// command line has parsed; that returns a process exit code (engine/common/exit_codes.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace neuro::cli {

// A registered subcommand: its CLI11 app (parsed() after it was given) and its body.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_compare(CLI::App& neuroperf);           // neuroperf compare BASELINE CURRENT [options]
Command add_summary(CLI::App& neuroperf);           // neuroperf summary DIR [--out FILE]
Command add_synth(CLI::App& neuroperf);             // neuroperf synth ... --out FILE
Command add_synth_video(CLI::App& neuroperf);       // neuroperf synth-video ... --out FILE.mp4
Command add_synth_video_exec(CLI::App& neuroperf);  // the same, by exec of neuroperf-video
Command add_load(CLI::App& neuroperf);              // neuroperf load SCENARIO.yaml [options]
Command add_merge(CLI::App& neuroperf);   // neuroperf merge A.json B.json ... --out M.json
Command add_report(CLI::App& neuroperf);  // neuroperf report RESULT.json [--html F] [--markdown F]
Command add_serve(CLI::App& neuroperf);   // neuroperf serve [options]: execs neuroperf-server
Command add_machine_key(CLI::App& neuroperf);   // neuroperf machine-key RUN.json
Command add_report_suite(CLI::App& neuroperf);  // neuroperf report-suite DIR [--out FILE]
Command add_history(CLI::App& neuroperf);       // neuroperf history DIR... [options]

}  // namespace neuro::cli
