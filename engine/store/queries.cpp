#include "engine/store/queries.hpp"

#include <cmath>
#include <limits>

#include "engine/store/param_buffer.hpp"

namespace neuro::store {

namespace {

constexpr const char* kRange = "neuro_q_range";
constexpr const char* kAggregate = "neuro_q_aggregate";
constexpr const char* kLatestDistinct = "neuro_q_latest_distinct";
constexpr const char* kLatestLateral = "neuro_q_latest_lateral";

std::vector<TimedValue> timed_values(const Result& result) {
  std::vector<TimedValue> out(static_cast<std::size_t>(result.rows()));
  for (int r = 0; r < result.rows(); ++r) {
    auto& v = out[static_cast<std::size_t>(r)];
    v.time_us = binary::get_time(result.value(r, 0).data());
    v.channel = binary::get_i32(result.value(r, 1).data());
    v.value = binary::get_f32(result.value(r, 2).data());
  }
  return out;
}

}  // namespace

SampleQueries::SampleQueries(Connection& connection) : connection_(connection) {
  using namespace binary;
  const Oid range_types[] = {kInt8Oid, kTimestamptzOid, kTimestamptzOid, kInt8Oid};
  connection_.prepare(kRange,
                      "SELECT time, channel, value FROM eeg_samples WHERE session_id = $1 AND "
                      "time > $2 AND time <= $3 ORDER BY time DESC, channel LIMIT $4",
                      4, range_types);
  connection_.prepare(kAggregate,
                      "SELECT channel, avg(value), stddev(value), count(*) FROM eeg_samples "
                      "WHERE session_id = $1 AND time > $2 AND time <= $3 GROUP BY channel "
                      "ORDER BY channel",
                      3, range_types);
  connection_.prepare(kLatestDistinct,
                      "SELECT DISTINCT ON (channel) time, channel, value FROM eeg_samples WHERE "
                      "session_id = $1 ORDER BY channel, time DESC",
                      1, range_types);
  connection_.prepare(
      kLatestLateral,
      "WITH RECURSIVE channels(channel) AS ("
      "  (SELECT channel FROM eeg_samples WHERE session_id = $1 ORDER BY channel LIMIT 1)"
      "  UNION ALL"
      "  SELECT (SELECT s.channel FROM eeg_samples s WHERE s.session_id = $1 AND s.channel > "
      "c.channel ORDER BY s.channel LIMIT 1) FROM channels c WHERE c.channel IS NOT NULL) "
      "SELECT newest.time, c.channel, newest.value FROM channels c CROSS JOIN LATERAL ("
      "  SELECT s.time, s.value FROM eeg_samples s WHERE s.session_id = $1 AND s.channel = "
      "c.channel ORDER BY s.time DESC LIMIT 1) newest "
      "WHERE c.channel IS NOT NULL ORDER BY c.channel",
      1, range_types);
}

std::vector<TimedValue> SampleQueries::range(std::int64_t session_id, std::int64_t now_us,
                                             std::int64_t window_us, std::int64_t limit) {
  ParamBuffer params;
  params.add_i64(session_id);
  params.add_time(now_us - window_us);
  params.add_time(now_us);
  params.add_i64(limit);
  return timed_values(connection_.exec_prepared(kRange, params.params(), 1));
}

std::vector<ChannelStats> SampleQueries::aggregate(std::int64_t session_id, std::int64_t now_us,
                                                   std::int64_t window_us) {
  ParamBuffer params;
  params.add_i64(session_id);
  params.add_time(now_us - window_us);
  params.add_time(now_us);
  const Result result = connection_.exec_prepared(kAggregate, params.params(), 1);
  std::vector<ChannelStats> out(static_cast<std::size_t>(result.rows()));
  for (int r = 0; r < result.rows(); ++r) {
    auto& s = out[static_cast<std::size_t>(r)];
    s.channel = binary::get_i32(result.value(r, 0).data());
    s.mean = binary::get_f64(result.value(r, 1).data());
    s.stddev = result.is_null(r, 2) ? std::numeric_limits<double>::quiet_NaN()
                                    : binary::get_f64(result.value(r, 2).data());
    s.count = binary::get_i64(result.value(r, 3).data());
  }
  return out;
}

std::vector<TimedValue> SampleQueries::latest_distinct_on(std::int64_t session_id) {
  ParamBuffer params;
  params.add_i64(session_id);
  return timed_values(connection_.exec_prepared(kLatestDistinct, params.params(), 1));
}

std::vector<TimedValue> SampleQueries::latest_lateral(std::int64_t session_id) {
  ParamBuffer params;
  params.add_i64(session_id);
  return timed_values(connection_.exec_prepared(kLatestLateral, params.params(), 1));
}

}  // namespace neuro::store
