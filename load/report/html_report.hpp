// The load runner's self-contained, offline HTML report: one file, no external script, style
// sheet or font; charts are inline SVG drawn here (see svg_chart.hpp for why not JavaScript).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "load/results/load_result.hpp"

namespace neuro::load_report {

// Renders a "neuroperf-load/1" result document. Throws neuro::base::InvalidArgument naming
// the JSON path when the document is malformed; nothing is written then.
void write_html_report(const nlohmann::json& result, std::ostream& out);
// The same from a result already read (the runner's, whose series never was JSON).
void write_html_report(const load::LoadResult& result, std::ostream& out);

}  // namespace neuro::load_report
