#include "engine/markup/json_numbers.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

namespace neuro::markup {

namespace {

template <typename Number>
void append_number(std::string& out, Number value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char text[32];  // the longest shortest-form double is 24 characters
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  out.append(text, ec == std::errc{} ? end : text);
}

}  // namespace

void append_json_number(std::string& out, float value) { append_number(out, value); }

void append_json_number(std::string& out, double value) { append_number(out, value); }

void append_json_array(std::string& out, std::span<const float> values) {
  // The longest shortest-form float is 15 characters (sign, 9 digits, point, "e-38"), 16 with
  // its comma.
  constexpr std::size_t kMaxPerValue = 16;
  const std::size_t start = out.size();
  out.resize(start + 2 + values.size() * kMaxPerValue);
  char* p = out.data() + start;
  char* const limit = out.data() + out.size();
  *p++ = '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) *p++ = ',';
    if (!std::isfinite(values[i])) {
      std::memcpy(p, "null", 4);  // NOLINT(bugprone-not-null-terminated-result): JSON, no NUL
      p += 4;
      continue;
    }
    p = std::to_chars(p, limit, values[i]).ptr;
  }
  *p++ = ']';
  out.resize(static_cast<std::size_t>(p - out.data()));
}

}  // namespace neuro::markup
