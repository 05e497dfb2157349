// The read queries clients run over eeg_samples, as prepared statements with binary results: range
// (newest first), per-channel aggregate over a window, and the newest value per channel in two
// forms (the plain DISTINCT ON and an index probe per channel).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/store/connection.hpp"

namespace neuro::store {

struct TimedValue {
  std::int64_t time_us = 0;
  std::int32_t channel = 0;
  float value = 0.0f;
  bool operator==(const TimedValue&) const = default;
};

struct ChannelStats {
  std::int32_t channel = 0;
  double mean = 0.0;
  double stddev = 0.0;  // sample standard deviation; NaN when count < 2 (SQL NULL)
  std::int64_t count = 0;
};

inline constexpr std::int64_t kHourUs = 3'600'000'000LL;
inline constexpr std::int64_t kTenMinutesUs = 600'000'000LL;

// Prepares its statements on the connection (once per connection) and runs them. "Now" is a
// parameter, not the server clock, so a stored dataset answers the same way every run.
class SampleQueries {
 public:
  explicit SampleQueries(Connection& connection);

  // Rows of the session with now - window < time <= now, newest first (ties by channel), at
  // most `limit`.
  std::vector<TimedValue> range(std::int64_t session_id, std::int64_t now_us,
                                std::int64_t window_us = kHourUs, std::int64_t limit = 1000);

  // avg, stddev and count of each channel over now - window < time <= now, by channel.
  std::vector<ChannelStats> aggregate(std::int64_t session_id, std::int64_t now_us,
                                      std::int64_t window_us = kTenMinutesUs);

  // The newest row of each channel of the session, by channel. The plain form: DISTINCT ON
  // (channel) ... ORDER BY channel, time DESC, which sorts the whole session.
  std::vector<TimedValue> latest_distinct_on(std::int64_t session_id);
  // Same answer from one (session_id, channel, time DESC) index probe per channel; the channels
  // are found by a recursive skip scan of the same index, so no channel list is needed.
  std::vector<TimedValue> latest_lateral(std::int64_t session_id);

 private:
  Connection& connection_;
};

}  // namespace neuro::store
