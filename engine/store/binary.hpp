// PostgreSQL's binary wire formats for the types the store uses (big-endian integers, IEEE
// floats, timestamptz as microseconds since 2000-01-01 UTC), for COPY BINARY, binary
// parameters and binary results.
#pragma once

#include <libpq-fe.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace neuro::store::binary {

// Type OIDs from pg_type.h (stable across PostgreSQL versions).
inline constexpr Oid kInt4Oid = 23;
inline constexpr Oid kInt8Oid = 20;
inline constexpr Oid kFloat4Oid = 700;
inline constexpr Oid kFloat8Oid = 701;
inline constexpr Oid kTextOid = 25;
inline constexpr Oid kByteaOid = 17;
inline constexpr Oid kTimestamptzOid = 1184;
inline constexpr Oid kJsonbOid = 3802;

// Microseconds from the Unix epoch to PostgreSQL's epoch (2000-01-01 00:00:00 UTC).
inline constexpr std::int64_t kPgEpochUnixUs = 946'684'800'000'000;

inline void put_u16(std::string& out, std::uint16_t v) {
  const char bytes[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(bytes, 2);
}
inline void put_u32(std::string& out, std::uint32_t v) {
  const std::uint32_t be = __builtin_bswap32(v);
  out.append(reinterpret_cast<const char*>(&be), 4);
}
inline void put_u64(std::string& out, std::uint64_t v) {
  const std::uint64_t be = __builtin_bswap64(v);
  out.append(reinterpret_cast<const char*>(&be), 8);
}
inline void put_i32(std::string& out, std::int32_t v) {
  put_u32(out, static_cast<std::uint32_t>(v));
}
inline void put_i64(std::string& out, std::int64_t v) {
  put_u64(out, static_cast<std::uint64_t>(v));
}
inline void put_f32(std::string& out, float v) { put_u32(out, std::bit_cast<std::uint32_t>(v)); }
inline void put_f64(std::string& out, double v) { put_u64(out, std::bit_cast<std::uint64_t>(v)); }
// timestamptz from Unix microseconds.
inline void put_time(std::string& out, std::int64_t unix_us) {
  put_i64(out, unix_us - kPgEpochUnixUs);
}

inline std::uint32_t get_u32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline std::uint64_t get_u64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
inline std::int32_t get_i32(const char* p) { return static_cast<std::int32_t>(get_u32(p)); }
inline std::int64_t get_i64(const char* p) { return static_cast<std::int64_t>(get_u64(p)); }
inline float get_f32(const char* p) { return std::bit_cast<float>(get_u32(p)); }
inline double get_f64(const char* p) { return std::bit_cast<double>(get_u64(p)); }
inline std::int64_t get_time(const char* p) { return get_i64(p) + kPgEpochUnixUs; }

// The 19-byte COPY BINARY header and the 2-byte trailer.
inline void put_copy_header(std::string& out) {
  static constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with the NUL
  out.append(kSignature, 11);
  put_u32(out, 0);  // flags: no OIDs
  put_u32(out, 0);  // header extension length
}
inline void put_copy_trailer(std::string& out) { put_u16(out, 0xFFFF); }

}  // namespace neuro::store::binary
