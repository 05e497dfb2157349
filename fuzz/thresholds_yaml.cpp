// Fuzz harness: thresholds.yaml as the compare gate reads it (every field validated, problems
// reported as FILE:LINE lines through InvalidArgument).
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/base/errors.hpp"
#include "tools/compare/thresholds_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto config = neuro::compare::parse_thresholds(text, "thresholds.yaml");
    (void)config;
  } catch (const neuro::base::InvalidArgument&) {
    // The one-line error bad configuration must get.
  }
  return 0;
}
