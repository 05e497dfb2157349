#include "tools/cli/whole_number.hpp"

#include <charconv>

#include "engine/base/errors.hpp"

namespace neuro::cli {

std::uint64_t whole_number(const std::string& flag, const std::string& text, std::uint64_t min,
                           std::uint64_t max) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    throw base::InvalidArgument(flag + ": expected a whole number from " + std::to_string(min) +
                                " to " + std::to_string(max) + ", got '" + text + "'");
  }
  return value;
}

}  // namespace neuro::cli
