// Every writer stores exactly what it was given: a synthetic EEG batch plus rows holding NaN,
// both infinities, -0, the float extremes and subnormals, JSON metadata and a time outside the
// partitioned range, read back in binary and compared bit for bit with the input. A batch with
// one bad row stores nothing.
#include "engine/store/writers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "engine/common/synthetic_eeg.hpp"
#include "engine/store/test_support.hpp"

namespace neuro::store {
namespace {

constexpr std::int64_t kStartUs = 1'767'225'600'000'000 + 3'600'000'000;  // 2026-01-01 01:00

std::vector<float> special_values() {
  using L = std::numeric_limits<float>;
  return {L::quiet_NaN(),   L::infinity(), -L::infinity(), -0.0f,      0.0f,
          L::max(),         L::lowest(),   L::min(),       -L::min(),  L::denorm_min(),
          -L::denorm_min(), L::epsilon(),  1.0f / 3.0f,    16777217.0f};
}

std::vector<SampleRow> test_rows(std::int64_t session) {
  auto rows = rows_from_block(common::make_synthetic_eeg(8, 250.0, 4.0, 7), session, kStartUs);
  const auto specials = special_values();
  for (std::size_t i = 0; i < specials.size(); ++i) {
    // Channel 9, one per second before the block; the first is in 1999, outside every
    // partition, so it lands in the default partition.
    const std::int64_t t =
        i == 0 ? 915'148'800'000'000 : kStartUs - static_cast<std::int64_t>(i) * 1'000'000;
    rows.push_back({t, session, 9, specials[i], i % 3 == 0 ? R"({"gain": 24, "unit": "uV"})" : ""});
  }
  rows[5].metadata = R"({"note": "it's \"quoted\"", "tags": ["a", "b"]})";
  return rows;
}

bool same_float(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) ||
         std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

void expect_same_rows(std::vector<SampleRow> expected, const std::vector<SampleRow>& actual) {
  std::sort(expected.begin(), expected.end(), [](const SampleRow& a, const SampleRow& b) {
    return std::tie(a.channel, a.time_us) < std::tie(b.channel, b.time_us);
  });
  ASSERT_EQ(actual.size(), expected.size());
  int mismatches = 0;
  for (std::size_t i = 0; i < expected.size() && mismatches < 10; ++i) {
    const auto& e = expected[i];
    const auto& a = actual[i];
    const bool same = e.time_us == a.time_us && e.session_id == a.session_id &&
                      e.channel == a.channel && same_float(e.value, a.value) &&
                      e.metadata == a.metadata;
    if (!same) {
      ++mismatches;
      ADD_FAILURE() << "row " << i << ": expected (" << e.time_us << ", ch " << e.channel << ", "
                    << e.value << ", '" << e.metadata << "') got (" << a.time_us << ", ch "
                    << a.channel << ", " << a.value << ", '" << a.metadata << "')";
    }
  }
}

class Rows : public testing::StoreTest, public ::testing::WithParamInterface<WriteMethod> {};

TEST_P(Rows, StoresExactlyWhatItGot) {
  const auto rows = test_rows(11);
  write_samples(db(), rows, GetParam());
  expect_same_rows(rows, read_samples(db(), 11));
  // Twice on the same connection: prepared statements and pipeline state are reusable.
  const auto more = test_rows(12);
  write_samples(db(), more, GetParam());
  expect_same_rows(more, read_samples(db(), 12));
}

TEST_P(Rows, ABadRowStoresNothing) {
  auto rows = test_rows(21);
  rows[rows.size() / 2].metadata = "{not json";
  try {
    write_samples(db(), rows, GetParam());
    FAIL() << "a batch with invalid JSON was accepted";
  } catch (const base::Error& e) {
    EXPECT_EQ(e.code(), base::ExitCode::kBadInput) << e.what();
  }
  EXPECT_TRUE(read_samples(db(), 21).empty());
  // The connection is usable afterwards.
  const auto good = test_rows(22);
  write_samples(db(), good, GetParam());
  EXPECT_EQ(read_samples(db(), 22).size(), good.size());
}

INSTANTIATE_TEST_SUITE_P(Store, Rows,
                         ::testing::Values(WriteMethod::kRowInsert, WriteMethod::kMultiRowInsert,
                                           WriteMethod::kPipeline, WriteMethod::kCopyBinary),
                         [](const auto& info) { return std::string(to_string(info.param)); });

using ChunkWriter = void (*)(Connection&, std::span<const ChunkRow>);

class Chunks : public testing::StoreTest, public ::testing::WithParamInterface<ChunkWriter> {
 protected:
  void write(std::span<const ChunkRow> chunks) { GetParam()(db(), chunks); }
};

TEST_P(Chunks, StoresSamplesExactly) {
  auto block = common::make_synthetic_eeg(8, 1000.0, 2.5, 3);
  const auto specials = special_values();
  std::copy(specials.begin(), specials.end(), block.channel(2).begin() + 100);
  const auto chunks = chunks_from_block(block, 31, kStartUs, 1000);  // 1000 + 1000 + 500
  ASSERT_EQ(chunks.size(), 24u);
  write(chunks);
  const auto back = read_chunks(db(), 31);
  ASSERT_EQ(back.size(), chunks.size());
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(back[i].channel, chunks[i].channel);
    EXPECT_EQ(back[i].chunk_start_us, chunks[i].chunk_start_us);
    EXPECT_EQ(back[i].sample_rate_hz, chunks[i].sample_rate_hz);
    ASSERT_EQ(back[i].samples.size(), chunks[i].samples.size()) << "chunk " << i;
    for (std::size_t s = 0; s < chunks[i].samples.size(); ++s) {
      ASSERT_TRUE(same_float(back[i].samples[s], chunks[i].samples[s]))
          << "chunk " << i << " sample " << s;
    }
  }
  // The server sees the payload as 4 bytes per sample (no text conversion on the way).
  EXPECT_EQ(
      db().exec("SELECT sum(length(samples)) FROM eeg_chunks WHERE session_id = 31").value(0, 0),
      std::to_string(block.size() * 4));
  // 4 KB chunks stay in the heap row: nothing went to the partitions' TOAST tables.
  if (!timescaledb_available(db())) {
    EXPECT_EQ(db().exec("SELECT coalesce(sum(pg_relation_size(c.reltoastrelid)), 0) FROM "
                        "pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid WHERE i.inhparent "
                        "= 'eeg_chunks'::regclass")
                  .value(0, 0),
              "0");
  }
  // A duplicate chunk violates the primary key: the whole batch is rejected.
  std::vector<ChunkRow> half_new(chunks.begin(), chunks.begin() + 2);
  half_new[0].session_id = 32;
  EXPECT_THROW(write(half_new), base::Error);
  EXPECT_EQ(read_chunks(db(), 31).size(), chunks.size());
  EXPECT_TRUE(read_chunks(db(), 32).empty());
}

// More chunks than one multi-row statement holds (1,000): several statements, one transaction.
TEST_P(Chunks, ManySmallChunks) {
  const auto block = common::make_synthetic_eeg(8, 1000.0, 2.5, 4);
  auto chunks = chunks_from_block(block, 41, kStartUs, 8);  // 8 x 313 chunks
  ASSERT_GT(chunks.size(), 2000u);
  write(chunks);
  const auto back = read_chunks(db(), 41);
  ASSERT_EQ(back.size(), chunks.size());
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    ASSERT_EQ(back[i].samples, chunks[i].samples) << "chunk " << i;
    ASSERT_EQ(back[i].chunk_start_us, chunks[i].chunk_start_us) << "chunk " << i;
  }
  // A duplicate in the last statement rolls back the earlier ones too.
  for (auto& chunk : chunks) chunk.session_id = 42;
  chunks.push_back(chunks.front());
  EXPECT_THROW(write(chunks), base::Error);
  EXPECT_TRUE(read_chunks(db(), 42).empty());
}

INSTANTIATE_TEST_SUITE_P(Store, Chunks, ::testing::Values(&copy_chunks, &insert_chunks),
                         [](const auto& info) {
                           return std::string(info.param == &copy_chunks ? "copy_binary"
                                                                         : "multirow_insert");
                         });

}  // namespace
}  // namespace neuro::store
