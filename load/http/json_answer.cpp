#include "load/http/json_answer.hpp"

#include "load/scenario/units.hpp"

namespace neuro::load {

JsonAnswer::JsonAnswer(const std::string& body)
    : doc_(nlohmann::json::parse(body, nullptr, false)) {}

const nlohmann::json* JsonAnswer::node_at(const std::string& json_path) const {
  if (doc_.is_discarded()) return nullptr;
  const nlohmann::json* node = &doc_;
  std::size_t from = 0;
  while (from <= json_path.size()) {
    const auto dot = json_path.find('.', from);
    const std::string key = json_path.substr(from, dot == std::string::npos ? dot : dot - from);
    if (node->is_object() && node->contains(key)) {
      node = &(*node)[key];
    } else if (node->is_array() && !key.empty() &&
               key.find_first_not_of("0123456789") == std::string::npos && key.size() < 10 &&
               std::stoul(key) < node->size()) {
      node = &(*node)[std::stoul(key)];
    } else {
      return nullptr;
    }
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  return node;
}

std::optional<std::string> JsonAnswer::value_at(const std::string& json_path) const {
  const nlohmann::json* node = node_at(json_path);
  if (!node) return std::nullopt;
  if (node->is_string()) return node->get<std::string>();
  if (node->is_null()) return std::string();
  return node->dump();
}

bool JsonAnswer::holds(const JsonCondition& c) const {
  using Op = JsonCondition::Op;
  const auto value = value_at(c.json_path);
  if (!value) return c.op == Op::kNotEquals;
  switch (c.op) {
    case Op::kEquals:
      return *value == c.value;
    case Op::kNotEquals:
      return *value != c.value;
    case Op::kExists:
      return true;
    case Op::kLess:
    case Op::kGreater: {
      const auto observed = parse_plain_number(*value);
      const auto limit = parse_plain_number(c.value);
      if (!observed || !limit) return false;
      return c.op == Op::kLess ? *observed < *limit : *observed > *limit;
    }
  }
  return false;
}

}  // namespace neuro::load
