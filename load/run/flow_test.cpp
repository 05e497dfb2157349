// The scenario flows end to end against the test server: the built-in ${variables} as the
// server received them, multipart bodies read back by the engine server's own multipart parser,
// expect/check counted and judged by the `checks` threshold, and polling loops counted by the
// server with their total time as the poll_* metrics.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <regex>
#include <set>

#include "engine/common/synthetic_eeg.hpp"
#include "engine/server/multipart.hpp"
#include "load/engine/outcome_tally.hpp"
#include "load/results/result_document.hpp"
#include "load/run/runner.hpp"
#include "load/scenario/scenario.hpp"
#include "load/testing/test_server.hpp"

namespace neuro::load {
namespace {

using nlohmann::json;
using testing::TestServer;

json run(const std::string& yaml, const TestServer& server) {
  return run_load(parse_scenario(yaml, "flow.yaml", server.url()), RunOptions{.quiet = true});
}

double epoch_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::vector<std::string> split(const std::string& s, char by) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (auto at = s.find(by); at != std::string::npos; at = s.find(by, from)) {
    out.push_back(s.substr(from, at - from));
    from = at + 1;
  }
  out.push_back(s.substr(from));
  return out;
}

TEST(Flow, BuiltinVariablesAsTheServerSawThem) {
  TestServer server;
  const double before = epoch_s();
  const auto doc = run(R"(steps:
  - path: /record/${user}/${iteration}/${uuid}/${now}/${user % 2}/${iteration + 10}
  - path: /record/again/${uuid}
executor: {type: constant-users, users: 3, iterations: 4}
)",
                       server);
  const double after = epoch_s();
  EXPECT_EQ(doc["totals"]["requests"], 24);
  const std::regex uuid_v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::pair<int, int>> user_iteration;
  std::set<std::string> uuids;
  std::multiset<std::string> second_step_uuids;
  for (const auto& r : server.recording().recorded()) {
    const auto parts = split(r.path, '/');  // "", "record", ...
    if (parts[2] == "again") {
      second_step_uuids.insert(parts[3]);
      continue;
    }
    ASSERT_EQ(parts.size(), 8u) << r.path;
    const int user = std::stoi(parts[2]), iteration = std::stoi(parts[3]);
    user_iteration.insert({user, iteration});
    EXPECT_TRUE(std::regex_match(parts[4], uuid_v4)) << parts[4];
    uuids.insert(parts[4]);
    const double now = std::stod(parts[5]);
    EXPECT_GE(now, before - 0.001);
    EXPECT_LE(now, after + 0.001);
    EXPECT_EQ(std::stoi(parts[6]), user % 2);
    EXPECT_EQ(std::stoi(parts[7]), iteration + 10);
  }
  std::set<std::pair<int, int>> expected;
  for (int u = 0; u < 3; ++u) {
    for (int i = 0; i < 4; ++i) expected.insert({u, i});
  }
  EXPECT_EQ(user_iteration, expected);
  EXPECT_EQ(uuids.size(), 12u);  // one per iteration, never repeated
  // Within an iteration ${uuid} stays the same across steps.
  EXPECT_EQ(std::set<std::string>(second_step_uuids.begin(), second_step_uuids.end()), uuids);
}

TEST(Flow, MultipartBodyReadBackByTheServersParser) {
  TestServer server;
  const auto doc = run(R"(steps:
  - method: POST
    path: /record/upload
    multipart:
      fields: {patient: "p-${user}", channels: "4"}
      files:
        - name: data
          filename: block.f32
          synthetic_eeg: {channels: 4, rate: 250, seconds: 2, seed: 9}
executor: {type: constant-users, users: 2, iterations: 2}
)",
                       server);
  EXPECT_EQ(doc["totals"]["errors"], 0);
  const auto block = common::make_synthetic_eeg(4, 250, 2, 9);
  const std::string_view eeg(reinterpret_cast<const char*>(block.data()), block.size_bytes());
  const auto recorded = server.recording().recorded();
  ASSERT_EQ(recorded.size(), 4u);
  std::multiset<std::string> patients;
  for (const auto& r : recorded) {
    EXPECT_EQ(r.method, "POST");
    const auto boundary = server::multipart_boundary(r.content_type);
    ASSERT_TRUE(boundary.has_value()) << r.content_type;
    const auto parts = server::parse_multipart(r.body, *boundary);
    ASSERT_EQ(parts.size(), 3u);
    const auto* patient = server::find_part(parts, "patient");
    const auto* channels = server::find_part(parts, "channels");
    const auto* data = server::find_part(parts, "data");
    ASSERT_TRUE(patient && channels && data);
    patients.insert(std::string(patient->data));
    EXPECT_EQ(channels->data, "4");
    EXPECT_EQ(data->filename, "block.f32");
    EXPECT_EQ(data->content_type, "application/octet-stream");
    EXPECT_TRUE(data->data == eeg) << "file part differs from the synthetic block";
  }
  EXPECT_EQ(patients, (std::multiset<std::string>{"p-0", "p-0", "p-1", "p-1"}));
}

TEST(Flow, ExpectAndChecksAreCountedAndJudged) {
  TestServer server;
  // /json/done answers 200 {"status": "done", "n": 4}. Step 0 checks two conditions (one
  // fails: n is 4); step 1 expects 201 and gets 200, which ends the iteration before step 2.
  const auto doc = run(R"(steps:
  - path: /json/done
    check:
      - {json: status, equals: done}
      - {json: n, lt: 3}
  - path: /json/done
    expect: 201
  - path: /ok
executor: {type: constant-users, users: 2, iterations: 5}
thresholds: ['checks > 99%', 'checks > 40%']
)",
                       server);
  const auto& steps = doc["steps"];
  EXPECT_EQ(steps[0]["requests"], 10);
  EXPECT_EQ(steps[0]["checks"]["passed"], 10);
  EXPECT_EQ(steps[0]["checks"]["failed"], 10);
  EXPECT_EQ(steps[0]["errors"]["status_unexpected"], 0);  // a failed check is not an error
  EXPECT_EQ(steps[1]["errors"]["status_unexpected"], 10);
  EXPECT_EQ(steps[2]["requests"], 0);
  EXPECT_EQ(doc["totals"]["checks"]["failed"], 10);
  EXPECT_EQ(doc["thresholds"][0]["observed"], 50.0);
  EXPECT_FALSE(doc["thresholds"][0]["passed"]);
  EXPECT_TRUE(doc["thresholds"][1]["passed"]);
  EXPECT_FALSE(doc["passed"]);
}

TEST(Flow, PollingUntilTheServerSaysCompleted) {
  TestServer server;
  // Each user's job completes on its third call: two waits of 100 ms in between.
  const auto doc = run(R"(steps:
  - path: /poll/job${user}/3
    until: {json: status, equals: completed}
    every: 100ms
    max: 5s
  - path: /ok
executor: {type: constant-users, users: 2, iterations: 1}
thresholds: ['poll_max < 1s', 'poll_p50 >= 200ms']
)",
                       server);
  EXPECT_EQ(server.recording().poll_calls("job0"), 3);
  EXPECT_EQ(server.recording().poll_calls("job1"), 3);
  const auto& step = doc["steps"][0];
  EXPECT_EQ(step["requests"], 6);
  EXPECT_EQ(step["errors"]["poll_timeout"], 0);
  EXPECT_EQ(step["poll"]["count"], 2);
  EXPECT_GE(step["poll"]["percentiles_ms"]["p50"].get<double>(), 200.0);
  EXPECT_LT(step["poll"]["percentiles_ms"]["max"].get<double>(), 1000.0);
  EXPECT_EQ(doc["steps"][1]["requests"], 2);  // the flow went on after the poll
  EXPECT_TRUE(doc["passed"]) << doc["thresholds"].dump();
}

TEST(Flow, PollingGivesUpAtMax) {
  TestServer server;
  const auto doc = run(R"(steps:
  - path: /poll/never/1000000
    until: {json: status, equals: completed}
    every: 100ms
    max: 350ms
  - path: /ok
executor: {type: constant-users, users: 1, iterations: 1}
thresholds: ['poll_max < 300ms']
)",
                       server);
  // Sends at 0, 100, 200, 300 ms; a fifth at 400 ms would pass max.
  EXPECT_EQ(server.recording().poll_calls("never"), 4);
  const auto& step = doc["steps"][0];
  EXPECT_EQ(step["errors"]["poll_timeout"], 1);
  EXPECT_EQ(step["poll"]["count"], 1);
  EXPECT_GE(step["poll"]["percentiles_ms"]["max"].get<double>(), 300.0);
  EXPECT_EQ(doc["steps"][1]["requests"], 0);  // a poll that ran out ends the iteration
  EXPECT_FALSE(doc["passed"]);
}

TEST(Flow, UsersAreNumberedOnceAcrossThreads) {
  TestServer server;
  const auto doc = run(R"(threads: 2
steps: [{path: "/record/${user}"}]
executor: {type: constant-users, users: 5, iterations: 2}
)",
                       server);
  std::multiset<std::string> users;
  for (const auto& r : server.recording().recorded()) users.insert(r.path);
  std::multiset<std::string> expected;
  for (int u = 0; u < 5; ++u) {
    expected.insert("/record/" + std::to_string(u));
    expected.insert("/record/" + std::to_string(u));
  }
  EXPECT_EQ(users, expected);
}

TEST(Flow, MultipartAndPollingOverLibcurl) {
  // https:// runs on the libcurl engine: the same body bytes and the same polling loop.
  TestServer server({.tls = true});
  const auto doc = run(R"(tls_verify: false
steps:
  - method: POST
    path: /record/upload
    multipart:
      fields: {patient: "p-${user}"}
      files: [{name: data, synthetic_eeg: {channels: 2, rate: 250, seconds: 1, seed: 2}}]
    expect: 200
  - path: /poll/tls${user}/2
    until: {json: status, equals: completed}
    every: 50ms
    max: 5s
executor: {type: constant-users, users: 2, iterations: 1}
)",
                       server);
  EXPECT_EQ(doc["engine"]["name"], "libcurl");
  EXPECT_EQ(doc["totals"]["errors"], 0);
  const auto block = common::make_synthetic_eeg(2, 250, 1, 2);
  const std::string_view eeg(reinterpret_cast<const char*>(block.data()), block.size_bytes());
  const auto recorded = server.recording().recorded();
  ASSERT_EQ(recorded.size(), 2u);
  for (const auto& r : recorded) {
    const auto parts = server::parse_multipart(r.body, *server::multipart_boundary(r.content_type));
    const auto* data = server::find_part(parts, "data");
    ASSERT_NE(data, nullptr);
    EXPECT_TRUE(data->data == eeg);
  }
  EXPECT_EQ(server.recording().poll_calls("tls0"), 2);
  EXPECT_EQ(server.recording().poll_calls("tls1"), 2);
  EXPECT_EQ(doc["steps"][1]["poll"]["count"], 2);
}

TEST(Flow, ShardsMergeChecksPollsAndGroups) {
  TestServer server;
  const std::string yaml = R"(steps:
  - group:
      name: flow
      steps:
        - path: /json/done
          check: [{json: status, equals: done}, {json: n, gt: 9}]
        - path: /poll/m${user}${iteration}/1
          until: {json: status, equals: completed}
          every: 10ms
executor: {type: constant-users, users: 4, iterations: 3}
thresholds: ['checks > 40%', 'group_max < 5s', 'poll_max < 5s']
)";
  RunOptions a, b;
  a.quiet = b.quiet = true;
  a.shard_count = b.shard_count = 2;
  b.shard_index = 1;
  const auto shard_a = run_load(parse_scenario(yaml, "m.yaml", server.url()), a);
  const auto shard_b = run_load(parse_scenario(yaml, "m.yaml", server.url()), b);
  const auto merged = merge_documents({shard_a, shard_b}, {"a", "b"});
  // 4 users x 3 iterations: 12 passes, two checks each (one always fails: n is 4).
  EXPECT_EQ(merged["steps"][0]["checks"]["passed"], 12);
  EXPECT_EQ(merged["steps"][0]["checks"]["failed"], 12);
  EXPECT_EQ(merged["steps"][0]["group"]["count"], 12);
  EXPECT_EQ(merged["steps"][1]["poll"]["count"], 12);
  EXPECT_EQ(shard_a["steps"][0]["group"]["count"].get<int>() +
                shard_b["steps"][0]["group"]["count"].get<int>(),
            12);
  EXPECT_TRUE(merged["passed"]) << merged["thresholds"].dump();
}

TEST(Series, AllFailedSecondKeepsTheSeriesLayout) {
  // A target that went away for a second: its point has requests and errors but no latency,
  // and must still be in the series' 2-digit layout (the report reads one layout per series).
  OutcomeTally tally(1);
  tally.answered(0, std::nullopt, 0, 0, 100'000'000);
  tally.failed(0, ErrorKind::kConnect, 1'200'000'000);
  tally.failed(0, ErrorKind::kConnect, 1'300'000'000);
  tally.flush_second();
  const auto series = tally.take_series();
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series.at(0).latency.significant_digits, kSeriesSignificantDigits);
  EXPECT_EQ(series.at(1).requests, 2);
  EXPECT_EQ(series.at(1).errors, 2);
  EXPECT_EQ(series.at(1).latency.count, 0);
  EXPECT_EQ(series.at(1).latency.significant_digits, kSeriesSignificantDigits);
}

}  // namespace
}  // namespace neuro::load
