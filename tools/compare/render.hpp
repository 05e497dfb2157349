// Renders a Comparison for people (text, markdown) and for machines (json, junit, github
// workflow commands). Each format lives in its own render_<format>.cpp.
#pragma once

#include <string>

#include "tools/compare/verdict.hpp"

namespace neuro::compare {

enum class Format { kText, kMarkdown, kJson, kJunit, kGithub };

// "text" -> kText...; throws base::InvalidArgument naming the accepted formats.
Format parse_format(const std::string& name);

std::string render(const Comparison& comparison, Format format);

std::string render_text(const Comparison& comparison);
std::string render_markdown(const Comparison& comparison);
std::string render_json(const Comparison& comparison);
std::string render_junit(const Comparison& comparison);
std::string render_github(const Comparison& comparison);

// Shared formatting: 1234.5 ns -> "1.23 us"; 0.123 -> "+12.3%"; the counts line.
std::string format_value(const MetricResult& metric, double value);
std::string format_change(double change);
std::string format_p(double p_value);
std::string summary_line(const Comparison& comparison);
std::string full_name(const BenchmarkComparison& benchmark);  // "bench_dsp: BM_X" or "BM_X"

}  // namespace neuro::compare
