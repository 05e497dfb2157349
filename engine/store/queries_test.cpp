// The read queries against a brute-force computation over the same rows in C++: two sessions
// of 8 channels at 1 Hz for 2.5 h across a partition boundary, channels ending at different
// times, windows whose edges fall exactly on sample times (so > versus >= is checked).
#include "engine/store/queries.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "engine/store/test_support.hpp"
#include "engine/store/writers.hpp"

namespace neuro::store {
namespace {

constexpr std::int64_t kStartUs = 1'767'225'600'000'000 + 23 * kHourUs;  // 2026-01-01 23:00
constexpr std::int64_t kSecondUs = 1'000'000;
constexpr int kSeconds = 9000;

// Channel c of session s stops (s + 1) * c seconds early, so each channel's newest row differs.
std::vector<SampleRow> make_rows() {
  std::mt19937_64 rng(5);
  std::normal_distribution<float> noise(0.0f, 30.0f);
  std::vector<SampleRow> rows;
  for (std::int64_t session : {1, 2}) {
    for (int t = 0; t < kSeconds; ++t) {
      for (int c = 0; c < 8; ++c) {
        if (t >= kSeconds - static_cast<int>(session + 1) * c) continue;
        rows.push_back(
            {kStartUs + t * kSecondUs, session, c, noise(rng) + 10.0f * static_cast<float>(c), {}});
      }
    }
  }
  return rows;
}

class QueryTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    rows_ = make_rows();
    copy_samples(db(), rows_);
    db().exec("ANALYZE eeg_samples");
  }
  std::vector<SampleRow> in_window(std::int64_t session, std::int64_t now, std::int64_t window) {
    std::vector<SampleRow> out;
    for (const auto& r : rows_) {
      if (r.session_id == session && r.time_us > now - window && r.time_us <= now) out.push_back(r);
    }
    return out;
  }
  std::vector<SampleRow> rows_;
};

TEST_F(QueryTest, RangeIsNewestFirstWithinTheHour) {
  SampleQueries queries(db());
  const std::int64_t now = kStartUs + 8000 * kSecondUs;  // a sample time: included
  for (std::int64_t limit : {1000, 100000}) {
    auto expected = in_window(1, now, kHourUs);
    std::sort(expected.begin(), expected.end(), [](const SampleRow& a, const SampleRow& b) {
      return a.time_us != b.time_us ? a.time_us > b.time_us : a.channel < b.channel;
    });
    if (expected.size() > static_cast<std::size_t>(limit)) expected.resize(limit);
    const auto got = queries.range(1, now, kHourUs, limit);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i], (TimedValue{expected[i].time_us, expected[i].channel, expected[i].value}))
          << "row " << i;
    }
  }
  // The window's lower edge is exclusive: 3600 timestamps x 8 channels, not 3601.
  EXPECT_EQ(queries.range(1, now, kHourUs, 1'000'000).size(), 3600u * 8u);
  EXPECT_TRUE(queries.range(3, now).empty());
}

TEST_F(QueryTest, AggregateMatchesTwoPassStatistics) {
  SampleQueries queries(db());
  // Near the end: the channels that stopped early have fewer rows in the window.
  const std::int64_t now = kStartUs + (kSeconds - 1) * kSecondUs;
  const auto rows = in_window(2, now, kTenMinutesUs);
  std::map<int, std::vector<double>> by_channel;
  for (const auto& r : rows) by_channel[r.channel].push_back(r.value);
  const auto got = queries.aggregate(2, now);
  ASSERT_EQ(got.size(), by_channel.size());
  std::size_t i = 0;
  for (const auto& [channel, values] : by_channel) {
    double sum = 0.0;
    for (double v : values) sum += v;
    const double mean = sum / static_cast<double>(values.size());
    double squares = 0.0;
    for (double v : values) squares += (v - mean) * (v - mean);
    const double stddev = std::sqrt(squares / static_cast<double>(values.size() - 1));
    EXPECT_EQ(got[i].channel, channel);
    EXPECT_EQ(got[i].count, static_cast<std::int64_t>(values.size()));
    EXPECT_NEAR(got[i].mean, mean, 1e-9 * std::abs(mean) + 1e-12);
    EXPECT_NEAR(got[i].stddev, stddev, 1e-9 * stddev);
    ++i;
  }
  EXPECT_EQ(got[7].count, 600 - 3 * 7) << "session 2 channel 7 stops 21 s early";
}

TEST_F(QueryTest, BothLatestFormsGiveNewestPerChannel) {
  SampleQueries queries(db());
  for (std::int64_t session : {1, 2}) {
    std::map<int, SampleRow> newest;
    for (const auto& r : rows_) {
      if (r.session_id != session) continue;
      auto [it, fresh] = newest.emplace(r.channel, r);
      if (!fresh && r.time_us > it->second.time_us) it->second = r;
    }
    std::vector<TimedValue> expected;
    expected.reserve(newest.size());
    for (const auto& [c, r] : newest) expected.push_back({r.time_us, c, r.value});
    EXPECT_EQ(queries.latest_distinct_on(session), expected) << "session " << session;
    EXPECT_EQ(queries.latest_lateral(session), expected) << "session " << session;
  }
  EXPECT_TRUE(queries.latest_lateral(99).empty());
  EXPECT_TRUE(queries.latest_distinct_on(99).empty());
}

// The fast form must be what the planner runs: index probes, not a sort of the session.
TEST_F(QueryTest, LateralLatestProbesTheIndex) {
  const Result plan = db().exec(
      "EXPLAIN WITH RECURSIVE channels(channel) AS ((SELECT channel FROM eeg_samples WHERE "
      "session_id = 1 ORDER BY channel LIMIT 1) UNION ALL SELECT (SELECT s.channel FROM "
      "eeg_samples s WHERE s.session_id = 1 AND s.channel > c.channel ORDER BY s.channel LIMIT "
      "1) FROM channels c WHERE c.channel IS NOT NULL) SELECT newest.time, c.channel, "
      "newest.value FROM channels c CROSS JOIN LATERAL (SELECT s.time, s.value FROM eeg_samples "
      "s WHERE s.session_id = 1 AND s.channel = c.channel ORDER BY s.time DESC LIMIT 1) newest "
      "WHERE c.channel IS NOT NULL ORDER BY c.channel");
  std::string text;
  for (int r = 0; r < plan.rows(); ++r) text += std::string(plan.value(r, 0)) + "\n";
  EXPECT_NE(text.find("eeg_samples_p"), std::string::npos) << text;
  EXPECT_EQ(text.find("Seq Scan"), std::string::npos) << text;
}

}  // namespace
}  // namespace neuro::store
