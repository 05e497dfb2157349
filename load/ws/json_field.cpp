#include "load/ws/json_field.hpp"

#include <charconv>

namespace neuro::load::ws {
namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The index just past the string starting at json[i] == '"', or npos when unterminated.
std::size_t skip_string(std::string_view json, std::size_t i) {
  for (++i; i < json.size(); ++i) {
    if (json[i] == '\\') {
      ++i;
    } else if (json[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<std::string_view> top_level_field(std::string_view json, std::string_view key) {
  std::size_t i = 0;
  while (i < json.size() && space(json[i])) ++i;
  if (i == json.size() || json[i] != '{') return std::nullopt;
  int depth = 0;
  bool expect_key = false;
  for (; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '"') {
      const std::size_t end = skip_string(json, i);
      if (end == std::string_view::npos) return std::nullopt;
      if (depth == 1 && expect_key) {
        const std::string_view name = json.substr(i + 1, end - i - 2);
        std::size_t j = end;
        while (j < json.size() && space(json[j])) ++j;
        if (j == json.size() || json[j] != ':') return std::nullopt;
        ++j;
        while (j < json.size() && space(json[j])) ++j;
        if (name == key) {
          if (j < json.size() && json[j] == '"') {
            const std::size_t value_end = skip_string(json, j);
            if (value_end == std::string_view::npos) return std::nullopt;
            return json.substr(j + 1, value_end - j - 2);
          }
          std::size_t k = j;
          while (k < json.size() && json[k] != ',' && json[k] != '}' && !space(json[k])) ++k;
          if (k == j) return std::nullopt;
          return json.substr(j, k - j);
        }
        expect_key = false;
        i = j - 1;
        continue;
      }
      i = end - 1;
    } else if (c == '{' || c == '[') {
      ++depth;
      if (depth == 1) expect_key = true;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return std::nullopt;
    } else if (c == ',' && depth == 1) {
      expect_key = true;
    }
  }
  return std::nullopt;
}

std::optional<double> number_field(std::string_view json, std::string_view key) {
  const auto raw = top_level_field(json, key);
  if (!raw || raw->empty()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
  if (ec != std::errc() || end != raw->data() + raw->size()) return std::nullopt;
  return v;
}

}  // namespace neuro::load::ws
