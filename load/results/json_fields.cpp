#include "load/results/json_fields.hpp"

#include <cmath>
#include <limits>

#include "engine/base/errors.hpp"

namespace neuro::load::json_read {
namespace {

std::string kind_of(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "an integer";
    case nlohmann::json::value_t::number_float:
      return "a number";
    default:
      return "a value of another type";
  }
}

[[noreturn]] void fail_type(const nlohmann::json& value, const std::string& path,
                            const std::string& expected) {
  fail(path, "expected " + expected + ", got " + kind_of(value));
}

}  // namespace

std::string path_key(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string path_index(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

void fail(const std::string& path, const std::string& what) {
  throw base::InvalidArgument((path.empty() ? std::string("document") : path) + ": " + what);
}

const nlohmann::json& required(const nlohmann::json& object, const std::string& path,
                               const std::string& key) {
  const auto it = object.find(key);
  if (it == object.end()) fail(path_key(path, key), "missing");
  return *it;
}

const nlohmann::json* optional(const nlohmann::json& object, const std::string& key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

const nlohmann::json& as_object(const nlohmann::json& value, const std::string& path) {
  if (!value.is_object()) fail_type(value, path, "an object");
  return value;
}

const nlohmann::json& as_array(const nlohmann::json& value, const std::string& path) {
  if (!value.is_array()) fail_type(value, path, "an array");
  return value;
}

std::string as_string(const nlohmann::json& value, const std::string& path) {
  if (!value.is_string()) fail_type(value, path, "a string");
  return value.get<std::string>();
}

bool as_bool(const nlohmann::json& value, const std::string& path) {
  if (!value.is_boolean()) fail_type(value, path, "true or false");
  return value.get<bool>();
}

double as_number(const nlohmann::json& value, const std::string& path) {
  if (!value.is_number()) fail_type(value, path, "a number");
  const double v = value.get<double>();
  if (!std::isfinite(v)) fail(path, "expected a finite number");
  return v;
}

std::int64_t as_count(const nlohmann::json& value, const std::string& path) {
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(path, "integer " + std::to_string(v) + " is too large");
    }
    return static_cast<std::int64_t>(v);
  }
  if (!value.is_number_integer()) fail_type(value, path, "a non-negative integer");
  const auto v = value.get<std::int64_t>();
  if (v < 0) fail(path, "expected a non-negative integer, got " + std::to_string(v));
  return v;
}

}  // namespace neuro::load::json_read
