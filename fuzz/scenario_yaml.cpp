// Fuzz harness: a scenario file as `neuroperf load` reads it (the whole file validated, every
// problem reported as FILE:LINE: field: problem through InvalidArgument).
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/base/errors.hpp"
#include "load/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto scenario = neuro::load::parse_scenario(text, "scenario.yaml");
    (void)neuro::load::planned_duration_s(scenario.executor);
  } catch (const neuro::base::InvalidArgument&) {
    // The one-line-per-problem error a bad scenario must get.
  }
  return 0;
}
