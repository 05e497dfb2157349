// The suite page: one self-contained, offline HTML file for a whole suite run (or an A/B of two
// revisions): overview, one section per benchmark executable, anchors, load scenarios and the
// raw files. No script, style sheet, font or image from outside; charts are inline SVG.
#pragma once

#include <ostream>

#include "tools/suite/suite_run.hpp"

namespace neuro::suite {

// Sections (ids): overview, exe-<name> (one per executable, class "executable"), anchors, load,
// files. Every string from the run's files is escaped.
void write_suite_page(const SuiteRun& run, std::ostream& out);

// The verdict of one executable as the page shows it: PASS, FAIL, FAILED (no results),
// ERRORED, COMPARE ERROR, NO BASELINE. Never PASS without a comparison that passed.
std::string executable_verdict(const Executable& exe);

}  // namespace neuro::suite
