// A response body read as JSON once, for everything a step reads from it: captures, `check:`
// conditions and the polling step's `until`. Its structure is checked whole (one value, brackets
// balanced, strings closed, UTF-8 valid) and only the values a path names are converted. An ASCII
// array or object is checked by one SIMD pass (json_structure.hpp) and a path's first member
// found by stepping over the members before it (json_members.hpp); simdjson's On-Demand parser
// indexes only the member a longer path goes into. Anything else is indexed whole by simdjson.
// A check on a 1 MB answer of floats costs the one pass (a load thread reads every answer of a
// step with checks).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "load/http/json_structure.hpp"
#include "load/scenario/step_flow.hpp"

namespace neuro::load {

// An answer's body as a transport hands it over: its bytes, how many more past them may be read
// (with enough for simdjson's padding the body is read in place), and its structure when the
// transport scanned it as the bytes arrived (json_structure.hpp; its spans are copied).
struct AnswerBody {
  std::string_view bytes;
  std::size_t room_after = 0;
  std::optional<JsonStructure> structure;
};

// One parser per thread holds the document, so a JsonAnswer is read before the next one is made
// on the same thread (each is a local of the code that reads an answer); reading an older one
// throws std::logic_error.
class JsonAnswer {
 public:
  // `room_after`: bytes readable past the body's end (ResponseParser reserves the padding); with
  // enough for the parser's padding the body is read in place and must stay unchanged while the
  // answer is read, else a padded copy is read.
  explicit JsonAnswer(std::string_view body, std::size_t room_after = 0)
      : JsonAnswer(AnswerBody{body, room_after, std::nullopt}) {}
  explicit JsonAnswer(const AnswerBody& body);
  // The value at a dotted path ("data.items.0.id") as text: strings unquoted, null as "", other
  // values as compact JSON (objects with sorted keys); nullopt when the body is not JSON or the
  // path is absent.
  std::optional<std::string> value_at(const std::string& json_path) const;
  // Whether the condition holds; a body that is not JSON holds none.
  bool holds(const JsonCondition& c) const;

  // A value as found at a path: a string's unescaped text, null, or another value's JSON text as
  // the body spells it.
  struct Found {
    enum Kind { kString, kNull, kOther } kind = kOther;
    std::string text;
  };

 private:
  // The value at the path, checked to be read from this thread's latest answer.
  std::optional<Found> find(const std::string& json_path) const;
  bool exists(const std::string& json_path) const;
  void read(const char* data, std::size_t size, std::size_t capacity,
            const JsonStructure& structure);
  bool valid_ = false;
  std::uint64_t generation_ = 0;  // which parse of this thread's parser it is
};

}  // namespace neuro::load
