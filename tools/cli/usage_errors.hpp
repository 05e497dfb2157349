// How neuroperf presents its command line: the help's wording, and a parse error as one line on
// stderr that names the offending option or word (exit 2), or the help on stdout (exit 0).
#pragma once

#include <CLI/CLI.hpp>

namespace neuro::cli {

// Sets the wording and widths of the generated help, for `app` and every subcommand added so far.
void use_neuroperf_help_style(CLI::App& app);

// Prints the help (--help) or the error for `e` thrown by app.parse; returns the exit code.
int report_usage_error(const CLI::App& app, const CLI::ParseError& e);

}  // namespace neuro::cli
