#include "load/http/json_members.hpp"

#include <cstring>
#include <limits>
#include <optional>

namespace neuro::load {
namespace {

constexpr auto npos = std::string_view::npos;

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::size_t skip_whitespace(std::string_view body, std::size_t at) {
  while (at < body.size() && is_whitespace(body[at])) ++at;
  return at;
}

// One past the closing quote of the string whose opening quote is at `at`; npos if it never
// closes. A quote after an odd run of backslashes is escaped.
std::size_t string_end(std::string_view body, std::size_t at) {
  for (std::size_t from = at + 1; from < body.size();) {
    const void* quote = std::memchr(body.data() + from, '"', body.size() - from);
    if (!quote) return npos;
    const auto q = static_cast<std::size_t>(static_cast<const char*>(quote) - body.data());
    std::size_t run = 0;
    while (body[q - run - 1] == '\\') ++run;  // stops at the opening quote at the latest
    if (run % 2 == 0) return q + 1;
    from = q + 1;
  }
  return npos;
}

// An array index as a JSON pointer spells it: decimal digits, no leading zero.
std::optional<std::size_t> array_index(std::string_view segment) {
  if (segment.empty() || (segment.size() > 1 && segment[0] == '0')) return std::nullopt;
  std::size_t index = 0;
  for (const char c : segment) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::size_t>(c - '0');
    if (index > (std::numeric_limits<std::size_t>::max() - digit) / 10) return std::nullopt;
    index = index * 10 + digit;
  }
  return index;
}

// Walks the outermost value's members in order.
class MemberWalk {
 public:
  MemberWalk(std::string_view body, std::span<const JsonSpan> children)
      : body_(body), children_(children) {}

  JsonMember find(std::string_view segment) {
    std::size_t at = skip_whitespace(body_, 0);
    if (at >= body_.size()) return {};
    const bool object = body_[at] == '{';
    std::optional<std::size_t> index;
    if (!object) {
      index = array_index(segment);
      if (!index) return {};
    }
    at = skip_whitespace(body_, at + 1);
    if (at >= body_.size() || body_[at] == (object ? '}' : ']')) return {};
    for (std::size_t n = 0;; ++n) {
      bool wanted = false;
      if (object) {
        if (body_[at] != '"') return {};
        const std::size_t key_end = string_end(body_, at);
        if (key_end == npos) return {};
        // Byte for byte as the body spells the key, escapes and all, as simdjson compares keys.
        wanted = body_.substr(at + 1, key_end - at - 2) == segment;
        at = skip_whitespace(body_, key_end);
        if (at >= body_.size() || body_[at] != ':') return {};
        at = skip_whitespace(body_, at + 1);
      } else {
        wanted = n == *index;
      }
      const std::size_t end = value_end(at);
      if (undecided_) return {JsonMember::kUndecided, {}};
      if (end == npos) return {};
      if (wanted) return {JsonMember::kFound, body_.substr(at, end - at)};
      at = skip_whitespace(body_, end);
      if (at >= body_.size() || body_[at] != ',') return {};  // the closing bracket, or not JSON
      at = skip_whitespace(body_, at + 1);
      if (at >= body_.size()) return {};
    }
  }

 private:
  // One past the end of the value that starts at `at`; npos if none does.
  std::size_t value_end(std::size_t at) {
    if (at >= body_.size()) return npos;
    const char c = body_[at];
    if (c == '[' || c == '{') {
      // The scanner placed every child in order, so the next one is this one.
      if (next_child_ >= children_.size() || children_[next_child_].open != at) {
        undecided_ = true;
        return npos;
      }
      return children_[next_child_++].close + 1;
    }
    if (c == '"') return string_end(body_, at);
    if (c == ',' || c == ']' || c == '}' || c == ':') return npos;
    std::size_t end = at;
    while (end < body_.size() && !is_whitespace(body_[end]) && body_[end] != ',' &&
           body_[end] != ']' && body_[end] != '}') {
      ++end;
    }
    return end;
  }

  std::string_view body_;
  std::span<const JsonSpan> children_;
  std::size_t next_child_ = 0;
  bool undecided_ = false;
};

}  // namespace

JsonMember find_json_member(std::string_view body, std::span<const JsonSpan> children,
                            std::string_view segment) {
  return MemberWalk(body, children).find(segment);
}

}  // namespace neuro::load
