// Whether a body is one JSON array or object and nothing after it: brackets balanced and paired
// ('[' with ']', '{' with '}') outside strings, backslash escapes honoured, only whitespace after
// the value closes. One pass over the bytes, 64 at a time (the string mask as simdjson's paper
// computes it: odd runs of backslashes, then a prefix XOR of the unescaped quotes); brackets are
// looked at one by one only in the blocks that hold some. On a 1 MB answer of floats in cache it
// takes 63 us where walking simdjson's ~200,000 tokens to the end (raw_json()) took 130 us (Intel
// Xeon); that walk was ~22 % of a load thread's CPU on the API load flow.
// It does not check scalars, colons or commas (On-Demand checks those where a path reads) nor
// UTF-8 and unclosed strings at the end (simdjson's structural pass checks those).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace neuro::load {

enum class JsonShape {
  kWhole,   // one array or object, whitespace at most after it
  kBroken,  // unbalanced or mispaired brackets, an open string, or content after the value
  kScalar,  // the first non-whitespace byte opens no array or object: not decided here
};

// The same check fed a body piece by piece as it arrives (the epoll transport feeds each read
// while its bytes are still in cache): the shape of all the pieces together.
class JsonStructureScanner {
 public:
  void feed(std::string_view bytes);
  JsonShape finish();

  // simdjson's default maximum depth: a deeper document is refused there too.
  static constexpr std::size_t kMaxDepth = 1024;

 private:
  enum class State { kStart, kInValue, kAfterValue, kBroken, kScalar };
  // `count` 64-byte blocks of the value at `p`; `after`: the piece's bytes past them.
  void blocks(const char* p, std::size_t count, std::string_view after);
  // The brackets of the block at `p` (one bit each) into the nesting: the index of the one that
  // closes the outermost value or breaks it (state_ says which), else -1.
  int nest(const char* p, std::uint64_t brackets);

  State state_ = State::kStart;
  std::size_t depth_ = 0;
  std::array<std::uint64_t, kMaxDepth / 64> curly_{};  // per open level: '{' (1) or '[' (0)
  std::uint64_t escape_carry_ = 0;                     // the last block ended in an odd run
  std::uint64_t in_string_carry_ = 0;                  // all ones while a string is open
  char pending_[64];                                   // a block begun by an earlier piece
  std::size_t pending_size_ = 0;
};

JsonShape json_container_shape(std::string_view body);

}  // namespace neuro::load
