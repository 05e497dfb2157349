#include "load/scenario/units.hpp"

#include <charconv>
#include <cmath>

#include "load/scenario/byte_units.hpp"

namespace neuro::load {
namespace {

// Splits "250ms" into 250 and "ms".
std::optional<std::pair<double, std::string>> split_unit(const std::string& text) {
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  while (begin < end && *begin == ' ') ++begin;
  const auto [stop, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || !std::isfinite(value)) return std::nullopt;
  std::string unit(stop, end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  while (!unit.empty() && unit.back() == ' ') unit.pop_back();
  return std::make_pair(value, unit);
}

}  // namespace

std::optional<double> parse_plain_number(const std::string& text) {
  const auto v = split_unit(text);
  if (!v || !v->second.empty()) return std::nullopt;
  return v->first;
}

std::optional<double> parse_duration_s(const std::string& text) {
  const auto v = split_unit(text);
  if (!v) return std::nullopt;
  const auto& [value, unit] = *v;
  if (unit.empty() || unit == "s") return value;
  if (unit == "ns") return value * 1e-9;
  if (unit == "us") return value * 1e-6;
  if (unit == "ms") return value * 1e-3;
  if (unit == "m" || unit == "min") return value * 60;
  if (unit == "h") return value * 3600;
  return std::nullopt;
}

std::optional<double> parse_bytes(const std::string& text) {
  const auto v = split_unit(text);
  if (!v) return std::nullopt;
  const auto& [value, unit] = *v;
  if (unit.empty()) return value;
  for (const auto& u : kByteUnits) {
    if (unit == u.name || unit == u.alias) return value * u.bytes;
  }
  return std::nullopt;
}

}  // namespace neuro::load
