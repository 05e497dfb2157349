#include "benchmarks/bench_http/http_env.hpp"

#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "benchmarks/common/latency_counters.hpp"

namespace neuro::bench::http_bench {

namespace {
std::mutex down_mutex;
std::optional<std::string> down_reason;  // why the target was unreachable, once known
}  // namespace

bool smoke_mode() {
  const char* smoke = std::getenv("NEUROPERF_BENCH_SMOKE");
  return smoke != nullptr && *smoke != '\0' && std::string(smoke) != "0";
}

void skip_with(benchmark::State& state, const std::exception& error) {
  if (dynamic_cast<const Unreachable*>(&error) != nullptr) {
    {
      std::lock_guard lock(down_mutex);
      down_reason = error.what();
    }
    state.SkipWithError(("service unavailable: " + std::string(error.what())).c_str());
  } else {
    state.SkipWithError(error.what());
  }
}

void expect(const Response& response, unsigned status, const std::string& what, bool json) {
  if (response.status != status) {
    throw std::runtime_error(what + ": expected " + std::to_string(status) + ", got " +
                             std::to_string(response.status) + ": " + response.body.substr(0, 200));
  }
  if (json && response.content_type.rfind("application/json", 0) != 0) {
    throw std::runtime_error(what + ": expected Content-Type application/json, got '" +
                             response.content_type + "'");
  }
}

std::unique_ptr<HttpClient> client_or_skip(benchmark::State& state) {
  {
    std::lock_guard lock(down_mutex);
    if (down_reason) {
      state.SkipWithError(("service unavailable: " + *down_reason).c_str());
      return nullptr;
    }
  }
  try {
    auto client = std::make_unique<HttpClient>(target_from_env());
    const nlohmann::json login = {{"username", "test_user"}, {"password", "test_pass"}};
    const Response r = client->send(
        client->make(http::verb::post, "/auth/token", login.dump(), "application/json"));
    expect(r, 200, "POST /auth/token as test_user");
    client->set_token(nlohmann::json::parse(r.body).at("access_token").get<std::string>());
    return client;
  } catch (const std::exception& e) {
    skip_with(state, e);
    return nullptr;
  }
}

std::string bench_session_id(HttpClient& client) {
  const char* given = std::getenv("NEUROPERF_BENCH_SESSION");
  if (given != nullptr && *given != '\0') return given;
  if (client.get("/api/v2/sessions/demo_session_1").status == 200) return "demo_session_1";
  const Response r = client.get("/api/v2/sessions?limit=1");
  expect(r, 200, "GET /api/v2/sessions?limit=1");
  const auto sessions = nlohmann::json::parse(r.body).at("sessions");
  if (sessions.empty()) throw std::runtime_error("GET /api/v2/sessions: the target has no session");
  return sessions.at(0).at("id").get<std::string>();
}

void publish(benchmark::State& state, const base::LatencyHistogram& histogram, double ops,
             double seconds) {
  state.counters["ops_per_second"] = seconds > 0.0 ? ops / seconds : 0.0;
  set_latency_counters(state, histogram, "latency");
}

}  // namespace neuro::bench::http_bench
