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
  }
#else
  for (int i = 0; i < 64; ++i) {
    const std::uint64_t bit = std::uint64_t{1} << i;
    const char folded = static_cast<char>(p[i] | 0x20);
    if (p[i] == '"') m.quote |= bit;
    if (p[i] == '\\') m.backslash |= bit;
    if (folded == '{' || folded == '}') m.bracket |= bit;
  }
#endif
  return m;
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
    if (first == std::string_view::npos) return;  // nothing but whitespace yet
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

JsonShape JsonStructureScanner::finish() {
  if (state_ == State::kInValue && pending_size_ > 0) {  // the last, short block: spaces after
    std::memset(pending_ + pending_size_, ' ', sizeof pending_ - pending_size_);
    pending_size_ = 0;
    blocks(pending_, 1, {});
  }
  switch (state_) {
    case State::kAfterValue:
      return JsonShape::kWhole;
    case State::kStart:
    case State::kScalar:
      return JsonShape::kScalar;
    case State::kInValue:  // the value never closed
    case State::kBroken:
      break;
  }
  return JsonShape::kBroken;
}

void JsonStructureScanner::blocks(const char* p, std::size_t count, std::string_view after) {
  // The carries in locals: `p` may alias the members, which would be stored and reloaded for
  // every block.
  std::uint64_t escape_carry = escape_carry_;
  std::uint64_t in_string_carry = in_string_carry_;
  for (std::size_t k = 0; k < count; ++k, p += 64) {
    const BlockMasks m = masks_of(p);
    // An escaped byte is neither a quote nor a bracket (outside a string a backslash is not JSON
    // at all; this keeps one rule for both).
    const std::uint64_t escaped = escaped_bytes(m.backslash, escape_carry);
    const std::uint64_t in_string = prefix_xor(m.quote & ~escaped) ^ in_string_carry;
    in_string_carry = static_cast<std::uint64_t>(static_cast<std::int64_t>(in_string) >> 63);
    const std::uint64_t brackets = m.bracket & ~in_string & ~escaped;
    if (brackets == 0) continue;  // most blocks of a large answer: numbers, keys, strings
    const int end = nest(p, brackets);
    if (end < 0) continue;
    if (state_ == State::kBroken) return;
    // The value ends in this block: what follows it here, in the later blocks and after them.
    const std::string_view rest(p + end + 1, 64 * (count - k) - static_cast<std::size_t>(end) - 1);
    state_ = only_whitespace(rest) && only_whitespace(after) ? State::kAfterValue : State::kBroken;
    return;
  }
  escape_carry_ = escape_carry;
  in_string_carry_ = in_string_carry;
}

int JsonStructureScanner::nest(const char* p, std::uint64_t brackets) {
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
    if (depth_ == 0) return i;  // the outermost value closed
  }
  return -1;
}

JsonShape json_container_shape(std::string_view body) {
  JsonStructureScanner scanner;
  scanner.feed(body);
  return scanner.finish();
}

}  // namespace neuro::load
