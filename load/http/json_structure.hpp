// Whether a body is one JSON array or object and nothing after it: brackets balanced and paired
// ('[' with ']', '{' with '}') outside strings, backslash escapes honoured, only whitespace after
// the value closes. One pass over the bytes, 64 at a time (the string mask as simdjson's paper
// computes it: odd runs of backslashes, then a prefix XOR of the unescaped quotes); a block with
// no quote, backslash, bracket or byte outside ASCII, and no control byte when it is inside a
// string (most of an answer of numbers, indented or not) is passed after one table-lookup test,
// and brackets are looked at one by one only in the blocks that hold some. On the API load flow's
// 1 MB answer of floats in cache it takes 23-35 us, 95 us with every block masked, and the same
// answer indented (1.5 MB) 37 us against 157 us (AMD EPYC); walking simdjson's ~200,000 tokens
// to the end took 130 us on an Intel Xeon, ~22 % of a load thread's CPU on that flow.
// It does not check scalars, colons or commas (they are checked where a path reads them). It
// notes what else simdjson's structural pass would refuse (a byte outside ASCII, whose UTF-8 it
// validates; a control byte inside a string) and where the outermost value's array and object
// children lie, so that a reader can go straight to a member of an ASCII body without that pass
// (json_members.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace neuro::load {

enum class JsonShape {
  kWhole,   // one array or object, whitespace at most after it
  kBroken,  // unbalanced or mispaired brackets, an open string, or content after the value
  kScalar,  // the first non-whitespace byte opens no array or object: not decided here
};

// A child of the outermost value that is an array or object: the offsets of its brackets.
struct JsonSpan {
  std::size_t open = 0;   // its '[' or '{'
  std::size_t close = 0;  // its ']' or '}'
  bool operator==(const JsonSpan&) const = default;
};

// What a scan found.
struct JsonStructure {
  JsonShape shape = JsonShape::kScalar;
  // kWhole only: every byte ASCII and no control byte inside a string, so nothing is left that
  // simdjson's structural pass would refuse.
  bool plain = false;
  // kWhole only: the outermost value's array and object children in order, valid until the
  // scanner is reset; nullopt when there were more than JsonStructureScanner::kMaxChildren.
  std::optional<std::span<const JsonSpan>> children;
};

// The same check fed a body piece by piece as it arrives (the epoll transport feeds each read
// while its bytes are still in cache): the shape of all the pieces together.
class JsonStructureScanner {
 public:
  void feed(std::string_view bytes);
  JsonStructure finish();
  // Ready for the next body, keeping the storage of the children's spans.
  void reset();

  // simdjson's default maximum depth: a deeper document is refused there too.
  static constexpr std::size_t kMaxDepth = 1024;
  // More container children than this (a long array of objects) are not placed: a reader looks
  // them up through simdjson as before.
  static constexpr std::size_t kMaxChildren = 4096;
  // What reset() keeps of the spans' storage (4 KB).
  static constexpr std::size_t kKeptChildren = 256;

 private:
  enum class State { kStart, kInValue, kAfterValue, kBroken, kScalar };
  // `count` 64-byte blocks of the value at `p`; `after`: the piece's bytes past them.
  void blocks(const char* p, std::size_t count, std::string_view after);
  // The brackets of the block at `p`, body offset `base` (one bit each), into the nesting: the
  // index of the one that closes the outermost value or breaks it (state_ says which), else -1.
  int nest(const char* p, std::uint64_t brackets, std::size_t base);

  State state_ = State::kStart;
  std::size_t depth_ = 0;
  std::array<std::uint64_t, kMaxDepth / 64> curly_{};  // per open level: '{' (1) or '[' (0)
  std::uint64_t escape_carry_ = 0;                     // the last block ended in an odd run
  std::uint64_t in_string_carry_ = 0;                  // all ones while a string is open
  char pending_[64];                                   // a block begun by an earlier piece
  std::size_t pending_size_ = 0;
  std::size_t scanned_ = 0;    // body bytes in the blocks seen: the next block's offset
  std::uint64_t unplain_ = 0;  // non-zero once a byte made the body not `plain`
  std::vector<JsonSpan> children_;
  bool too_many_children_ = false;
};

JsonShape json_container_shape(std::string_view body);

}  // namespace neuro::load
