// The rules json_container_shape checks, one byte at a time, for its tests and fuzz harness: a
// backslash escapes the next byte (anywhere, as simdjson's structural pass treats it), an
// unescaped quote opens or closes a string, brackets outside strings nest and pair, the first
// one to close the outermost value ends it, and only whitespace may follow.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "load/http/json_structure.hpp"

namespace neuro::load::testing {

// What the scanner reports besides the shape, by the same rules one byte at a time: `plain` (no
// byte outside ASCII, no control byte while a string is open) and the outermost value's array
// and object children (nullopt past JsonStructureScanner::kMaxChildren). Both are decided for
// whole bodies only.
struct ReferenceStructure {
  JsonShape shape = JsonShape::kScalar;
  bool plain = false;
  std::optional<std::vector<JsonSpan>> children;
};

inline ReferenceStructure reference_json_structure(std::string_view body) {
  constexpr std::string_view kWhitespace = " \t\r\n";
  ReferenceStructure found;
  const auto first = body.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos || (body[first] != '[' && body[first] != '{')) {
    return found;  // kScalar
  }
  found.shape = JsonShape::kBroken;
  std::vector<char> closers;
  std::vector<JsonSpan> children;
  bool plain = true, in_string = false, escaped = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || (byte < 0x20 && in_string)) plain = false;
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
      if (closers.size() == JsonStructureScanner::kMaxDepth) return found;
      if (closers.size() == 1) children.push_back({i, 0});
      closers.push_back(c == '[' ? ']' : '}');
    } else if (c == ']' || c == '}') {
      if (closers.empty() || closers.back() != c) return found;
      closers.pop_back();
      if (closers.size() == 1) children.back().close = i;
      if (closers.empty()) {
        if (body.find_first_not_of(kWhitespace, i + 1) != std::string_view::npos) return found;
        found.shape = JsonShape::kWhole;
        found.plain = plain;
        if (children.size() <= JsonStructureScanner::kMaxChildren) {
          found.children = std::move(children);
        }
        return found;
      }
    }
  }
  return found;  // the value never closed
}

inline JsonShape reference_json_shape(std::string_view body) {
  return reference_json_structure(body).shape;
}

}  // namespace neuro::load::testing
