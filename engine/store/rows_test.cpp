// The store's pure parts, checked against values worked out by hand or by another route: SQL
// literal forms (parsed back with the C library), URL redaction, COPY binary encoding, and the
// cutting of blocks into rows and chunks.
#include "engine/store/rows.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "engine/base/errors.hpp"
#include "engine/store/binary.hpp"
#include "engine/store/connection.hpp"

namespace neuro::store {
namespace {

TEST(FormatTimestamp, KnownInstants) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01 00:00:00.000000+00");
  // 2026-01-01 00:00:00 UTC is 1767225600 s (date -u -d 2026-01-01 +%s).
  EXPECT_EQ(format_timestamp(1'767'225'600'000'250), "2026-01-01 00:00:00.000250+00");
  EXPECT_EQ(format_timestamp(-1), "1969-12-31 23:59:59.999999+00");
  EXPECT_EQ(format_timestamp(951'782'400'000'000), "2000-02-29 00:00:00.000000+00");
}

TEST(FormatFloat, ParsesBackBitForBit) {
  const float values[] = {0.0f,
                          -0.0f,
                          1.0f / 3.0f,
                          -123.456f,
                          std::numeric_limits<float>::max(),
                          std::numeric_limits<float>::lowest(),
                          std::numeric_limits<float>::min(),
                          std::numeric_limits<float>::denorm_min(),
                          std::numeric_limits<float>::epsilon()};
  for (float v : values) {
    const std::string text = format_float(v);
    const float back = std::strtof(text.c_str(), nullptr);
    EXPECT_EQ(std::bit_cast<std::uint32_t>(back), std::bit_cast<std::uint32_t>(v)) << text;
  }
  EXPECT_EQ(format_float(std::numeric_limits<float>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_float(std::numeric_limits<float>::infinity()), "Infinity");
  EXPECT_EQ(format_float(-std::numeric_limits<float>::infinity()), "-Infinity");
}

TEST(RedactUrl, DropsPasswordsOnly) {
  EXPECT_EQ(redact_url("postgresql://neuroperf:s3cret@db.example:5432/x"),
            "postgresql://neuroperf@db.example:5432/x");
  EXPECT_EQ(redact_url("postgresql://neuroperf@127.0.0.1:54329/neuroperf"),
            "postgresql://neuroperf@127.0.0.1:54329/neuroperf");
  EXPECT_EQ(redact_url("postgresql://u@h/db?password=abc&sslmode=disable"),
            "postgresql://u@h/db?password=***&sslmode=disable");
  EXPECT_EQ(redact_url("host=h user=u password=abc dbname=d"),
            "host=h user=u password=*** dbname=d");
}

TEST(PgUrlFromEnv, DefaultWhenUnsetOrEmpty) {
  const char* saved = std::getenv("NEUROPERF_PG_URL");
  const std::string keep = saved ? saved : "";
  ::setenv("NEUROPERF_PG_URL", "", 1);
  EXPECT_EQ(pg_url_from_env(), kDefaultPgUrl);
  ::setenv("NEUROPERF_PG_URL", "postgresql://x@y/z", 1);
  EXPECT_EQ(pg_url_from_env(), "postgresql://x@y/z");
  if (saved) {
    ::setenv("NEUROPERF_PG_URL", keep.c_str(), 1);
  } else {
    ::unsetenv("NEUROPERF_PG_URL");
  }
}

TEST(RequireIdentifier, RejectsWhatCannotBeSpliced) {
  EXPECT_NO_THROW(require_identifier("neuro_test_12", "schema"));
  EXPECT_THROW(require_identifier("", "schema"), base::InvalidArgument);
  EXPECT_THROW(require_identifier("1abc", "schema"), base::InvalidArgument);
  EXPECT_THROW(require_identifier("a;drop", "schema"), base::InvalidArgument);
  EXPECT_THROW(require_identifier("Upper", "schema"), base::InvalidArgument);
  EXPECT_THROW(require_identifier(std::string(64, 'a'), "schema"), base::InvalidArgument);
}

// Bytes written out by hand from the PostgreSQL protocol documentation.
TEST(BinaryEncoding, MatchesTheWireFormat) {
  std::string out;
  binary::put_copy_header(out);
  EXPECT_EQ(out, std::string("PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0", 19));
  out.clear();
  binary::put_f32(out, 1.0f);  // 0x3f800000
  EXPECT_EQ(out, std::string("\x3f\x80\x00\x00", 4));
  out.clear();
  // 2000-01-01 00:00:00.000001 UTC is 1 microsecond after PostgreSQL's epoch.
  binary::put_time(out, binary::kPgEpochUnixUs + 1);
  EXPECT_EQ(out, std::string("\0\0\0\0\0\0\0\x01", 8));
  EXPECT_EQ(binary::get_time(out.data()), binary::kPgEpochUnixUs + 1);
  out.clear();
  binary::put_i32(out, -2);
  EXPECT_EQ(out, std::string("\xff\xff\xff\xfe", 4));
  EXPECT_EQ(binary::get_i32(out.data()), -2);
  out.clear();
  binary::put_copy_trailer(out);
  EXPECT_EQ(out, std::string("\xff\xff", 2));
}

common::SignalBlock ramp_block(std::size_t channels, std::size_t samples, double rate) {
  common::SignalBlock block(channels, samples, rate);
  for (std::size_t c = 0; c < channels; ++c) {
    for (std::size_t s = 0; s < samples; ++s) block.at(c, s) = static_cast<float>(c * 1000 + s);
  }
  return block;
}

TEST(RowsFromBlock, TimeMajorWithExactTimes) {
  const auto block = ramp_block(3, 5, 250.0);
  const auto rows = rows_from_block(block, 7, 1'000'000);
  ASSERT_EQ(rows.size(), 15u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t s = i / 3, c = i % 3;
    EXPECT_EQ(rows[i].time_us, 1'000'000 + static_cast<std::int64_t>(s) * 4000);  // 250 Hz
    EXPECT_EQ(rows[i].channel, static_cast<std::int32_t>(c));
    EXPECT_EQ(rows[i].session_id, 7);
    EXPECT_EQ(rows[i].value, static_cast<float>(c * 1000 + s));
  }
}

TEST(ChunksFromBlock, CutsChannelsWithAShorterTail) {
  const auto block = ramp_block(2, 10, 1000.0);
  const auto chunks = chunks_from_block(block, 3, 0, 4);
  ASSERT_EQ(chunks.size(), 6u);  // per channel: 4 + 4 + 2
  EXPECT_EQ(chunks[2].samples, (std::vector<float>{8, 9}));
  EXPECT_EQ(chunks[2].chunk_start_us, 8000);
  EXPECT_EQ(chunks[3].channel, 1);
  EXPECT_EQ(chunks[3].samples, (std::vector<float>{1000, 1001, 1002, 1003}));
  EXPECT_THROW(chunks_from_block(block, 3, 0, 0), base::InvalidArgument);
}

TEST(PackSamples, LittleEndianAndLengthChecked) {
  const std::vector<float> v{1.0f, -2.5f};
  const std::string bytes = pack_samples(v);
  EXPECT_EQ(bytes, std::string("\x00\x00\x80\x3f\x00\x00\x20\xc0", 8));
  EXPECT_EQ(unpack_samples(bytes), v);
  EXPECT_THROW(unpack_samples(bytes.substr(0, 7)), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::store
