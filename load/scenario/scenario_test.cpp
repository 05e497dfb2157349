#include "load/scenario/scenario.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "engine/base/errors.hpp"
#include "load/scenario/quick_scale.hpp"
#include "load/scenario/target_url.hpp"

namespace neuro::load {
namespace {

constexpr const char* kFull = R"(name: upload flow
target: http://127.0.0.1:8080
threads: 2
timeout: 2s
think_time: 250ms
auth:
  method: POST
  path: /auth/token
  json: {user: alice, password: "secret"}
  capture: {token: access_token}
steps:
  - name: upload
    method: POST
    path: /api/v2/data/upload
    headers: {X-Device: cyton}
    body:
      synthetic_eeg: {channels: 8, rate: 250, seconds: 2}
    capture: {session: data.id}
  - name: read
    path: /api/v2/sessions/${session}
executor:
  type: constant-users
  users: 10
  ramp_up: 5s
  duration: 1m
thresholds:
  - p95 < 200ms
  - error_rate < 0.1%
  - rps >= 100
  - target_rss < 2GB
)";

TEST(Scenario, ParsesEveryPart) {
  const auto s = parse_scenario(kFull, "full.yaml");
  EXPECT_EQ(s.name, "upload flow");
  EXPECT_EQ(s.threads, 2);
  EXPECT_DOUBLE_EQ(s.timeout_s, 2.0);
  EXPECT_DOUBLE_EQ(s.think_time_s, 0.25);
  ASSERT_TRUE(s.auth.has_value());
  EXPECT_EQ(s.auth->body, R"({"password":"secret","user":"alice"})");
  EXPECT_EQ(s.auth_header, "Authorization: Bearer ${token}");
  ASSERT_EQ(s.steps.size(), 2u);
  // 8 channels x 250 Hz x 2 s of float32.
  EXPECT_EQ(s.steps[0].body.size(), 8u * 500u * 4u);
  EXPECT_EQ(s.steps[0].content_type, "application/octet-stream");
  EXPECT_EQ(s.steps[0].captures[0].json_path, "data.id");
  EXPECT_FALSE(s.steps[0].uses_variables());
  EXPECT_TRUE(s.steps[1].uses_variables());
  EXPECT_EQ(s.steps[1].method, "GET");
  EXPECT_EQ(s.executor.kind, ExecutorKind::kConstantUsers);
  EXPECT_EQ(s.executor.users, 10);
  EXPECT_DOUBLE_EQ(s.executor.ramp_up_s, 5.0);
  EXPECT_DOUBLE_EQ(s.executor.duration_s, 60.0);
  ASSERT_EQ(s.thresholds.size(), 4u);
  EXPECT_DOUBLE_EQ(s.thresholds[0].limit, 200.0);  // ms
  EXPECT_DOUBLE_EQ(s.thresholds[1].limit, 0.1);    // percent
  EXPECT_EQ(s.thresholds[2].comparison, Comparison::kGreaterEqual);
  EXPECT_DOUBLE_EQ(s.thresholds[3].limit, 2.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(s.config["executor"]["users"], 10);
}

TEST(Scenario, ListsEveryProblemWithItsLine) {
  const std::string text = R"(target: ftp://x
steps:
  - path: health
    method: FETCH
  - path: /items/${nope}
executor:
  type: constant-users
  users: 0
  duration: soon
  colour: blue
thresholds:
  - p95 < 200
  - latency < 1s
)";
  try {
    parse_scenario(text, "bad.yaml");
    FAIL() << "expected InvalidArgument";
  } catch (const base::InvalidArgument& e) {
    const std::string m = e.what();
    for (const char* expected : {
             // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one message, wrapped
             "bad.yaml:1: target: expected http://HOST[:PORT] or https://HOST[:PORT], got "
             "'ftp://x'",
             "bad.yaml:3: steps[0].path: expected a path starting with '/'",
             "bad.yaml:4: steps[0].method: expected GET, POST",
             "bad.yaml:5: steps[1].path: ${nope} is not captured",
             "bad.yaml:8: executor.users: expected a number >= 1, got '0'",
             "bad.yaml:9: executor.duration: expected a positive duration",
             "bad.yaml:10: executor.colour: unknown field",
             "bad.yaml:12: thresholds[0]: expected a duration with a unit",
             "bad.yaml:13: thresholds[1]: unknown metric 'latency'",
         }) {
      EXPECT_NE(m.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << m;
    }
    EXPECT_EQ(std::count(m.begin(), m.end(), '\n'), 8) << m;  // nine problems, one per line
  }
}

// A json: body that is not UTF-8 (found by fuzz_scenario_yaml: nlohmann's dump threw past the
// parser) is a problem of the file, with its line.
TEST(Scenario, AJsonBodyThatIsNotUtf8IsAProblem) {
  const std::string text =
      "target: http://127.0.0.1:8080\nsteps:\n  - path: /a\n    method: POST\n"
      "    json: {name: \"ab\x89\"}\nexecutor: {type: constant-users, users: 1, "
      "iterations: 1}\n";
  try {
    parse_scenario(text, "utf8.yaml");
    FAIL() << "expected InvalidArgument";
  } catch (const base::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("utf8.yaml:5: steps[0].json: not valid UTF-8 text"),
              std::string::npos)
        << e.what();
  }
}

// A json: body's whole number past int64 (fuzz_scenario_yaml: the cast to int64 was undefined)
// is kept as a JSON number.
TEST(Scenario, JsonNumberPastInt64StaysANumber) {
  const auto s = parse_scenario(
      "target: http://127.0.0.1:8080\nsteps:\n  - path: /a\n    method: POST\n    json: {n: " +
          std::string(30, '9') +
          ", m: 42}\nexecutor: {type: constant-users, users: 1, iterations: 1}\n",
      "big.yaml");
  const auto body = nlohmann::json::parse(s.steps.at(0).body);
  EXPECT_TRUE(body["n"].is_number_float());
  EXPECT_DOUBLE_EQ(body["n"].get<double>(), 1e30);
  EXPECT_EQ(body["m"], 42);
}

TEST(Scenario, TargetOverrideAndMissingTarget) {
  const std::string text =
      "steps: [{path: /ok}]\nexecutor: {type: constant-rate, rate: 10, "
      "duration: 1s}\n";
  EXPECT_EQ(parse_scenario(text, "a.yaml", "http://h:81").target, "http://h:81");
  try {
    parse_scenario(text, "a.yaml");
    FAIL();
  } catch (const base::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("a.yaml:1: target: missing"), std::string::npos);
  }
}

TEST(Scenario, OpenExecutorsBecomeRateCurves) {
  const auto spike = parse_scenario(
      "target: http://h\nsteps: [{path: /}]\nexecutor: {type: spike, rate: 10, spike_rate: 500, "
      "before: 5s, spike: 2s, after: 3s}\n",
      "s.yaml");
  EXPECT_EQ(spike.executor.kind, ExecutorKind::kSpike);
  EXPECT_DOUBLE_EQ(planned_duration_s(spike.executor), 10.0);
  ASSERT_EQ(spike.executor.stages.size(), 5u);
  EXPECT_DOUBLE_EQ(spike.executor.stages[1].target_rate, 500.0);
  EXPECT_DOUBLE_EQ(spike.executor.stages[1].duration_s, 0.0);  // a jump

  const auto stress = parse_scenario(
      "target: http://h\nsteps: [{path: /}]\nexecutor: {type: stress, start_rate: 100, "
      "step_rate: 100, step_duration: 10s, max_rate: 1000}\nthresholds: ['p99 < 50ms']\n",
      "t.yaml");
  EXPECT_DOUBLE_EQ(planned_duration_s(stress.executor), 100.0);  // 10 stages

  EXPECT_THROW(parse_scenario("target: http://h\nsteps: [{path: /}]\nexecutor: {type: stress, "
                              "start_rate: 1, step_rate: 1, step_duration: 1s, max_rate: 2}\n",
                              "u.yaml"),
               base::InvalidArgument);  // a stress run needs thresholds
}

TEST(Scenario, TlsAndHttp2Fields) {
  const std::string steps =
      "steps: [{path: /}]\nexecutor: {type: constant-users, users: 1, iterations: 1}\n";
  const auto plain = parse_scenario("target: http://h\n" + steps, "p.yaml");
  EXPECT_FALSE(plain.http2);
  EXPECT_TRUE(plain.tls_verify);
  EXPECT_FALSE(plain.uses_libcurl());  // plain HTTP/1.1 stays on the epoll engine

  const auto tls = parse_scenario("target: https://h:8443\n" + steps, "t.yaml");
  EXPECT_TRUE(tls.uses_libcurl());
  const auto url = parse_target_url(tls.target);
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.port, 8443);
  EXPECT_EQ(url.base_url(), "https://h:8443");
  EXPECT_EQ(parse_target_url("https://h").port, 443);

  const auto h2 =
      parse_scenario("target: http://h\nhttp: \"2\"\ntls_verify: false\n" + steps, "h.yaml");
  EXPECT_TRUE(h2.http2);
  EXPECT_FALSE(h2.tls_verify);
  EXPECT_TRUE(h2.uses_libcurl());  // h2c
  EXPECT_FALSE(parse_scenario("target: http://h\nhttp: 1.1\n" + steps, "o.yaml").http2);
  EXPECT_TRUE(parse_scenario("target: http://h\n" + steps, "r.yaml").read_lag);
  EXPECT_FALSE(parse_scenario("target: http://h\nread_lag: false\n" + steps, "r.yaml").read_lag);

  try {
    parse_scenario(
        "target: https://h\nhttp: 3\ntls_verify: maybe\nca_file: /no/such.pem\n"
        "read_lag: no\n" +
            steps,
        "bad.yaml");
    FAIL() << "expected InvalidArgument";
  } catch (const base::InvalidArgument& e) {
    const std::string m = e.what();
    for (const char* expected : {
             "bad.yaml:2: http: expected \"1.1\" or \"2\", got '3'",
             "bad.yaml:3: tls_verify: expected true or false, got 'maybe'",
             "bad.yaml:4: ca_file: cannot open '/no/such.pem'",
             "bad.yaml:5: read_lag: expected true or false, got 'no'",
         }) {
      EXPECT_NE(m.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << m;
    }
    EXPECT_EQ(std::count(m.begin(), m.end(), '\n'), 3) << m;
  }
}

TEST(Scenario, NotYamlIsOneLine) {
  try {
    parse_scenario("steps: [\n  - {", "x.yaml");
    FAIL();
  } catch (const base::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("x.yaml:"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("not valid YAML"), std::string::npos);
  }
}

}  // namespace
}  // namespace neuro::load

namespace neuro::load {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every file parses; the documents' tests (documents.txt) are also judged by thresholds, fit a
// --quick run and are mapped in docs/scenarios.md. Each file is parsed once: the large synthetic
// uploads take seconds to generate.
TEST(Scenario, ShippedExamplesAreValid) {
  const std::filesystem::path root = std::filesystem::path(NEURO_FIXTURES_DIR) / "..";
  const std::filesystem::path dir = root / "load" / "scenarios";
  std::set<std::string> documents;
  std::istringstream list(read_text(dir / "documents.txt"));
  for (std::string line; std::getline(list, line);) {
    if (!line.empty() && line[0] != '#') documents.insert(line);
  }
  const std::string map = read_text(root / "docs" / "scenarios.md");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    const std::string name = entry.path().filename().string();
    Scenario s;
    ASSERT_NO_THROW(s = load_scenario(entry.path().string())) << entry.path();
    if (!documents.erase(name)) continue;
    EXPECT_FALSE(s.thresholds.empty()) << name << ": the document's criteria as thresholds";
    const double seconds = s.quick_seconds > 0 ? s.quick_seconds : kQuickSeconds;
    apply_quick(s);
    if (s.executor.iterations == 0) {
      EXPECT_LE(planned_duration_s(s.executor), seconds + 1e-9) << name;
    }
    for (const auto& step : s.steps) {
      if (!step.ws) continue;
      EXPECT_LT(step.ws->duration_s, seconds) << name << ": a ws: step outlives the run";
    }
    EXPECT_NE(map.find("load/scenarios/" + name), std::string::npos)
        << name << " is not in docs/scenarios.md";
  }
  EXPECT_TRUE(documents.empty()) << "documents.txt names a missing file: " << *documents.begin();
  EXPECT_GE(files, 20);
}

}  // namespace
}  // namespace neuro::load
