// The runner end to end against the test server on loopback: what it does above the load
// threads (engine_test.cpp has those, over each transport): an unreachable target, shards that
// add up to the whole run, coordinated omission against the analytic distribution of a
// stalling server, thresholds and abort, stress stages, the series and its coarsening, soak.
#include "load/run/runner.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <thread>

#include "engine/base/errors.hpp"
#include "load/results/histogram_reader.hpp"
#include "load/results/result_document.hpp"
#include "load/scenario/scenario.hpp"
#include "load/testing/test_server.hpp"

namespace neuro::load {
namespace {

using nlohmann::json;
using testing::TestServer;

json run(const std::string& yaml, const TestServer& server, RunOptions options = {}) {
  options.quiet = true;
  return run_load(parse_scenario(yaml, "test.yaml", server.url()), options);
}

TEST(Runner, UnreachableTargetIsExitThree) {
  std::string url;
  {
    TestServer gone;
    url = gone.url();
  }
  try {
    run_load(parse_scenario("steps: [{path: /ok}]\nexecutor: {type: constant-users, users: 1, "
                            "iterations: 1}\n",
                            "t.yaml", url),
             RunOptions{.quiet = true});
    FAIL() << "expected an Error";
  } catch (const base::Error& e) {
    EXPECT_EQ(e.code(), base::ExitCode::kUnreachable);
    EXPECT_NE(std::string(e.what()).find(url + ": cannot connect"), std::string::npos);
  }
}

TEST(Runner, ShardsTogetherRunExactlyTheWholeRun) {
  TestServer server;
  const std::string yaml = R"(name: sharded
steps: [{path: /ok}]
executor: {type: constant-rate, rate: 300, duration: 1s}
thresholds: ['error_rate < 1%']
)";
  const auto whole = run(yaml, server);
  RunOptions a, b;
  a.shard_index = 0;
  a.shard_count = 2;
  b.shard_index = 1;
  b.shard_count = 2;
  const auto shard_a = run(yaml, server, a);
  const auto shard_b = run(yaml, server, b);
  // Every scheduled arrival is sent or, when a loaded machine leaves the last one still queued
  // as the run ends, counted as dropped (seen once under ctest -j2): the schedule itself
  // splits exactly, 150 + 150 of the whole run's 300.
  auto scheduled = [](const json& doc) {
    return doc["totals"]["requests"].get<std::int64_t>() +
           doc["open_model"]["dropped_sends"].get<std::int64_t>();
  };
  EXPECT_EQ(scheduled(whole), 300);
  EXPECT_EQ(scheduled(shard_a), 150);
  EXPECT_EQ(scheduled(shard_b), 150);
  const auto merged = merge_documents({shard_a, shard_b}, {"a", "b"});
  const auto sent = shard_a["totals"]["requests"].get<std::int64_t>() +
                    shard_b["totals"]["requests"].get<std::int64_t>();
  EXPECT_EQ(merged["totals"]["requests"], sent);
  EXPECT_EQ(scheduled(merged), 300);
  // The merged histogram is exactly the bucket sum of the shards'.
  auto sum = read_histogram(shard_a["steps"][0]["latency"], "a");
  sum.merge(read_histogram(shard_b["steps"][0]["latency"], "b"));
  EXPECT_EQ(read_histogram(merged["steps"][0]["latency"], "m").buckets, sum.buckets);
  EXPECT_EQ(merged["steps"][0]["latency"]["count"], sent);
  EXPECT_EQ(merged["engine"]["responses_by_http_version"]["1.1"], sent);
  EXPECT_TRUE(merged["passed"]);
}

TEST(Runner, ClosedModelShardsSplitUsers) {
  TestServer server;
  const std::string yaml =
      "steps: [{path: /ok}]\nexecutor: {type: constant-users, users: 5, iterations: 4}\n";
  RunOptions a, b;
  a.shard_count = b.shard_count = 2;
  b.shard_index = 1;
  EXPECT_EQ(run(yaml, server, a)["totals"]["requests"], 12);  // users 0, 2, 4
  EXPECT_EQ(run(yaml, server, b)["totals"]["requests"], 8);   // users 1, 3
}

TEST(Runner, CoordinatedOmissionIsCorrected) {
  // The server holds every response during the first 100 ms of each 500 ms. At a fixed rate,
  // 20 % of the sends fall into a stall and wait for its end: their latency from the intended
  // send time is uniform on (0, 100 ms], so the p-quantile for p > 0.8 is 100 ms * (1 - (1 - p)
  // / 0.2): p90 = 50 ms, p95 = 75 ms, p99 = 95 ms; the p50 is the unstalled service time.
  TestServer server({.stall_period_ms = 500, .stall_ms = 100});
  const auto doc = run(R"(steps: [{path: /ok}]
executor: {type: constant-rate, rate: 1000, duration: 2s, max_connections: 10}
)",
                       server);
  const auto& p = doc["steps"][0]["percentiles_ms"];
  std::printf(
      "coordinated omission: p50 %.3f p90 %.3f p95 %.3f p99 %.3f ms (analytic <1, 50, 75, "
      "95)\n",
      p["p50"].get<double>(), p["p90"].get<double>(), p["p95"].get<double>(),
      p["p99"].get<double>());
  EXPECT_LT(p["p50"].get<double>(), 5.0);
  // Never below the analytic value (that would be omission); above it only by what a busy
  // machine adds to every stalled response alike (thread wake-ups after the stall), which the
  // spacing between the percentiles does not see.
  const double p90 = p["p90"].get<double>(), p95 = p["p95"].get<double>();
  const double p99 = p["p99"].get<double>();
  EXPECT_GT(p90, 50.0 - 2.0);
  EXPECT_GT(p95, 75.0 - 2.0);
  EXPECT_GT(p99, 95.0 - 2.0);
  EXPECT_LT(p99, 95.0 + 15.0);
  EXPECT_NEAR(p95 - p90, 25.0, 3.0);
  EXPECT_NEAR(p99 - p95, 20.0, 3.0);
  // The service time (from the actual send) hides most of the stall: sends queued behind the
  // 10 busy connections only start when it ends.
  const auto service = read_histogram(doc["steps"][0]["service_time"], "s").to_histogram();
  EXPECT_LT(static_cast<double>(service.percentile_ns(95)) / 1e6, 75.0 - 10.0);
  EXPECT_GT(doc["open_model"]["late_sends"].get<std::int64_t>(), 0);
}

TEST(Runner, ThresholdsDecideAndAbort) {
  TestServer server;
  const auto doc = run(R"(steps: [{path: /delay/5}]
executor: {type: constant-users, users: 2, iterations: 5}
thresholds: ['p95 < 1ms', 'error_rate < 1%', 'rps > 1000000']
)",
                       server);
  EXPECT_FALSE(doc["passed"]);
  EXPECT_FALSE(doc["thresholds"][0]["passed"]);
  EXPECT_GE(doc["thresholds"][0]["observed"].get<double>(), 5.0);
  EXPECT_TRUE(doc["thresholds"][1]["passed"]);
  EXPECT_FALSE(doc["thresholds"][2]["passed"]);

  const auto aborted = run(R"(steps: [{path: /delay/20}]
executor: {type: constant-users, users: 2, duration: 30s}
thresholds: ['p95 < 1ms']
abort_on_fail: true
abort_grace: 1s
)",
                           server);
  EXPECT_TRUE(aborted["aborted"]);
  EXPECT_FALSE(aborted["passed"]);
  EXPECT_LT(aborted["duration_s"].get<double>(), 10.0);
}

TEST(Runner, StressFindsTheKnee) {
  // Every request takes 20 ms and the run has one connection: it holds up to 50/s. At 20/s
  // latency stays near 20 ms; at 60/s sends queue and latency from the intended send time
  // grows past 100 ms within the 1 s stage, so the knee is 20/s.
  TestServer server;
  const auto doc = run(R"(steps: [{path: /delay/20}]
executor: {type: stress, start_rate: 20, step_rate: 40, step_duration: 1s, max_rate: 180,
           max_connections: 1}
thresholds: ['p95 < 100ms']
)",
                       server);
  const auto& stages = doc["stress"]["stages"];
  ASSERT_GE(stages.size(), 2u);
  EXPECT_TRUE(stages[0]["passed"]);
  EXPECT_FALSE(stages.back()["passed"]);
  EXPECT_EQ(doc["stress"]["knee_rate"], stages[stages.size() - 2]["rate"]);
  EXPECT_EQ(doc["stress"]["knee_rate"], 20.0);
  EXPECT_EQ(stages.size(), 2u);
  EXPECT_TRUE(doc["passed"]);  // a knee was found
}

// A stage is judged on its own read lag too: a read_lag threshold is observed in every stage
// (the stages hold, the run reaches max_rate, no knee below it).
TEST(Runner, StressStagesObserveTheReadLag) {
  TestServer server;
  const auto doc = run(R"(steps: [{path: /ok}]
executor: {type: stress, start_rate: 20, step_rate: 20, step_duration: 1s, max_rate: 40}
thresholds: ['read_lag_p99 < 500ms']
)",
                       server);
  const auto& stages = doc["stress"]["stages"];
  ASSERT_EQ(stages.size(), 2u) << doc["stress"].dump();
  for (const auto& stage : stages) {
    EXPECT_TRUE(stage["passed"]) << stage.dump();
    EXPECT_TRUE(stage["observed"].contains("read_lag_p99")) << stage.dump();
  }
}

TEST(Runner, PhaseBoundariesGiveOnePointPerSecond) {
  // Each 1 s stress stage ends with requests still in flight (200 ms each, the last sent at
  // 0.9 s): they end in the stage's second 1, which is also the next stage's second 0. The
  // series holds one merged point per second, and its points add up to the totals.
  TestServer server;
  const auto doc = run(R"(steps: [{path: /delay/200}]
executor: {type: stress, start_rate: 10, step_rate: 10, step_duration: 1s, max_rate: 20}
thresholds: ['p95 < 10s']
)",
                       server);
  ASSERT_EQ(doc["stress"]["stages"].size(), 2u);
  std::int64_t previous = -1, requests = 0;
  for (const auto& p : doc["series"]) {
    const auto t = p["t_s"].get<std::int64_t>();
    EXPECT_GT(t, previous) << "t_s " << t << " repeats or goes back: " << doc["series"].dump();
    previous = t;
    requests += p["requests"].get<std::int64_t>();
    EXPECT_EQ(p["latency"]["count"], p["requests"]);
  }
  EXPECT_EQ(requests, doc["totals"]["requests"].get<std::int64_t>());
  EXPECT_EQ(requests, 30);
}

TEST(Runner, SeriesOverBudgetKeepsEveryRequest) {
  // A budget of 40 buckets holds a second or two of this run: the series ends with points of
  // 2 s or more, each one resolution, and still adds up to the totals.
  TestServer server;
  RunOptions options;
  options.series_bucket_budget = 40;
  const auto doc = run(R"(steps: [{path: /delay/1}]
executor: {type: constant-rate, rate: 200, duration: 5s, max_connections: 8}
)",
                       server, options);
  ASSERT_FALSE(doc["series"].empty());
  const auto width = doc["series"][0]["dt_s"].get<std::int64_t>();
  EXPECT_GE(width, 2);
  std::int64_t requests = 0;
  for (const auto& p : doc["series"]) {
    EXPECT_EQ(p["dt_s"], width);
    EXPECT_EQ(p["t_s"].get<std::int64_t>() % width, 0);
    EXPECT_EQ(p["latency"]["count"], p["requests"]);
    EXPECT_DOUBLE_EQ(p["rate"].get<double>(), 200.0);  // the mean of a constant rate
    requests += p["requests"].get<std::int64_t>();
  }
  EXPECT_EQ(requests, doc["totals"]["requests"].get<std::int64_t>());
  EXPECT_EQ(requests, 1000);
}

TEST(Runner, SeriesPointsCarryUsersStarted) {
  // 4 users ramped up over 2 s start at 0, 0.5, 1 and 1.5 s: 3 have started by the end of
  // second 0, all 4 from second 1 on. With 2-second points the first holds their mean, 3.5.
  TestServer server;
  const std::string yaml = R"(steps: [{path: /delay/20}]
executor: {type: constant-users, users: 4, ramp_up: 2s, duration: 4s}
)";
  const auto seconds = run(yaml, server);
  std::map<std::int64_t, std::int64_t> users;
  for (const auto& p : seconds["series"]) {
    users[p["t_s"].get<std::int64_t>()] = p["users"].get<std::int64_t>();
  }
  EXPECT_EQ(users[0], 3);
  EXPECT_EQ(users[1], 4);
  EXPECT_EQ(users[3], 4);
  RunOptions coarse;
  coarse.series_bucket_budget = 1;  // every point alone is over it: coarsen to 2 s and beyond
  const auto doc = run(yaml, server, coarse);
  ASSERT_FALSE(doc["series"].empty());
  const auto width = doc["series"][0]["dt_s"].get<std::int64_t>();
  ASSERT_GE(width, 2);
  // The first point covers seconds 0 .. width-1 of the 4-second run: 3, then 4 users.
  const auto covered = std::min<std::int64_t>(width, 4);
  const double mean = (3.0 + 4.0 * static_cast<double>(covered - 1)) / static_cast<double>(covered);
  EXPECT_EQ(doc["series"][0]["users"], std::llround(mean));
  EXPECT_TRUE(doc["series"][0]["rate"].is_null());
}

}  // namespace
}  // namespace neuro::load

namespace neuro::load {
namespace {

double resident_bytes() {  // the reference: /proc/self/statm, read independently
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

// abort_on_fail also watches the target's resources, sampled every second (the samples are
// turned into the check's form as they arrive, not all again each second).
TEST(Runner, AbortsOnATargetThreshold) {
  TestServer server;
  RunOptions options;
  options.target_pid = ::getpid();  // this process, far above 1 MB resident (/proc says so)
  ASSERT_GT(resident_bytes(), 1024.0 * 1024);
  const auto doc = run(R"(steps: [{path: /ok}]
executor: {type: constant-users, users: 1, duration: 30s}
thresholds: ['target_rss < 1MB']
abort_on_fail: true
abort_grace: 1s
)",
                       server, options);
  EXPECT_TRUE(doc["aborted"]);
  EXPECT_FALSE(doc["passed"]);
  EXPECT_NE(doc["abort_reason"].get<std::string>().find("'target_rss < 1MB' failed"),
            std::string::npos)
      << doc["abort_reason"];
  EXPECT_LT(doc["duration_s"].get<double>(), 10.0);
  EXPECT_FALSE(doc["resources"]["target"].empty());
}

TEST(Runner, SoakReportsTheTargetsMemoryTrend) {
  // The "target" is this test process: a thread grows it by 8 MiB every 100 ms during the run.
  TestServer server;
  const std::string yaml = R"(steps: [{path: /ok}]
executor: {type: soak, rate: 50, duration: 4s, leak_threshold: 10MB}
)";
  RunOptions options;
  options.target_pid = ::getpid();
  std::atomic<bool> done{false};
  std::vector<std::vector<char>> hoard;
  const double before = resident_bytes();
  std::thread grow([&] {
    while (!done) {
      hoard.emplace_back(8 << 20, 'x');  // touched, so resident
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  const auto leaking = run(yaml, server, options);
  done = true;
  grow.join();
  const double grown = resident_bytes() - before;
  ASSERT_FALSE(leaking["soak"]["rss_slope_bytes_per_s"].is_null());
  ASSERT_GT(grown, 40.0 * 1024 * 1024) << "the process did not grow: the test proves nothing";
  // The fitted growth over the run is of the order of what /proc says the process grew.
  const double fitted = leaking["soak"]["rss_growth_bytes"].get<double>();
  EXPECT_GT(fitted, 0.3 * grown);
  EXPECT_LT(fitted, 3.0 * grown);
  EXPECT_TRUE(leaking["soak"]["suspected_leak"]);
  EXPECT_FALSE(leaking["passed"]);
  EXPECT_FALSE(leaking["resources"]["target"].empty());

  hoard.clear();
  hoard.shrink_to_fit();
  const auto flat = run(yaml, server, options);
  EXPECT_FALSE(flat["soak"]["suspected_leak"]) << flat["soak"].dump();
}

}  // namespace
}  // namespace neuro::load
