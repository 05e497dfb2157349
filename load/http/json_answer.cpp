#include "load/http/json_answer.hpp"

#include <simdjson.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "load/http/json_structure.hpp"
#include "load/http/response_parser.hpp"
#include "load/scenario/units.hpp"

namespace neuro::load {
namespace {

namespace od = simdjson::ondemand;

// The thread's latest answer: simdjson's On-Demand parser reads a padded copy of the body (the
// padding lets its SIMD loads run past the end). On-Demand indexes the structure in one pass and
// converts only the values a path reaches: a `check: {json: chunks, exists: true}` on a 700 KB
// array of floats no longer parses 100,000 numbers it throws away.
struct ThreadDocument {
  od::parser parser;
  std::string padded;
  od::document document;
  std::uint64_t generation = 0;
};

ThreadDocument& thread_document() {
  thread_local ThreadDocument doc;
  return doc;
}

// "data.items.0" as the JSON pointer "/data/items/0" ('~' and '/' escaped): an object's member
// by key, an array's element by index, as the dotted path has always meant.
std::string json_pointer(const std::string& json_path) {
  std::string pointer;
  pointer.reserve(json_path.size() + 8);
  pointer += '/';
  for (const char c : json_path) {
    if (c == '.') {
      pointer += '/';
    } else if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
  return pointer;
}

// Whether the body is one JSON value and nothing after it (brackets balanced, strings closed,
// UTF-8 valid: what a truncated or non-JSON answer breaks) without converting the numbers, which
// are checked where a path reads them. An array or object's brackets are checked by one SIMD pass
// over the bytes (`shape`, json_structure.hpp; the epoll transport makes it as the bytes arrive,
// while they are in cache), simdjson's structural pass checks the strings and UTF-8; a broken
// body costs no structural pass. Anything else is walked token by token to its end.
bool whole_document(od::parser& parser, od::document& document, simdjson::padded_string_view view,
                    JsonShape shape) {
  if (shape == JsonShape::kBroken) return false;
  if (parser.iterate(view).get(document) != simdjson::SUCCESS) return false;
  if (shape == JsonShape::kWhole) return true;
  const std::string_view body(view.data(), view.size());
  std::string_view raw;
  if (document.raw_json().get(raw) != simdjson::SUCCESS) return false;
  // raw_json ends where the walk stopped: at the end, or at a token after the value.
  const auto end = static_cast<std::size_t>(raw.data() + raw.size() - body.data());
  if (end >= body.size()) return true;
  return body.find_first_not_of(" \t\r\n", end) == std::string_view::npos;
}

// The thread's document, checked to be the answer made as `generation`.
od::document& latest(std::uint64_t generation) {
  ThreadDocument& doc = thread_document();
  if (doc.generation != generation) {
    throw std::logic_error("JsonAnswer: read after another answer was parsed on this thread");
  }
  return doc.document;
}

}  // namespace

static_assert(kBodyPadding >= simdjson::SIMDJSON_PADDING);

JsonAnswer::JsonAnswer(const AnswerBody& body) {
  const JsonShape shape = body.shape ? *body.shape : json_container_shape(body.bytes);
  if (body.room_after >= simdjson::SIMDJSON_PADDING) {
    read(body.bytes.data(), body.bytes.size(), body.bytes.size() + body.room_after, shape);
    return;
  }
  ThreadDocument& doc = thread_document();
  doc.padded.reserve(body.bytes.size() + simdjson::SIMDJSON_PADDING);
  doc.padded.assign(body.bytes.data(), body.bytes.size());
  read(doc.padded.data(), doc.padded.size(), doc.padded.capacity(), shape);
}

// On-Demand reads the bytes lazily, as paths are looked up: they stay where they are until the
// next answer on this thread.
void JsonAnswer::read(const char* data, std::size_t size, std::size_t capacity, JsonShape shape) {
  ThreadDocument& doc = thread_document();
  generation_ = ++doc.generation;
  const simdjson::padded_string_view view(data, size, capacity);
  valid_ = whole_document(doc.parser, doc.document, view, shape);
}

// The text of the value a path names in this thread's latest answer, if it is there. Strings
// unquoted; others as their JSON text in the body (normalised by the caller).
std::optional<JsonAnswer::Found> JsonAnswer::find(const std::string& json_path) const {
  if (!valid_) return std::nullopt;
  od::value value;
  if (latest(generation_).at_pointer(json_pointer(json_path)).get(value) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return std::nullopt;
  Found found;
  found.kind = type == od::json_type::string ? Found::kString
               : type == od::json_type::null ? Found::kNull
                                             : Found::kOther;
  std::string_view text;
  if (found.kind == Found::kString) {
    if (value.get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
  } else if (simdjson::to_json_string(value).get(text) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  found.text = std::string(text);
  return found;
}

bool JsonAnswer::exists(const std::string& json_path) const {
  if (!valid_) return false;
  // No conversion: the value may be a large array that only its existence matters for.
  od::value value;
  return latest(generation_).at_pointer(json_pointer(json_path)).get(value) == simdjson::SUCCESS;
}

std::optional<std::string> JsonAnswer::value_at(const std::string& json_path) const {
  auto found = find(json_path);
  if (!found) return std::nullopt;
  if (found->kind == Found::kString) return std::move(found->text);
  if (found->kind == Found::kNull) return std::string();
  // Numbers, booleans, objects and arrays in nlohmann's compact form (shortest round-trip
  // numbers, sorted keys), as captures and `equals:` have always compared them; the value is
  // parsed whole here, so a malformed one reads as absent.
  auto parsed = nlohmann::json::parse(found->text, nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed.dump();
}

bool JsonAnswer::holds(const JsonCondition& c) const {
  using Op = JsonCondition::Op;
  // `exists` never needs the value as text: `check: {json: chunks, exists: true}` on a 1 MB
  // answer would otherwise print the whole array (30 ms) to throw it away.
  if (c.op == Op::kExists) return exists(c.json_path);
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
