// Reading one top-level field of a JSON message without parsing the rest: a streamed message's
// `timestamp`, `seq` or `type` sit before its data arrays, so the scan stops early and a
// 26 KB neural_data packet costs what its first hundred bytes do.
#pragma once

#include <optional>
#include <string_view>

namespace neuro::load::ws {

// The raw value of top-level `key` in the object `json`: a string's characters between its
// quotes (escapes left as written), or a number/true/false/null as written. nullopt when
// `json` is not an object or has no such key at the top level.
std::optional<std::string_view> top_level_field(std::string_view json, std::string_view key);

// The field as a number (a JSON number, or a string holding one); nullopt otherwise.
std::optional<double> number_field(std::string_view json, std::string_view key);

}  // namespace neuro::load::ws
