// The libcurl engine (CurlThread) end to end against the test server in its TLS and HTTP/2
// modes on loopback, with a self-signed certificate made when the server starts: counts
// checked against the server's own, every error kind counted and never fatal, both load
// models, HTTP/2 really negotiated (the version libcurl reports), certificate verification.
#include <gtest/gtest.h>

#include <atomic>

#include "engine/common/errors.hpp"
#include "load/engine/curl/curl_thread.hpp"
#include "load/run/runner.hpp"
#include "load/scenario/scenario.hpp"
#include "load/testing/test_server.hpp"

namespace neuro::load {
namespace {

using nlohmann::json;
using testing::TestServer;
using testing::TestServerOptions;

json run(const std::string& yaml, const TestServer& server) {
  return run_load(parse_scenario(yaml, "test.yaml", server.url()), RunOptions{.quiet = true});
}

std::int64_t errors_of(const json& step, const char* kind) {
  return step["errors"][kind].get<std::int64_t>();
}

#define SKIP_WITHOUT_HTTP2()                                                    \
  if (!TestServer::http2_supported()) {                                         \
    GTEST_SKIP() << "the test server was built without libnghttp2 (no HTTP/2)"; \
  }

TEST(CurlEngine, ClosedModelOverTlsCountsMatchTheServer) {
  TestServer server({.tls = true});
  const auto doc = run(R"(tls_verify: false
steps: [{path: /ok}, {path: /chunked}]
executor: {type: constant-users, users: 4, iterations: 25}
threads: 2
)",
                       server);
  EXPECT_EQ(doc["engine"]["name"], "libcurl");
  EXPECT_EQ(doc["engine"]["http"], "1.1");
  EXPECT_EQ(doc["engine"]["tls"], true);
  EXPECT_EQ(doc["engine"]["responses_by_http_version"], json({{"1.1", 200}}));
  EXPECT_EQ(doc["steps"][0]["requests"], 100);
  EXPECT_EQ(doc["steps"][1]["requests"], 100);
  EXPECT_EQ(doc["totals"]["errors"], 0);
  EXPECT_EQ(server.responses(), 200);
  EXPECT_TRUE(doc["steps"][0]["service_time"].is_null());
  // Keep-alive: one connection per user, plus the reachability probe before the run.
  EXPECT_LE(server.connections(), 4 + 1);
  std::int64_t series_requests = 0;
  for (const auto& p : doc["series"]) series_requests += p["requests"].get<std::int64_t>();
  EXPECT_EQ(series_requests, 200);
  EXPECT_TRUE(doc["passed"]);
}

TEST(CurlEngine, ErrorsAreCountedByKind) {
  TestServer server({.tls = true});
  const auto doc = run(R"(tls_verify: false
steps: [{path: /status/404}, {path: /status/503}, {path: /reset}]
executor: {type: constant-users, users: 3, iterations: 10}
)",
                       server);
  const auto& s = doc["steps"];
  EXPECT_EQ(errors_of(s[0], "status_4xx"), 30);
  EXPECT_EQ(errors_of(s[1], "status_5xx"), 30);
  // A reset is a read error, or a write error when it reaches libcurl while it is still sending
  // (TLS records of a retried request in flight): seen in about 1 run in 10.
  EXPECT_EQ(errors_of(s[2], "read") + errors_of(s[2], "write"), 30) << s[2]["errors"].dump();
  EXPECT_GE(errors_of(s[2], "read"), 25) << s[2]["errors"].dump();
  // libcurl retries once, on a fresh connection, a request whose reused connection died before
  // any byte of the answer (it cannot be turned off); only the final outcome is counted.
  EXPECT_GE(server.resets(), 30);
  EXPECT_LE(server.resets(), 60);
  EXPECT_EQ(doc["totals"]["errors"], 90);
  EXPECT_EQ(doc["totals"]["requests"], 90);
  EXPECT_EQ(s[0]["latency"]["count"], 30);  // answered: a latency
  EXPECT_EQ(s[2]["latency"]["count"], 0);   // reset: none
}

TEST(CurlEngine, TimeoutsAreCounted) {
  TestServer server({.tls = true});
  const auto doc = run(R"(tls_verify: false
timeout: 100ms
steps: [{path: /delay/400}]
executor: {type: constant-users, users: 2, iterations: 2}
)",
                       server);
  EXPECT_EQ(errors_of(doc["steps"][0], "timeout"), 4);
  EXPECT_EQ(doc["totals"]["requests"], 4);
}

TEST(CurlEngine, ConnectFailuresAreCountedNotFatal) {
  // The worker on its own (the runner refuses a target that is down at the start): a target
  // that goes away during a run costs counted connect errors, one per attempt.
  std::string url;
  {
    TestServer gone({.tls = true});
    url = gone.url();
  }
  const Scenario scenario = parse_scenario(
      "steps: [{path: /ok}, {path: /ok}]\n"
      "executor: {type: constant-users, users: 2, iterations: 3}\n",
      "t.yaml", url);
  LoadThreadConfig c;
  c.scenario = &scenario;
  c.target = parse_target_url(url);
  c.transport.tls_verify = false;
  c.user_starts_s = {0, 0};
  c.iterations = 3;
  c.duration_s = 30;
  c.timeout_s = 2;
  c.start = std::chrono::steady_clock::now();
  CurlThread worker(c);
  std::atomic<bool> stop{false};
  worker.run(stop);
  // A failed request ends its iteration: 2 users x 3 iterations, all on the first step.
  EXPECT_EQ(worker.steps()[0].requests, 6);
  EXPECT_EQ(worker.steps()[0].errors[static_cast<int>(ErrorKind::kConnect)], 6);
  EXPECT_EQ(worker.steps()[1].requests, 0);
  EXPECT_EQ(worker.live_errors(), 6);
}

// As Engine.AThreadWakingAfterTheEndLosesNoArrival: a thread that first wakes after the end of
// its run sends every arrival scheduled before it (late) or counts it dropped.
TEST(CurlEngine, AThreadWakingAfterTheEndLosesNoArrival) {
  TestServer server({.tls = true});
  const Scenario scenario = parse_scenario(
      "steps: [{path: /ok}]\nexecutor: {type: constant-rate, rate: 100, duration: 1s}\n", "t.yaml",
      server.url());
  LoadThreadConfig c;
  c.scenario = &scenario;
  c.target = parse_target_url(server.url());
  c.transport.tls_verify = false;
  c.open_model = true;
  c.curve = RateCurve(100, {{1.0, 100}});
  c.lane = Lane{0, 1, 0, 1};
  c.connections = 4;
  c.duration_s = 1;
  c.timeout_s = 5;
  c.start = std::chrono::steady_clock::now() - std::chrono::seconds(2);
  CurlThread worker(c);
  std::atomic<bool> stop{false};
  worker.run(stop);
  const std::int64_t sent = worker.steps()[0].requests;
  EXPECT_EQ(sent + worker.dropped_sends(), 100);
  EXPECT_EQ(sent, server.responses());
}

TEST(CurlEngine, VerificationRefusesASelfSignedCertificateUnlessTrusted) {
  TestServer server({.tls = true});
  const std::string steps =
      "steps: [{path: /ok}]\nexecutor: {type: constant-users, users: 2, iterations: 5}\n";
  // tls_verify defaults to true: every attempt is a counted TLS error, the run goes on.
  const auto refused = run(steps, server);
  EXPECT_EQ(errors_of(refused["steps"][0], "tls"), 10);
  EXPECT_EQ(refused["totals"]["errors"], 10);
  EXPECT_EQ(server.responses(), 0);
  // The certificate as a trust anchor: verified, and every request answered.
  const auto trusted = run("ca_file: " + server.cert_file() + "\n" + steps, server);
  EXPECT_EQ(trusted["totals"]["errors"], 0);
  EXPECT_EQ(trusted["totals"]["requests"], 10);
  EXPECT_EQ(server.responses(), 10);
}

TEST(CurlEngine, AuthStepThatFailsVerificationIsExitThree) {
  TestServer server({.tls = true});
  try {
    run("auth: {path: /token, capture: {token: access_token}}\nsteps: [{path: /auth}]\n"
        "executor: {type: constant-users, users: 1, iterations: 1}\n",
        server);
    FAIL() << "expected an Error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ExitCode::kUnreachable);
    const std::string m = e.what();
    EXPECT_NE(m.find("auth step " + server.url() + "/token"), std::string::npos) << m;
    EXPECT_NE(m.find("tls_verify: false"), std::string::npos) << m;
  }
}

TEST(CurlEngine, AuthTokenCapturesAndBodiesFlowIntoLaterRequests) {
  TestServer server({.tls = true});
  const auto doc = run(R"(tls_verify: false
auth: {path: /token, capture: {token: access_token}}
steps:
  - {path: /auth}
  - method: POST
    path: /create
    body: {synthetic_eeg: {channels: 8, rate: 250, seconds: 1}}
    capture: {id: id, bytes: bytes}
  - {path: '/items/${id}'}
  - {path: '/check/8000/${bytes}'}
  - {method: DELETE, path: /ok}
executor: {type: constant-users, users: 2, iterations: 3}
)",
                       server);
  EXPECT_EQ(doc["totals"]["requests"], 30);
  // /auth answers 401 without the token, /items 404 and /check 400 without the captures.
  EXPECT_EQ(doc["totals"]["errors"], 0) << doc["steps"].dump();
}

TEST(CurlEngine, OpenModelSendsEveryScheduledArrival) {
  TestServer server({.tls = true});
  const auto doc = run(R"(tls_verify: false
steps: [{path: /ok}]
executor: {type: constant-rate, rate: 200, duration: 1500ms, max_connections: 8}
)",
                       server);
  EXPECT_EQ(doc["totals"]["requests"], 300);
  EXPECT_EQ(doc["open_model"]["dropped_sends"], 0);
  EXPECT_EQ(server.responses(), 300);
  EXPECT_FALSE(doc["steps"][0]["service_time"].is_null());
  EXPECT_LE(server.connections(), 8 + 1);  // the pool and the reachability probe
}

TEST(CurlEngine, OpenModelLatencyCountsFromTheIntendedSendTime) {
  // One connection, 50 ms per request, 40 arrivals a second: sends queue behind each other,
  // so latency from the intended time grows past the service time and sends are late.
  TestServer server({.tls = true});
  const auto doc = run(R"(tls_verify: false
steps: [{path: /delay/50}]
executor: {type: constant-rate, rate: 40, duration: 1s, max_connections: 1}
)",
                       server);
  const auto& step = doc["steps"][0];
  EXPECT_EQ(
      step["requests"].get<std::int64_t>() + doc["open_model"]["dropped_sends"].get<std::int64_t>(),
      40);
  EXPECT_GT(doc["open_model"]["late_sends"].get<std::int64_t>(), 0);
  EXPECT_GT(step["latency"]["max_ns"].get<std::int64_t>(),
            2 * step["service_time"]["max_ns"].get<std::int64_t>());
}

TEST(CurlEngine, Http2IsNegotiatedOverTlsAndMultiplexed) {
  SKIP_WITHOUT_HTTP2();
  TestServer server({.tls = true, .http2 = true});
  const auto doc = run(R"(tls_verify: false
http: "2"
steps: [{path: /ok}, {method: POST, path: /create, json: {a: 1}, capture: {id: id}},
        {path: '/items/${id}'}]
executor: {type: constant-users, users: 4, iterations: 10}
)",
                       server);
  EXPECT_EQ(doc["engine"]["http"], "2");
  // What libcurl reports for each answered transfer (CURLINFO_HTTP_VERSION).
  EXPECT_EQ(doc["engine"]["responses_by_http_version"], json({{"2", 120}}));
  EXPECT_EQ(doc["totals"]["requests"], 120);
  EXPECT_EQ(doc["totals"]["errors"], 0) << doc["steps"].dump();
  EXPECT_EQ(server.responses(), 120);
  // The four users share one multiplexed connection (plus the reachability probe).
  EXPECT_LE(server.connections(), 1 + 1);
}

TEST(CurlEngine, Http2ErrorsAreCountedByKind) {
  SKIP_WITHOUT_HTTP2();
  TestServer server({.tls = true, .http2 = true});
  const auto doc = run(R"(tls_verify: false
http: "2"
steps: [{path: /status/404}, {path: /status/503}, {path: /reset}]
executor: {type: constant-users, users: 2, iterations: 5}
)",
                       server);
  const auto& s = doc["steps"];
  EXPECT_EQ(errors_of(s[0], "status_4xx"), 10);
  EXPECT_EQ(errors_of(s[1], "status_5xx"), 10);
  EXPECT_EQ(errors_of(s[2], "read"), 10);  // the stream was reset
  EXPECT_EQ(server.resets(), 10);
  EXPECT_EQ(doc["totals"]["requests"], 30);
}

TEST(CurlEngine, H2cWithPriorKnowledgeOverPlainHttp) {
  SKIP_WITHOUT_HTTP2();
  TestServer server({.http2 = true});
  const auto doc = run(R"(http: "2"
steps: [{path: /ok}]
executor: {type: constant-rate, rate: 100, duration: 1s, max_connections: 4}
)",
                       server);
  EXPECT_EQ(doc["engine"]["name"], "libcurl");
  EXPECT_EQ(doc["engine"]["tls"], false);
  EXPECT_EQ(doc["engine"]["responses_by_http_version"], json({{"2", 100}}));
  EXPECT_EQ(server.responses(), 100);
  // Old libcurl cannot reuse h2c connections; the document must say when that shaped the run.
  const bool warned = doc["client"]["warnings"].dump().find("#10634") != std::string::npos;
  EXPECT_EQ(warned, h2c_reuse_broken());
}

TEST(CurlEngine, PlainHttp11StaysOnTheEpollEngine) {
  TestServer server;
  const auto doc = run(
      "steps: [{path: /ok}]\nexecutor: {type: constant-users, users: 1, iterations: 3}\n", server);
  EXPECT_EQ(doc["engine"]["name"], "epoll");
  EXPECT_EQ(doc["engine"]["responses_by_http_version"], json({{"1.1", 3}}));
}

}  // namespace
}  // namespace neuro::load
