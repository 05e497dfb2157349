// The load threads end to end over each transport the runner has: the epoll engine (plain
// HTTP/1.1), libcurl over TLS, and libcurl over HTTP/2 (ALPN h2), against the test server on
// loopback with a self-signed certificate made when it starts. One parameterised suite checks
// what every transport must do alike: counts equal to the server's own, every error kind
// counted and never fatal, captures and the auth token, both load models, late wake-ups
// losing no arrival. What only one transport does (connection close, certificate checks, h2c,
// multiplexing) has its own cases below.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "engine/base/errors.hpp"
#include "load/engine/curl/curl_easy.hpp"
#include "load/engine/make_load_thread.hpp"
#include "load/http/blocking_client.hpp"
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

struct Transport {
  const char* name;
  bool tls;
  bool http2;
  int open_rate;  // arrivals per second of the open-model case
};

// gtest prints a parameter it cannot print as its bytes, padding included.
void PrintTo(const Transport& t, std::ostream* os) { *os << t.name; }

class Engine : public ::testing::TestWithParam<Transport> {
 protected:
  void SetUp() override {
    if (GetParam().http2 && !TestServer::http2_supported()) {
      GTEST_SKIP() << "the test server was built without libnghttp2 (no HTTP/2)";
    }
  }
  TestServerOptions server_options() const {
    return {.tls = GetParam().tls, .http2 = GetParam().http2};
  }
  // The scenario lines that select this transport.
  std::string head() const {
    std::string h;
    if (GetParam().tls) h += "tls_verify: false\n";
    if (GetParam().http2) h += "http: \"2\"\n";
    return h;
  }
  bool libcurl() const { return GetParam().tls || GetParam().http2; }
  const char* version() const { return GetParam().http2 ? "2" : "1.1"; }
  // A load thread on its own, as phase.cpp makes one.
  std::unique_ptr<LoadThread> thread(const Scenario& scenario, LoadThreadConfig c) const {
    const ResolvedTarget target = resolve_target(scenario.target);
    c.scenario = &scenario;
    c.address = target.address;
    c.address_size = target.address_size;
    c.target = target.url;
    c.transport = transport_of(scenario);
    return make_load_thread(std::move(c));
  }
};

INSTANTIATE_TEST_SUITE_P(T, Engine,
                         ::testing::Values(Transport{"epoll", false, false, 400},
                                           Transport{"tls", true, false, 200},
                                           Transport{"http2", true, true, 200}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_P(Engine, ClosedModelCountsMatchTheServer) {
  TestServer server(server_options());
  const auto doc = run(head() + R"(steps: [{path: /ok}, {path: /chunked}]
executor: {type: constant-users, users: 4, iterations: 25}
threads: 2
)",
                       server);
  EXPECT_EQ(doc["engine"]["name"], libcurl() ? "libcurl" : "epoll");
  EXPECT_EQ(doc["engine"]["http"], version());
  EXPECT_EQ(doc["engine"]["tls"], GetParam().tls);
  EXPECT_EQ(doc["engine"]["responses_by_http_version"], json({{version(), 200}}));
  EXPECT_EQ(doc["steps"][0]["requests"], 100);
  EXPECT_EQ(doc["steps"][1]["requests"], 100);
  EXPECT_EQ(doc["totals"]["errors"], 0);
  EXPECT_EQ(server.responses(), 200);
  EXPECT_EQ(doc["steps"][0]["latency"]["count"], 100);
  EXPECT_TRUE(doc["steps"][0]["service_time"].is_null());  // closed model
  EXPECT_TRUE(doc["open_model"].is_null());
  // Keep-alive: one connection per user, plus the reachability probe before the run; the client
  // says it held as many as the server accepted (HTTP/2: the users' streams share one).
  EXPECT_LE(server.connections(), 4 + 1);
  EXPECT_EQ(doc["client"]["peak_connections"], server.connections() - 1);
  std::int64_t series_requests = 0;
  for (const auto& p : doc["series"]) series_requests += p["requests"].get<std::int64_t>();
  EXPECT_EQ(series_requests, 200);
  EXPECT_TRUE(doc["passed"]);
}

TEST_P(Engine, ErrorsAreCountedByKind) {
  TestServer server(server_options());
  const auto doc = run(head() + R"(steps: [{path: /status/404}, {path: /status/503}, {path: /reset}]
executor: {type: constant-users, users: 3, iterations: 10}
)",
                       server);
  const auto& s = doc["steps"];
  EXPECT_EQ(errors_of(s[0], "status_4xx"), 30);
  EXPECT_EQ(errors_of(s[1], "status_5xx"), 30);
  if (GetParam().tls && !GetParam().http2) {
    // A reset is a read error, or a write error when it reaches libcurl while it is still
    // sending (TLS records of a retried request in flight): seen in about 1 run in 10.
    EXPECT_EQ(errors_of(s[2], "read") + errors_of(s[2], "write"), 30) << s[2]["errors"].dump();
    EXPECT_GE(errors_of(s[2], "read"), 25) << s[2]["errors"].dump();
    // libcurl retries once, on a fresh connection, a request whose reused connection died
    // before any byte of the answer (it cannot be turned off); only the final outcome counts.
    EXPECT_GE(server.resets(), 30);
    EXPECT_LE(server.resets(), 60);
  } else {
    // No quiet retries: a reset connection (HTTP/1.1) or stream (HTTP/2) is a read error.
    EXPECT_EQ(errors_of(s[2], "read"), 30);
    EXPECT_EQ(server.resets(), 30);
  }
  EXPECT_EQ(doc["totals"]["errors"], 90);
  EXPECT_EQ(doc["totals"]["requests"], 90);
  // Status errors are answered, so they have latencies; resets do not.
  EXPECT_EQ(s[0]["latency"]["count"], 30);
  EXPECT_EQ(s[2]["latency"]["count"], 0);
}

TEST_P(Engine, TimeoutsAreCounted) {
  TestServer server(server_options());
  const auto doc = run(head() + R"(timeout: 100ms
steps: [{path: /delay/400}]
executor: {type: constant-users, users: 2, iterations: 2}
)",
                       server);
  EXPECT_EQ(errors_of(doc["steps"][0], "timeout"), 4);
  EXPECT_EQ(doc["totals"]["requests"], 4);
}

TEST_P(Engine, ConnectFailuresAreCounted) {
  // The thread on its own (the runner refuses a target that is down at the start): a target
  // that goes away during a run costs counted connect errors, one per attempt.
  std::string url;
  {
    TestServer gone(server_options());
    url = gone.url();
  }
  const Scenario scenario = parse_scenario(head() +
                                               "steps: [{path: /ok}, {path: /ok}]\n"
                                               "executor: {type: constant-users, users: 2, "
                                               "iterations: 3}\n",
                                           "t.yaml", url);
  LoadThreadConfig c;
  c.user_starts_s = {0, 0};
  c.iterations = 3;
  c.duration_s = 30;
  c.timeout_s = 2;
  c.start = std::chrono::steady_clock::now();
  const auto load = thread(scenario, std::move(c));
  std::atomic<bool> stop{false};
  load->run(stop);
  // A failed request ends its iteration: 2 users x 3 iterations, all on the first step.
  EXPECT_EQ(load->steps()[0].requests, 6);
  EXPECT_EQ(load->steps()[0].errors[static_cast<int>(ErrorKind::kConnect)], 6);
  EXPECT_EQ(load->steps()[1].requests, 0);
  EXPECT_EQ(load->live_errors(), 6);
}

TEST_P(Engine, AuthTokenAndCapturesFlow) {
  TestServer server(server_options());
  const auto doc = run(head() + R"(auth: {path: /token, capture: {token: access_token}}
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

// Answers of ~1 MB arrive in many reads (on the epoll transport straight into the body's
// buffer, their JSON structure checked read by read): a check and a capture past the large
// array read the count the server wrote, and the same answer with its array closed by '}' fails
// its check (On-Demand alone would find the count: only the whole-body check refuses it).
TEST_P(Engine, LargeAnswersAreReadWhole) {
  TestServer server(server_options());
  const auto doc = run(head() + R"(steps:
  - {path: /big/100000, check: {json: count, equals: 100000}, capture: {n: count}}
  - {path: '/items/${n}', check: {json: id, equals: '100000'}}
  - {path: /big/100000/mispaired, check: {json: count, exists: true}}
executor: {type: constant-users, users: 2, iterations: 3}
)",
                       server);
  EXPECT_EQ(doc["totals"]["requests"], 18);
  EXPECT_EQ(doc["totals"]["errors"], 0) << doc["steps"].dump();
  EXPECT_EQ(doc["steps"][0]["checks"]["passed"], 6);
  EXPECT_EQ(doc["steps"][1]["checks"]["passed"], 6);
  EXPECT_EQ(doc["steps"][2]["checks"]["failed"], 6);
}

TEST_P(Engine, OpenModelSendsEveryArrival) {
  TestServer server(server_options());
  const int rate = GetParam().open_rate;
  const auto doc = run(head() + "steps: [{path: /ok}]\nexecutor: {type: constant-rate, rate: " +
                           std::to_string(rate) + ", duration: 1500ms, max_connections: 8}\n",
                       server);
  // 1.5 s at the rate: every arrival sent and answered (the run drains in-flight work).
  const std::int64_t scheduled = rate * 3 / 2;
  EXPECT_EQ(doc["totals"]["requests"].get<std::int64_t>() +
                doc["open_model"]["dropped_sends"].get<std::int64_t>(),
            scheduled);
  EXPECT_EQ(doc["totals"]["requests"], scheduled);
  EXPECT_EQ(doc["open_model"]["dropped_sends"], 0);
  EXPECT_EQ(server.responses(), scheduled);
  EXPECT_FALSE(doc["steps"][0]["service_time"].is_null());
  EXPECT_LE(server.connections(), 8 + 1);  // the pool and the reachability probe
}

// A pool keeps its connections through a lull: 8 in flight (200/s x 40 ms), then one at a time
// (10/s), then 8 again. libcurl's cache left at its default holds 4 connections per transfer in
// flight, so the lull closed all but 4 and the second burst opened new ones (13 in all over
// TLS, each a handshake the latency paid for).
TEST_P(Engine, PoolKeptThroughALull) {
  TestServer server(server_options());
  // The test server answers an HTTP/2 connection's streams one after the other: 40 ms each
  // would serialise the run into 7 s, and one connection has no lull to lose anyway.
  const std::string path = GetParam().http2 ? "/delay/5" : "/delay/40";
  const auto doc = run_load(parse_scenario(head() + "steps: [{path: " + path + "}]\n" + R"(
executor:
  type: ramping-rate
  start_rate: 200
  max_connections: 8
  stages:
    - {duration: 400ms, target: 200}
    - {duration: 0s, target: 10}
    - {duration: 1s, target: 10}
    - {duration: 0s, target: 200}
    - {duration: 400ms, target: 200}
)",
                                           "test.yaml", server.url()),
                            RunOptions{.threads = 1, .quiet = true});
  EXPECT_EQ(doc["totals"]["errors"], 0) << doc["steps"].dump();
  if (!GetParam().http2) {  // HTTP/2 multiplexes the bursts on one connection
    EXPECT_GE(server.connections(), 6) << "no burst had several requests in flight";
  }
  EXPECT_LE(server.connections(), 8 + 1);  // the pool and the reachability probe
}

TEST_P(Engine, OpenLatencyFromIntendedSendTime) {
  // One connection, 50 ms per request, 40 arrivals a second: sends queue behind each other,
  // so latency from the intended time grows past the service time and sends are late.
  TestServer server(server_options());
  const auto doc = run(head() + R"(steps: [{path: /delay/50}]
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

// Each plain HTTP/1.1 answer's read lag: from the kernel's arrival stamp of its last bytes to
// the read, beside its latency. The server's 150 ms are in every latency and in no lag (the
// loop waits in epoll and reads at once); the stamp itself is the arrival, not the read
// (ArrivalStamp.StampsArrivalNotTheRead). libcurl reads its sockets itself: no lag there.
TEST_P(Engine, ReadLagBesideLatency) {
  TestServer server(server_options());
  const auto doc = run(head() + R"(steps: [{path: /delay/150}]
executor: {type: constant-users, users: 4, iterations: 3}
thresholds: ['read_lag_p99 < 100ms']
)",
                       server);
  const auto& step = doc["steps"][0];
  ASSERT_EQ(step["requests"], 12);
  EXPECT_GE(step["latency"]["min_ns"].get<std::int64_t>(), 150'000'000);
  if (libcurl()) {
    EXPECT_FALSE(step.contains("read_lag"));
    EXPECT_FALSE(doc["passed"]) << "read_lag_p99 observed without stamps";
    return;
  }
  ASSERT_TRUE(step.contains("read_lag")) << step.dump();
  // The kernel turns stamping on a moment after the first socket asks: a process's very first
  // reads may carry none.
  EXPECT_GE(step["read_lag"]["count"].get<std::int64_t>(), 8);
  EXPECT_LE(step["read_lag"]["count"].get<std::int64_t>(), 12);
  EXPECT_LT(step["read_lag"]["max_ns"].get<std::int64_t>(), 100'000'000);  // not the 150 ms
  EXPECT_GT(step["read_lag"]["sum_ns"].get<double>(), 0.0);  // measured, not a clock's clamp
  EXPECT_TRUE(step["read_lag_percentiles_ms"].contains("p99"));
  EXPECT_TRUE(doc["passed"]) << doc["thresholds"].dump();
}

// `read_lag: false`: the answers are read without stamps, and the result has no read lag.
TEST(EngineEpoll, ReadLagOffReadsWithoutStamps) {
  TestServer server;
  const auto doc = run(R"(read_lag: false
steps: [{path: /ok}]
executor: {type: constant-users, users: 2, iterations: 20}
)",
                       server);
  EXPECT_EQ(doc["steps"][0]["requests"], 40);
  EXPECT_EQ(doc["totals"]["errors"], 0);
  EXPECT_FALSE(doc["steps"][0].contains("read_lag")) << doc["steps"][0].dump();
}

// A load thread whose first wake-up comes after the end of its run (a loaded machine) still
// sends every arrival scheduled before the end, late, or counts it as dropped: none may vanish
// from the counts. Here the run ended a second before the thread starts.
TEST_P(Engine, LateWakeUpLosesNoArrival) {
  TestServer server(server_options());
  const Scenario scenario = parse_scenario(
      head() + "steps: [{path: /ok}]\nexecutor: {type: constant-rate, rate: 100, duration: 1s}\n",
      "test.yaml", server.url());
  LoadThreadConfig c;
  c.open_model = true;
  c.curve = RateCurve(100, {{1.0, 100}});
  c.lane = Lane{0, 1, 0, 1};
  c.connections = 4;
  c.duration_s = 1;
  c.timeout_s = 5;
  c.start = std::chrono::steady_clock::now() - std::chrono::seconds(2);
  const auto load = thread(scenario, std::move(c));
  std::atomic<bool> stop{false};
  load->run(stop);
  const std::int64_t sent = load->steps()[0].requests;
  EXPECT_EQ(sent + load->dropped_sends(), 100);
  EXPECT_EQ(sent, server.responses());
  EXPECT_EQ(load->late_sends(), sent);  // every one of them, a second or more late
}

// The series counts iterations begun beside requests: a two-step open-model run serves one
// arrival per iteration and two requests, as the server counted them.
TEST(EngineEpoll, SeriesCountsIterationsBegun) {
  TestServer server;
  const auto doc = run(R"(steps: [{path: /ok}, {path: /ok}]
executor: {type: constant-rate, rate: 40, duration: 2s}
)",
                       server);
  std::int64_t iterations = 0, requests = 0;
  for (const auto& p : doc["series"]) {
    iterations += p.value("iterations", std::int64_t{0});
    requests += p["requests"].get<std::int64_t>();
  }
  EXPECT_EQ(requests, server.responses());
  EXPECT_EQ(iterations, doc["steps"][0]["requests"].get<std::int64_t>());
  EXPECT_EQ(2 * iterations, requests);
  EXPECT_GT(iterations, 60);
}

TEST(EngineEpoll, ConnectionCloseMeansANewConnection) {
  TestServer server;
  const auto doc = run(R"(steps: [{path: /close}]
executor: {type: constant-users, users: 2, iterations: 5}
)",
                       server);
  EXPECT_EQ(doc["totals"]["requests"], 10);
  EXPECT_EQ(doc["totals"]["errors"], 0);
  EXPECT_EQ(server.connections(), 10 + 1);  // one per request, plus the reachability probe
}

TEST(EngineEpoll, PlainHttp11StaysOnTheEpollEngine) {
  TestServer server;
  const auto doc = run(
      "steps: [{path: /ok}]\nexecutor: {type: constant-users, users: 1, iterations: 3}\n", server);
  EXPECT_EQ(doc["engine"]["name"], "epoll");
  EXPECT_EQ(doc["engine"]["responses_by_http_version"], json({{"1.1", 3}}));
}

TEST(EngineTls, SelfSignedRefusedUnlessTrusted) {
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

TEST(EngineTls, AuthStepFailingVerificationIsExit3) {
  TestServer server({.tls = true});
  try {
    run("auth: {path: /token, capture: {token: access_token}}\nsteps: [{path: /auth}]\n"
        "executor: {type: constant-users, users: 1, iterations: 1}\n",
        server);
    FAIL() << "expected an Error";
  } catch (const base::Error& e) {
    EXPECT_EQ(e.code(), base::ExitCode::kUnreachable);
    const std::string m = e.what();
    EXPECT_NE(m.find("auth step " + server.url() + "/token"), std::string::npos) << m;
    EXPECT_NE(m.find("tls_verify: false"), std::string::npos) << m;
  }
}

#define SKIP_WITHOUT_HTTP2()                                                    \
  if (!TestServer::http2_supported()) {                                         \
    GTEST_SKIP() << "the test server was built without libnghttp2 (no HTTP/2)"; \
  }

TEST(EngineHttp2, NegotiatedOverTlsAndMultiplexed) {
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

TEST(EngineHttp2, ErrorsAreCountedByKindWithFewUsers) {
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

TEST(EngineHttp2, H2cWithPriorKnowledgeOverPlainHttp) {
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

}  // namespace
}  // namespace neuro::load
