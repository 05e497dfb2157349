#include "load/http/json_answer.hpp"

#include <simdjson.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>
#include <vector>

#include "load/http/json_members.hpp"
#include "load/http/json_structure.hpp"
#include "load/http/response_parser.hpp"
#include "load/scenario/units.hpp"

namespace neuro::load {
namespace {

namespace od = simdjson::ondemand;

// The thread's latest answer. simdjson's On-Demand parser reads the bytes in place or a padded
// copy (the padding lets its SIMD loads run past the end); it indexes a structure in one pass and
// converts only the values a path reaches. An ASCII array or object is not indexed whole: a
// path's first member is found by the scanner's spans and simdjson indexes only that member, where
// a longer path goes on into it.
struct ThreadDocument {
  od::parser parser;
  std::string padded;
  od::document document;
  std::uint64_t generation = 0;
  const char* data = nullptr;  // the answer: `size` bytes, `capacity` readable
  std::size_t size = 0;
  std::size_t capacity = 0;
  bool by_members = false;  // else `document` holds the whole answer
  bool unreadable = false;  // simdjson could not index the whole answer after a member walk
  std::vector<JsonSpan> children;
  JsonStructureScanner scanner;  // for answers handed over without their structure
};

ThreadDocument& thread_document() {
  thread_local ThreadDocument doc;
  return doc;
}

// "data.items.0" as the JSON pointer "/data/items/0" ('~' and '/' escaped): an object's member
// by key, an array's element by index, as the dotted path has always meant.
std::string json_pointer(std::string_view json_path) {
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

// Whether a body that is not a plain array or object (JsonAnswer::read) is one JSON value and
// nothing after it (brackets balanced, strings closed, UTF-8 valid: what a truncated or non-JSON
// answer breaks) without converting the numbers, which are checked where a path reads them. An
// array or object's brackets are checked by one SIMD pass over the bytes (`shape`,
// json_structure.hpp; the epoll transport makes it as the bytes arrive, while they are in cache),
// simdjson's structural pass checks the strings and UTF-8; a broken body costs no structural
// pass. Anything else is walked token by token to its end.
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
ThreadDocument& latest(std::uint64_t generation) {
  ThreadDocument& doc = thread_document();
  if (doc.generation != generation) {
    throw std::logic_error("JsonAnswer: read after another answer was parsed on this thread");
  }
  return doc;
}

// A path's first member and the rest: "data.items.0" -> "data", "items.0"; "a." -> "a", ""
// (the member "" of `a`, as the pointer "/a/" says), "a" -> "a", none.
struct PathSplit {
  std::string_view first;
  std::optional<std::string_view> rest;
};

PathSplit first_segment(std::string_view json_path) {
  const auto dot = json_path.find('.');
  if (dot == std::string_view::npos) return {json_path, std::nullopt};
  return {json_path.substr(0, dot), json_path.substr(dot + 1)};
}

// `document` indexed over the member `value` (an array or object inside the answer), the rest of
// the path looked up in it.
bool enter_member(ThreadDocument& doc, std::string_view value, std::string_view rest,
                  od::value& found) {
  if (value.front() != '{' && value.front() != '[') return false;  // a scalar has no members
  const auto offset = static_cast<std::size_t>(value.data() - doc.data);
  const simdjson::padded_string_view view(value.data(), value.size(), doc.capacity - offset);
  if (doc.parser.iterate(view).get(doc.document) != simdjson::SUCCESS) return false;
  return doc.document.at_pointer(json_pointer(rest)).get(found) == simdjson::SUCCESS;
}

// `document` indexed over the whole answer (a member walk left the path to simdjson). An answer
// it cannot index holds no path from then on: `document` would still be an older one.
bool index_whole(ThreadDocument& doc) {
  doc.by_members = false;
  const simdjson::padded_string_view view(doc.data, doc.size, doc.capacity);
  doc.unreadable = doc.parser.iterate(view).get(doc.document) != simdjson::SUCCESS;
  return !doc.unreadable;
}

}  // namespace

static_assert(kBodyPadding >= simdjson::SIMDJSON_PADDING);

JsonAnswer::JsonAnswer(const AnswerBody& body) {
  ThreadDocument& doc = thread_document();
  JsonStructure structure;
  if (body.structure) {
    structure = *body.structure;
  } else {
    doc.scanner.reset();
    doc.scanner.feed(body.bytes);
    structure = doc.scanner.finish();
  }
  if (body.room_after >= simdjson::SIMDJSON_PADDING) {
    read(body.bytes.data(), body.bytes.size(), body.bytes.size() + body.room_after, structure);
    return;
  }
  doc.padded.reserve(body.bytes.size() + simdjson::SIMDJSON_PADDING);
  doc.padded.assign(body.bytes.data(), body.bytes.size());
  read(doc.padded.data(), doc.padded.size(), doc.padded.capacity(), structure);
}

// The bytes stay where they are until the next answer on this thread: members and values are
// read from them as paths are looked up.
void JsonAnswer::read(const char* data, std::size_t size, std::size_t capacity,
                      const JsonStructure& structure) {
  ThreadDocument& doc = thread_document();
  generation_ = ++doc.generation;
  doc.data = data;
  doc.size = size;
  doc.capacity = capacity;
  doc.unreadable = false;
  // An ASCII array or object, whole, with no control byte in a string: nothing left for
  // simdjson's structural pass to refuse, so it runs only where a path goes into a member.
  doc.by_members =
      structure.shape == JsonShape::kWhole && structure.plain && structure.children.has_value();
  if (doc.by_members) {
    doc.children.assign(structure.children->begin(), structure.children->end());
    valid_ = true;
    return;
  }
  const simdjson::padded_string_view view(data, size, capacity);
  valid_ = whole_document(doc.parser, doc.document, view, structure.shape);
}

namespace {

// What find() answers for a value On-Demand reached.
std::optional<JsonAnswer::Found> found_in(od::value& value) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return std::nullopt;
  JsonAnswer::Found found;
  found.kind = type == od::json_type::string ? JsonAnswer::Found::kString
               : type == od::json_type::null ? JsonAnswer::Found::kNull
                                             : JsonAnswer::Found::kOther;
  std::string_view text;
  if (found.kind == JsonAnswer::Found::kString) {
    if (value.get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
  } else if (simdjson::to_json_string(value).get(text) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  found.text = std::string(text);
  return found;
}

// What find() answers for a member's value as the body spells it (ASCII).
std::optional<JsonAnswer::Found> found_in(std::string_view value) {
  JsonAnswer::Found found;
  if (value.front() == '"') {
    found.kind = JsonAnswer::Found::kString;
    const std::string_view inner = value.substr(1, value.size() - 2);
    if (inner.find('\\') == std::string_view::npos) {
      found.text = std::string(inner);
      return found;
    }
    auto parsed = nlohmann::json::parse(value, nullptr, false);  // escapes checked and undone
    if (parsed.is_discarded() || !parsed.is_string()) return std::nullopt;
    found.text = parsed.get<std::string>();
    return found;
  }
  found.kind = value == "null" ? JsonAnswer::Found::kNull : JsonAnswer::Found::kOther;
  found.text = std::string(value);
  return found;
}

// Where a path's value is in the thread's answer: the text of the path's one member of a plain
// answer as the body spells it, a value On-Demand reached (in `value`), or nowhere.
struct Located {
  enum Kind { kAbsent, kMemberText, kValue } kind = kAbsent;
  std::string_view text;
};

Located locate(ThreadDocument& doc, const std::string& json_path, od::value& value) {
  if (doc.unreadable) return {};
  if (doc.by_members) {
    const auto [segment, rest] = first_segment(json_path);
    const JsonMember member = find_json_member({doc.data, doc.size}, doc.children, segment);
    if (member.result == JsonMember::kAbsent) return {};
    if (member.result == JsonMember::kFound) {
      if (!rest) return {Located::kMemberText, member.value};
      return enter_member(doc, member.value, *rest, value) ? Located{Located::kValue, {}}
                                                           : Located{};
    }
    if (!index_whole(doc)) return {};
  }
  if (doc.document.at_pointer(json_pointer(json_path)).get(value) != simdjson::SUCCESS) return {};
  return {Located::kValue, {}};
}

}  // namespace

// The value a path names in this thread's latest answer, if it is there. Strings unquoted;
// others as their JSON text in the body (normalised by the caller).
std::optional<JsonAnswer::Found> JsonAnswer::find(const std::string& json_path) const {
  if (!valid_) return std::nullopt;
  od::value value;
  const Located at = locate(latest(generation_), json_path, value);
  if (at.kind == Located::kMemberText) return found_in(at.text);
  if (at.kind == Located::kValue) return found_in(value);
  return std::nullopt;
}

bool JsonAnswer::exists(const std::string& json_path) const {
  if (!valid_) return false;
  // No conversion: the value may be a large array that only its existence matters for.
  od::value value;
  return locate(latest(generation_), json_path, value).kind != Located::kAbsent;
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
