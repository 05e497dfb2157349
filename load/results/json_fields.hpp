// Typed, path-aware reads of a JSON document: every failure names the JSON path and what was
// expected ("steps[2].latency.buckets: expected an array, got a string").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace neuro::load::json_read {

// "steps[2]" + "latency" -> "steps[2].latency"; "" + "steps" -> "steps".
std::string path_key(const std::string& path, const std::string& key);
// "steps" + 2 -> "steps[2]".
std::string path_index(const std::string& path, std::size_t index);

// Throws neuro::base::InvalidArgument("PATH: WHAT").
[[noreturn]] void fail(const std::string& path, const std::string& what);

// The member `key` of the object `object` (itself at `path`); throws when it is missing.
const nlohmann::json& required(const nlohmann::json& object, const std::string& path,
                               const std::string& key);
// The member `key`, or nullptr when it is missing or null (the schema's "| null" fields).
const nlohmann::json* optional(const nlohmann::json& object, const std::string& key);

const nlohmann::json& as_object(const nlohmann::json& value, const std::string& path);
const nlohmann::json& as_array(const nlohmann::json& value, const std::string& path);
std::string as_string(const nlohmann::json& value, const std::string& path);
bool as_bool(const nlohmann::json& value, const std::string& path);
// A finite number (integer or float).
double as_number(const nlohmann::json& value, const std::string& path);
// An integer >= 0 (counts, bytes, seconds since start). A float such as 3.0 is refused: the
// schema writes counts as integers and a fraction there means a broken writer.
std::int64_t as_count(const nlohmann::json& value, const std::string& path);

}  // namespace neuro::load::json_read
