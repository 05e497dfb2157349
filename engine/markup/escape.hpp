// Escaping text for the markup the suite writes (HTML reports, JUnit XML, markdown summaries):
// one copy for load/report and tools/compare, so a fix reaches every output.
#pragma once

#include <string>
#include <string_view>

namespace neuro::markup {

// & < > " ' -> entities: safe in HTML element text and in quoted attribute values.
std::string html_escape(std::string_view text);

// & < > " -> entities, and control characters other than tab and newline (not allowed in
// XML 1.0, where even &#1; is invalid) -> '?': safe in XML element text and attributes.
std::string xml_escape(std::string_view text);

// For a markdown table cell or line (GitHub job summaries render inline HTML): & < > as
// entities, markdown punctuation (| ` * _ [ ] \ #) behind a backslash, line breaks as spaces.
std::string markdown_escape(std::string_view text);

// For text in a markdown table cell that is otherwise written as it should render (a `code span`,
// where a backslash shows literally except before '|'): only '|' gets a backslash, so the text
// cannot end the cell.
std::string markdown_table_pipes(std::string_view text);

}  // namespace neuro::markup
