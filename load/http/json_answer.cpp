#include "load/http/json_answer.hpp"

#include <simdjson.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "load/scenario/units.hpp"

namespace neuro::load {
namespace {

struct ThreadDocument {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::uint64_t generation = 0;
};

ThreadDocument& thread_document() {
  thread_local ThreadDocument doc;
  return doc;
}

// The element at a dotted path: an object's member by key first, else an array's element by a
// decimal index; nullopt when a step of the path is not there.
std::optional<simdjson::dom::element> element_at(simdjson::dom::element node,
                                                 const std::string& json_path) {
  std::size_t from = 0;
  while (from <= json_path.size()) {
    const auto dot = json_path.find('.', from);
    const std::string_view key = std::string_view(json_path).substr(
        from, dot == std::string::npos ? std::string::npos : dot - from);
    simdjson::dom::object object;
    simdjson::dom::array array;
    simdjson::dom::element next;
    if (node.get(object) == simdjson::SUCCESS &&
        object.at_key(key).get(next) == simdjson::SUCCESS) {
      node = next;
    } else if (node.get(array) == simdjson::SUCCESS && !key.empty() && key.size() < 10 &&
               key.find_first_not_of("0123456789") == std::string_view::npos &&
               array.at(std::stoul(std::string(key))).get(next) == simdjson::SUCCESS) {
      node = next;
    } else {
      return std::nullopt;
    }
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  return node;
}

}  // namespace

JsonAnswer::JsonAnswer(std::string_view body) {
  ThreadDocument& doc = thread_document();
  generation_ = ++doc.generation;
  valid_ = doc.parser.parse(body.data(), body.size()).get(doc.root) == simdjson::SUCCESS;
}

// The element a path names in the answer made as `generation` on this thread, if it is there.
std::optional<simdjson::dom::element> JsonAnswer::element(const std::string& json_path) const {
  if (!valid_) return std::nullopt;
  const ThreadDocument& doc = thread_document();
  if (doc.generation != generation_) {
    throw std::logic_error("JsonAnswer: read after another answer was parsed on this thread");
  }
  return element_at(doc.root, json_path);
}

std::optional<std::string> JsonAnswer::value_at(const std::string& json_path) const {
  const auto node = element(json_path);
  if (!node) return std::nullopt;
  if (node->is_string()) return std::string(std::string_view(*node));
  if (node->is_null()) return std::string();
  // Numbers, booleans, objects and arrays in nlohmann's compact form (shortest round-trip
  // numbers, sorted keys), as captures and `equals:` have always compared them.
  return nlohmann::json::parse(simdjson::minify(*node)).dump();
}

bool JsonAnswer::holds(const JsonCondition& c) const {
  using Op = JsonCondition::Op;
  // `exists` never needs the value as text: `check: {json: chunks, exists: true}` on a 1 MB
  // answer would otherwise print the whole array (30 ms) to throw it away.
  if (c.op == Op::kExists) return element(c.json_path).has_value();
  const auto value = value_at(c.json_path);
  if (!value) return c.op == Op::kNotEquals;
  switch (c.op) {
    case Op::kEquals:
      return *value == c.value;
    case Op::kNotEquals:
      return *value != c.value;
    case Op::kExists:
      return true;  // answered above
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
