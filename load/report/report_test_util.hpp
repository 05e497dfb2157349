// Test helpers for load/report: fixture loading and a small HTML table reader (find-based: the
// soak report is a megabyte, too long for std::regex's recursive matcher).
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace neuro::load_report::testing {

inline nlohmann::json load_fixture(const std::string& name) {
  std::ifstream in(std::string(NEURO_FIXTURES_DIR) + "/load/" + name);
  if (!in) throw std::runtime_error("missing fixture load/" + name);
  return nlohmann::json::parse(in);
}

// The <td> texts of each <tr> in the table whose opening tag contains `table_marker`, keeping
// rows whose <tr> tag contains `row_marker` (empty: every body row).
inline std::vector<std::vector<std::string>> table_rows(const std::string& html,
                                                        const std::string& table_marker,
                                                        const std::string& row_marker = "") {
  std::vector<std::vector<std::string>> rows;
  const auto start = html.find(table_marker);
  if (start == std::string::npos) return rows;
  const auto end = html.find("</table>", start);
  auto pos = html.find("<tbody>", start);
  while (pos != std::string::npos && pos < end) {
    const auto tr = html.find("<tr", pos);
    if (tr == std::string::npos || tr > end) break;
    const auto tr_end = html.find("</tr>", tr);
    const std::string tag = html.substr(tr, html.find('>', tr) - tr);
    if (row_marker.empty() || tag.find(row_marker) != std::string::npos) {
      std::vector<std::string> cells;
      auto td = html.find("<td", tr);
      while (td != std::string::npos && td < tr_end) {
        const auto open_end = html.find('>', td) + 1;
        const auto close = html.find("</td>", open_end);
        cells.push_back(html.substr(open_end, close - open_end));
        td = html.find("<td", close);
      }
      rows.push_back(cells);
    }
    pos = tr_end;
  }
  return rows;
}

// Non-overlapping occurrences of `needle`.
inline std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

}  // namespace neuro::load_report::testing
