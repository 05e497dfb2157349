// A command-line value that must be a whole number in a range: "-1" or "1e9" is a usage error
// naming the option, not a wrapped-around value or an allocation failure later.
#pragma once

#include <cstdint>
#include <string>

namespace neuro::cli {

// Throws InvalidArgument "FLAG: expected a whole number from MIN to MAX, got 'TEXT'".
std::uint64_t whole_number(const std::string& flag, const std::string& text, std::uint64_t min,
                           std::uint64_t max);

}  // namespace neuro::cli
