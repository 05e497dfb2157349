// The load runner's markdown summary, for a CI job summary ($GITHUB_STEP_SUMMARY): the verdict,
// the per-step table, thresholds, stress knee, soak verdict and client warnings.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "load/results/load_result.hpp"

namespace neuro::load_report {

// Renders a "neuroperf-load/1" result document. Throws neuro::base::InvalidArgument naming
// the JSON path when the document is malformed; nothing is written then.
void write_markdown_summary(const nlohmann::json& result, std::ostream& out);
// The same from a result already read.
void write_markdown_summary(const load::LoadResult& result, std::ostream& out);

}  // namespace neuro::load_report
