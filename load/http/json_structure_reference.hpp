// The rules json_container_shape checks, one byte at a time, for its tests and fuzz harness: a
// backslash escapes the next byte (anywhere, as simdjson's structural pass treats it), an
// unescaped quote opens or closes a string, brackets outside strings nest and pair, the first
// one to close the outermost value ends it, and only whitespace may follow.
#pragma once

#include <string_view>
#include <vector>

#include "load/http/json_structure.hpp"

namespace neuro::load::testing {

inline JsonShape reference_json_shape(std::string_view body) {
  constexpr std::string_view kWhitespace = " \t\r\n";
  const auto first = body.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos || (body[first] != '[' && body[first] != '{')) {
    return JsonShape::kScalar;
  }
  std::vector<char> closers;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (escaped) {
      escaped = false;
      continue;
    }
    if (c == '\\') {
      escaped = true;
      continue;
    }
    if (c == '"') in_string = !in_string;
    if (in_string) continue;
    if (c == '[' || c == '{') {
      if (closers.size() == JsonStructureScanner::kMaxDepth) return JsonShape::kBroken;
      closers.push_back(c == '[' ? ']' : '}');
    } else if (c == ']' || c == '}') {
      if (closers.empty() || closers.back() != c) return JsonShape::kBroken;
      closers.pop_back();
      if (closers.empty()) {
        return body.find_first_not_of(kWhitespace, i + 1) == std::string_view::npos
                   ? JsonShape::kWhole
                   : JsonShape::kBroken;
      }
    }
  }
  return JsonShape::kBroken;
}

}  // namespace neuro::load::testing
