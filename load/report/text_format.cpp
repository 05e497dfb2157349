#include "load/report/text_format.hpp"

#include <cmath>
#include <cstdio>
#include <iterator>

#include "engine/markup/escape.hpp"
#include "load/scenario/byte_units.hpp"

namespace neuro::load_report {

std::string html_escape(const std::string& text) { return markup::html_escape(text); }

std::string markdown_escape(const std::string& text) { return markup::markdown_escape(text); }

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string ms(std::int64_t ns) { return fixed(static_cast<double>(ns) / 1e6, 3); }

std::string compact(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return buf;
}

std::string bytes(double value) {
  // The largest unit of the scenario parser's table that keeps the number at 1 or more, so a
  // "2GB" threshold prints as 2.00 GB.
  std::size_t u = 0;
  while (u + 1 < std::size(load::kByteUnits) && std::abs(value) >= load::kByteUnits[u + 1].bytes) {
    ++u;
  }
  const double v = value / load::kByteUnits[u].bytes;
  return (u == 0 ? fixed(v, 0) : fixed(v, 2)) + " " + std::string(load::kByteUnits[u].name);
}

}  // namespace neuro::load_report
