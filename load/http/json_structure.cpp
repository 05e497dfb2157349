#include "load/http/json_structure.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__AVX2__) || defined(__PCLMUL__)
#include <immintrin.h>
#endif

namespace neuro::load {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n";

struct BlockMasks {
  std::uint64_t quote = 0;
  std::uint64_t backslash = 0;
  std::uint64_t bracket = 0;  // [ ] { }
  std::uint64_t high = 0;     // bytes 0x80-0xFF: not ASCII
  std::uint64_t control = 0;  // bytes 0x00-0x1F
};

// One bit per byte of a 64-byte block.
BlockMasks masks_of(const char* p) {
  BlockMasks m;
#if defined(__AVX2__)
  for (int half = 0; half < 2; ++half) {
    const __m256i v =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + std::ptrdiff_t{32} * half));
    // OR 0x20 folds '[' onto '{' and ']' onto '}' (0x5B/0x5D -> 0x7B/0x7D); no other byte lands
    // on either.
    const __m256i folded = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
    const __m256i bracket = _mm256_or_si256(_mm256_cmpeq_epi8(folded, _mm256_set1_epi8('{')),
                                            _mm256_cmpeq_epi8(folded, _mm256_set1_epi8('}')));
    const auto bits = [half](__m256i eq) {
      return std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(eq))} << (32 * half);
    };
    m.quote |= bits(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')));
    m.backslash |= bits(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\')));
    m.bracket |= bits(bracket);
    m.high |= bits(v);  // the sign bits
    m.control |= bits(_mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x1F)), v));
  }
#else
  for (int i = 0; i < 64; ++i) {
    const std::uint64_t bit = std::uint64_t{1} << i;
    const char folded = static_cast<char>(p[i] | 0x20);
    if (p[i] == '"') m.quote |= bit;
    if (p[i] == '\\') m.backslash |= bit;
    if (folded == '{' || folded == '}') m.bracket |= bit;
    const auto byte = static_cast<unsigned char>(p[i]);
    if (byte >= 0x80) m.high |= bit;
    if (byte < 0x20) m.control |= bit;
  }
#endif
  return m;
}

// Whether a 64-byte block holds none of the bytes the masks are for (quote, backslash, bracket,
// byte outside ASCII, and control bytes when the block is inside a string): most blocks of a
// large answer (digits, commas, keys' letters, indentation) are only looked at by this test.
// Each byte is classed by two table lookups, one per nibble, after Langdale and Lemire's
// vectorised classification: a byte is one of them when its two entries share a bit.
bool block_without_marks(const char* p, bool in_string) {
#if defined(__AVX2__)
  // bit 0: high nibble 8-F (not ASCII); bit 1: 0x22 '"'; bit 2: 0x5B-0x5D '[' '\' ']';
  // bit 3: 0x7B '{' and 0x7D '}'; bit 4: high nibble 0-1 (control), any low nibble.
  const __m256i by_low =
      _mm256_setr_epi8(17, 17, 19, 17, 17, 17, 17, 17, 17, 17, 17, 29, 21, 29, 17, 17,  //
                       17, 17, 19, 17, 17, 17, 17, 17, 17, 17, 17, 29, 21, 29, 17, 17);
  const __m256i by_high = _mm256_setr_epi8(16, 16, 2, 0, 0, 4, 0, 8, 1, 1, 1, 1, 1, 1, 1, 1,  //
                                           16, 16, 2, 0, 0, 4, 0, 8, 1, 1, 1, 1, 1, 1, 1, 1);
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  __m256i marks = _mm256_setzero_si256();
  for (int half = 0; half < 2; ++half) {
    const __m256i v =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + std::ptrdiff_t{32} * half));
    const __m256i low = _mm256_shuffle_epi8(by_low, _mm256_and_si256(v, nibble));
    const __m256i high =
        _mm256_shuffle_epi8(by_high, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble));
    marks = _mm256_or_si256(marks, _mm256_and_si256(low, high));
  }
  // Outside strings a control byte is whitespace or not JSON at all: neither is the scan's to
  // report.
  const __m256i counted = _mm256_set1_epi8(static_cast<char>(in_string ? 0x1F : 0x0F));
  return _mm256_testz_si256(marks, counted) != 0;
#else
  for (int i = 0; i < 64; ++i) {
    const auto byte = static_cast<unsigned char>(p[i]);
    if ((byte < 0x20 && in_string) || byte >= 0x80 || byte == '"' || byte == '\\' ||
        (byte | 0x20) == '{' || (byte | 0x20) == '}') {
      return false;
    }
  }
  return true;
#endif
}

// The bytes a backslash escapes: the one after each odd-length run of backslashes (and every
// second backslash inside a run). `carry` says the previous block ended in an odd run, so this
// block's first byte is escaped; it is updated for the next block. Branch-free, after Langdale
// and Lemire, "Parsing Gigabytes of JSON per Second" (2019), section 3.1.1.
std::uint64_t escaped_bytes(std::uint64_t backslash, std::uint64_t& carry) {
  constexpr std::uint64_t kEven = 0x5555555555555555;
  backslash &= ~carry;  // escaped itself: starts no escape
  const std::uint64_t follows = (backslash << 1) | carry;
  // Adding each odd-positioned run start to the runs carries past the end of those runs only.
  const std::uint64_t odd_starts = backslash & ~kEven & ~follows;
  std::uint64_t even_runs = 0;
  carry = __builtin_add_overflow(odd_starts, backslash, &even_runs) ? 1 : 0;
  return (kEven ^ (even_runs << 1)) & follows;
}

// Bit i = XOR of bits 0..i: 1 from an opening quote up to (not including) its closing one. One
// carry-less multiply by all ones where the CPU has it (the shifts are a chain of 12 steps).
std::uint64_t prefix_xor(std::uint64_t x) {
#if defined(__PCLMUL__)
  const __m128i product =
      _mm_clmulepi64_si128(_mm_cvtsi64_si128(static_cast<long long>(x)), _mm_set1_epi8(-1), 0);
  return static_cast<std::uint64_t>(_mm_cvtsi128_si64(product));
#else
  for (int shift = 1; shift < 64; shift *= 2) x ^= x << shift;
  return x;
#endif
}

bool only_whitespace(std::string_view rest) {
  return rest.find_first_not_of(kWhitespace) == std::string_view::npos;
}

}  // namespace

void JsonStructureScanner::feed(std::string_view bytes) {
  if (state_ == State::kStart) {
    const std::size_t first = bytes.find_first_not_of(kWhitespace);
    if (first == std::string_view::npos) {  // nothing but whitespace yet
      scanned_ += bytes.size();
      return;
    }
    state_ = bytes[first] == '[' || bytes[first] == '{' ? State::kInValue : State::kScalar;
  }
  if (state_ == State::kAfterValue) {
    if (!only_whitespace(bytes)) state_ = State::kBroken;
    return;
  }
  if (state_ != State::kInValue) return;  // decided
  std::size_t at = 0;
  if (pending_size_ > 0) {  // complete the block a previous piece began
    const std::size_t n = std::min(bytes.size(), sizeof pending_ - pending_size_);
    std::memcpy(pending_ + pending_size_, bytes.data(), n);
    pending_size_ += n;
    at = n;
    if (pending_size_ < sizeof pending_) return;
    pending_size_ = 0;
    blocks(pending_, 1, bytes.substr(at));
    if (state_ != State::kInValue) return;
  }
  const std::size_t whole_blocks = (bytes.size() - at) / 64;
  blocks(bytes.data() + at, whole_blocks, bytes.substr(at + 64 * whole_blocks));
  at += 64 * whole_blocks;
  if (state_ == State::kInValue && at < bytes.size()) {
    pending_size_ = bytes.size() - at;
    std::memcpy(pending_, bytes.data() + at, pending_size_);
  }
}

JsonStructure JsonStructureScanner::finish() {
  if (state_ == State::kInValue && pending_size_ > 0) {  // the last, short block: spaces after
    std::memset(pending_ + pending_size_, ' ', sizeof pending_ - pending_size_);
    pending_size_ = 0;
    blocks(pending_, 1, {});
  }
  JsonStructure found;
  switch (state_) {
    case State::kAfterValue:
      found.shape = JsonShape::kWhole;
      found.plain = unplain_ == 0;
      if (!too_many_children_) found.children = std::span<const JsonSpan>(children_);
      return found;
    case State::kStart:
    case State::kScalar:
      found.shape = JsonShape::kScalar;
      return found;
    case State::kInValue:  // the value never closed
    case State::kBroken:
      break;
  }
  found.shape = JsonShape::kBroken;
  return found;
}

void JsonStructureScanner::reset() {
  state_ = State::kStart;
  depth_ = 0;  // curly_ is written at each level before it is read
  escape_carry_ = 0;
  in_string_carry_ = 0;
  pending_size_ = 0;
  scanned_ = 0;
  unplain_ = 0;
  // A connection keeps its scanner for the run: one answer with thousands of children must not
  // leave each of 10,000 connections holding 64 KB.
  if (children_.capacity() > kKeptChildren) {
    std::vector<JsonSpan>().swap(children_);
  } else {
    children_.clear();
  }
  too_many_children_ = false;
}

void JsonStructureScanner::blocks(const char* p, std::size_t count, std::string_view after) {
  // The carries in locals: `p` may alias the members, which would be stored and reloaded for
  // every block.
  std::uint64_t escape_carry = escape_carry_;
  std::uint64_t in_string_carry = in_string_carry_;
  std::uint64_t unplain = 0;
  const std::size_t base = scanned_;
  for (std::size_t k = 0; k < count; ++k, p += 64) {
    if (block_without_marks(p, in_string_carry != 0)) {
      // No quote or bracket: a string stays open or closed, the nesting is as it was, and an
      // escape carried in escapes a byte that means nothing here.
      escape_carry = 0;
      continue;
    }
    const BlockMasks m = masks_of(p);
    // An escaped byte is neither a quote nor a bracket (outside a string a backslash is not JSON
    // at all; this keeps one rule for both).
    const std::uint64_t escaped = escaped_bytes(m.backslash, escape_carry);
    const std::uint64_t in_string = prefix_xor(m.quote & ~escaped) ^ in_string_carry;
    in_string_carry = static_cast<std::uint64_t>(static_cast<std::int64_t>(in_string) >> 63);
    unplain |= m.high | (m.control & in_string);
    const std::uint64_t brackets = m.bracket & ~in_string & ~escaped;
    if (brackets == 0) continue;  // most blocks of a large answer: numbers, keys, strings
    const int end = nest(p, brackets, base + 64 * k);
    if (end < 0) continue;
    unplain_ |= unplain;
    if (state_ == State::kBroken) return;
    // The value ends in this block: what follows it here, in the later blocks and after them.
    const std::string_view rest(p + end + 1, 64 * (count - k) - static_cast<std::size_t>(end) - 1);
    state_ = only_whitespace(rest) && only_whitespace(after) ? State::kAfterValue : State::kBroken;
    return;
  }
  escape_carry_ = escape_carry;
  in_string_carry_ = in_string_carry;
  unplain_ |= unplain;
  scanned_ = base + 64 * count;
}

int JsonStructureScanner::nest(const char* p, std::uint64_t brackets, std::size_t base) {
  for (std::uint64_t b = brackets; b != 0; b &= b - 1) {
    const int i = std::countr_zero(b);
    const bool is_curly = p[i] == '{' || p[i] == '}';
    const std::uint64_t level_bit = std::uint64_t{1} << (depth_ % 64);
    std::uint64_t& level_word = curly_[depth_ / 64];
    if (p[i] == '[' || p[i] == '{') {
      if (depth_ == kMaxDepth) {
        state_ = State::kBroken;
        return i;
      }
      level_word = is_curly ? level_word | level_bit : level_word & ~level_bit;
      if (depth_ == 1 && !too_many_children_) {  // a child of the outermost value opens
        if (children_.size() == kMaxChildren) {
          too_many_children_ = true;
        } else {
          children_.push_back({base + static_cast<std::size_t>(i), 0});
        }
      }
      ++depth_;
      continue;
    }
    if (depth_ == 0) {
      state_ = State::kBroken;
      return i;
    }
    --depth_;
    if (((curly_[depth_ / 64] >> (depth_ % 64)) & 1) != static_cast<std::uint64_t>(is_curly)) {
      state_ = State::kBroken;
      return i;
    }
    if (depth_ == 1 && !too_many_children_)
      children_.back().close = base + static_cast<std::size_t>(i);
    if (depth_ == 0) return i;  // the outermost value closed
  }
  return -1;
}

JsonShape json_container_shape(std::string_view body) {
  JsonStructureScanner scanner;
  scanner.feed(body);
  return scanner.finish().shape;
}

}  // namespace neuro::load
