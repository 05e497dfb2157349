// Escaping and number formatting shared by the HTML report and the markdown summary: every string
// that comes from a result document goes through html_escape or markdown_escape.
#pragma once

#include <cstdint>
#include <string>

namespace neuro::load_report {

// & < > " ' -> entities: safe in element text and in quoted attribute values.
std::string html_escape(const std::string& text);
// For a markdown table cell or line (GitHub job summaries render inline HTML): HTML-escapes,
// backslash-escapes markdown punctuation (| ` * _ [ ] \ #) and turns line breaks into spaces.
std::string markdown_escape(const std::string& text);

// printf("%.*f"): the one rounding rule used for every number shown, so tests can recompute it.
std::string fixed(double value, int decimals);
// Nanoseconds as milliseconds with 3 decimals (microsecond resolution: the histogram keeps 3
// significant digits, so finer digits would be noise below 1 s and absent above).
std::string ms(std::int64_t ns);
// Shortest form with up to 6 significant digits (threshold values: 0.001, 200, 2e+09).
std::string compact(double value);
// Bytes with a decimal unit: "512 B", "1.50 kB", "2.00 GB".
std::string bytes(double value);

}  // namespace neuro::load_report
