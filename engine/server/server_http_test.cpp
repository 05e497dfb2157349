// The server's HTTP contract: statuses, JSON error bodies and Content-Type, auth on every
// protected route of the table (missing, expired, forged tokens), 404/405/413/415/431, health
// and metrics counted by the server itself.
#include <chrono>
#include <regex>
#include <thread>

#include "engine/server/auth.hpp"
#include "engine/server/testing/http_client.hpp"

namespace neuro::server::testing {
namespace {

class ServerHttpTest : public ServerTest {};

void expect_json_error(const HttpResult& r, unsigned status) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  const auto j = r.json();
  EXPECT_TRUE(j.contains("error") && j["error"].is_string()) << r.body;
  EXPECT_TRUE(j.contains("detail") && j["detail"].is_string()) << r.body;
}

TEST_F(ServerHttpTest, HealthIsOpenAndReportsBothServices) {
  const auto r = http_call(port(), http::verb::get, "/health");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/json");
  const auto j = r.json();
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["postgres"], "up");
  EXPECT_EQ(j["redis"], "up");
}

std::uint64_t health_count(const std::string& metrics) {
  const std::regex line(
      R"re(neuroperf_http_requests_total\{method="GET",route="/health",status="2xx"\} (\d+))re");
  std::smatch m;
  return std::regex_search(metrics, m, line) ? std::stoull(m[1]) : 0;
}

TEST_F(ServerHttpTest, MetricsCountPerRouteAndStatus) {
  const auto before = http_call(port(), http::verb::get, "/metrics");
  ASSERT_EQ(before.status, 200u);
  EXPECT_EQ(before.content_type.rfind("text/plain", 0), 0u);
  for (int i = 0; i < 7; ++i) http_call(port(), http::verb::get, "/health");
  // A request is counted once its answer is written, which can be just after the client has
  // read it (and asked for /metrics on another connection): poll for up to 2 s.
  HttpResult after;
  for (int tries = 0; tries < 200; ++tries) {
    after = http_call(port(), http::verb::get, "/metrics");
    if (health_count(after.body) >= health_count(before.body) + 7) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(health_count(after.body), health_count(before.body) + 7);
  EXPECT_NE(after.body.find("neuroperf_http_request_duration_seconds_bucket{method=\"GET\","
                            "route=\"/health\",status=\"2xx\",le=\"+Inf\"}"),
            std::string::npos);
  EXPECT_NE(after.body.find("neuroperf_http_open_connections "), std::string::npos);
  EXPECT_NE(after.body.find("neuroperf_jobs{state=\"queued\"}"), std::string::npos);
}

TEST_F(ServerHttpTest, TokenAndLoginIssueBearerTokens) {
  auto r = http_call(port(), http::verb::post, "/auth/token",
                     R"({"username":"test_user","password":"test_pass"})", "application/json");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  auto j = r.json();
  EXPECT_TRUE(j["access_token"].is_string());
  EXPECT_EQ(j["token_type"], "bearer");
  EXPECT_GT(j["expires_in"].get<int>(), 0);
  // The token it gave works.
  EXPECT_EQ(http_call(port(), http::verb::get, "/api/v2/devices", "", "",
                      {{"Authorization", "Bearer " + j["access_token"].get<std::string>()}})
                .status,
            200u);
  r = http_call(port(), http::verb::post, "/auth/login",
                R"({"email":"test@example.com","password":"password"})", "application/json");
  EXPECT_EQ(r.status, 200u) << r.body;
  expect_json_error(http_call(port(), http::verb::post, "/auth/token",
                              R"({"username":"test_user","password":"wrong"})", "application/json"),
                    401);
  expect_json_error(
      http_call(port(), http::verb::post, "/auth/token",
                R"({"username":"nobody","password":"test_pass"})", "application/json"),
      401);
  expect_json_error(
      http_call(port(), http::verb::post, "/auth/token", R"({"username":1})", "application/json"),
      422);
}

TEST_F(ServerHttpTest, ProtectedRoutesRejectBadTokens) {
  const TokenSigner same_secret(options().token_secret, std::chrono::seconds(60));
  const TokenSigner other_secret("another-secret-of-32-bytes-here!", std::chrono::seconds(60));
  const std::string expired = same_secret.issue("test_user", unix_now_s() - 3600);
  const std::string forged = other_secret.issue("test_user");
  std::string tampered = token();
  tampered[0] = tampered[0] == 'a' ? 'b' : 'a';
  int protected_routes = 0;
  for (const Route& route : server().context().router.routes()) {
    if (!route.auth_required) continue;
    ++protected_routes;
    const std::string path = std::regex_replace(route.pattern, std::regex(R"(\{[a-z_]+\})"), "x");
    const std::string body = route.method == http::verb::post ? "{}" : "";
    const std::string type = route.method == http::verb::post ? "application/json" : "";
    SCOPED_TRACE(std::string(http::to_string(route.method)) + " " + path);
    expect_json_error(http_call(port(), route.method, path, body, type), 401);
    for (const auto& t : {expired, forged, tampered, std::string("garbage")}) {
      expect_json_error(
          http_call(port(), route.method, path, body, type, {{"Authorization", "Bearer " + t}}),
          401);
    }
  }
  EXPECT_GE(protected_routes, 20);
}

TEST_F(ServerHttpTest, UnknownPathsAndMethodsAre404And405) {
  expect_json_error(http_call(port(), http::verb::get, "/nope"), 404);
  expect_json_error(http_call(port(), http::verb::delete_, "/health"), 405);
  expect_json_error(get("/api/v2/patients/does_not_exist"), 404);
  expect_json_error(get("/api/v2/sessions/does_not_exist"), 404);
  expect_json_error(get("/api/v2/jobs/does_not_exist"), 404);
}

TEST_F(ServerHttpTest, BodyOverTheLimitIs413BeforeRead) {
  const std::string big(options().limits.json_body_bytes + 1, ' ');
  expect_json_error(
      http_call(port(), http::verb::post, "/api/v2/patients", big, "application/json", auth()),
      413);
}

TEST_F(ServerHttpTest, WrongMediaTypeBadJsonAndWrongTypes) {
  expect_json_error(http_call(port(), http::verb::post, "/api/v2/patients", R"({"name":"x"})",
                              "text/plain", auth()),
                    415);
  expect_json_error(http_call(port(), http::verb::post, "/api/v2/patients", "{not json",
                              "application/json", auth()),
                    400);
  // A number past double's range is invalid JSON too (it was a 500 until fuzzing found it).
  expect_json_error(http_call(port(), http::verb::post, "/api/v2/patients", R"({"name":1e999})",
                              "application/json", auth()),
                    400);
  expect_json_error(post_json("/api/v2/patients", {{"name", 5}}), 422);
  expect_json_error(post_json("/api/v2/patients", {{"name", "x"}, {"dob", "yesterday"}}), 422);
  expect_json_error(post_json("/api/v2/analysis", {{"session_id", "demo_session_1"},
                                                   {"analyses", {{{"type", "astrology"}}}}}),
                    422);
  expect_json_error(get("/api/v2/sessions?limit=abc"), 400);
}

TEST_F(ServerHttpTest, OversizeHeaderIs431) {
  expect_json_error(http_call(port(), http::verb::get, "/health", "", "",
                              {{"X-Big", std::string(options().limits.header_bytes, 'x')}}),
                    431);
}

TEST_F(ServerHttpTest, WsRoutesNeedAnUpgradeAndAService) {
  expect_json_error(get("/ws/stream"), 426);
  // No WebSocket service is wired into this server: an authenticated upgrade gets 503.
  expect_json_error(http_call(port(), http::verb::get, "/ws/stream?token=" + token(), "", "",
                              {{"Connection", "Upgrade"},
                               {"Upgrade", "websocket"},
                               {"Sec-WebSocket-Version", "13"},
                               {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}}),
                    503);
  expect_json_error(http_call(port(), http::verb::get, "/ws/devices?token=forged", "", "",
                              {{"Connection", "Upgrade"},
                               {"Upgrade", "websocket"},
                               {"Sec-WebSocket-Version", "13"},
                               {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}}),
                    401);
}

TEST_F(ServerHttpTest, DevicesListTheFourProfiles) {
  const auto r = get("/api/v2/devices");
  ASSERT_EQ(r.status, 200u);
  const auto devices = r.json()["devices"];
  ASSERT_EQ(devices.size(), 4u);  // no WebSocket service: no live devices
  EXPECT_EQ(devices[0]["id"], "openbci_cyton");
  EXPECT_EQ(devices[3]["channels"], 32);
}

}  // namespace
}  // namespace neuro::server::testing
