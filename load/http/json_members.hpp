// A member of a body's outermost array or object found without simdjson's structural pass over
// the whole body: the members before it are stepped over, their arrays and objects in one jump
// each to the closing bracket JsonStructureScanner placed (json_structure.hpp). On the API load
// flow's 1 MB answer, `check: {json: chunks, exists: true}` reads a few dozen bytes instead of
// indexing 1 MB (that pass was ~20 % of a load thread's CPU there).
#pragma once

#include <span>
#include <string_view>

#include "load/http/json_structure.hpp"

namespace neuro::load {

struct JsonMember {
  enum Result {
    kFound,
    kAbsent,     // no such member, or the tokens on the way are not JSON
    kUndecided,  // the spans do not fit the body (they do for the body the scanner was fed)
  } result = kAbsent;
  std::string_view value;  // kFound: the member's value as the body spells it
};

// `body`: a whole array or object (JsonShape::kWhole) and `children` its scanner's spans.
// `segment`: an object's key as the body spells it, or an array's index in decimal digits
// without leading zeros, as JSON pointers name them.
JsonMember find_json_member(std::string_view body, std::span<const JsonSpan> children,
                            std::string_view segment);

}  // namespace neuro::load
