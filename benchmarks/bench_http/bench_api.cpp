// The documents' API calls, one kept-alive client, one request per iteration timed from the
// first byte written to the last byte read: /health, the sessions list, one session, its data,
// creating a patient, and one inference example through the micro-batcher. Every answer's
// status and Content-Type is checked, and its JSON parsed where the documents' clients read it.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "benchmarks/bench_http/http_env.hpp"
#include "benchmarks/common/fixed_iterations.hpp"
#include "engine/common/synthetic_eeg.hpp"

namespace neuro::bench::http_bench {
namespace {

void BM_Health(benchmark::State& state) {
  auto client = client_or_skip(state);
  if (!client) return;
  const Request request = client->make(http::verb::get, "/health");
  timed_loop(state, [&] {
    const Response r = client->send(request);
    expect(r, 200, "GET /health");
  });
}

void BM_SessionsList(benchmark::State& state) {
  auto client = client_or_skip(state);
  if (!client) return;
  const Request request = client->make(http::verb::get, "/api/v2/sessions?limit=50&offset=0");
  timed_loop(state, [&] {
    const Response r = client->send(request);
    expect(r, 200, "GET /api/v2/sessions");
    if (!nlohmann::json::parse(r.body).at("sessions").is_array())
      throw std::runtime_error("GET /api/v2/sessions: 'sessions' is not an array");
  });
}

// GET `suffix` of the benchmarks' session (bench_session_id).
void session_route(benchmark::State& state, const std::string& suffix, const char* key) {
  auto client = client_or_skip(state);
  if (!client) return;
  std::string id;
  try {
    id = bench_session_id(*client);
  } catch (const std::exception& e) {
    skip_with(state, e);
    return;
  }
  const std::string target = "/api/v2/sessions/" + id + suffix;
  const Request request = client->make(http::verb::get, target);
  timed_loop(state, [&] {
    const Response r = client->send(request);
    expect(r, 200, "GET " + target);
    if (!nlohmann::json::parse(r.body).contains(key))
      throw std::runtime_error("GET " + target + ": no '" + key + "' in the answer");
  });
}

void BM_SessionDetail(benchmark::State& state) { session_route(state, "", "id"); }
void BM_SessionData(benchmark::State& state) { session_route(state, "/data?limit=100", "chunks"); }

void BM_PatientCreate(benchmark::State& state) {
  auto client = client_or_skip(state);
  if (!client) return;
  int n = 0;
  timed_loop(state, [&] {
    const nlohmann::json body = {{"name", "bench_http patient " + std::to_string(n)},
                                 {"dob", "1980-01-01"},
                                 {"mrn", "BH" + std::to_string(n++)}};
    const Response r = client->send(
        client->make(http::verb::post, "/api/v2/patients", body.dump(), "application/json"));
    expect(r, 201, "POST /api/v2/patients");
    if (!nlohmann::json::parse(r.body).at("id").is_string())
      throw std::runtime_error("POST /api/v2/patients: 'id' is not a string");
  });
}

// One 8 x 250 float32 example (synthetic EEG) as application/octet-stream.
void BM_Inference(benchmark::State& state, const char* model) {
  auto client = client_or_skip(state);
  if (!client) return;
  const auto block = common::make_synthetic_eeg(8, 250.0, 1.0, 7);
  std::string body(std::size_t{8} * 250 * sizeof(float), '\0');
  auto* out = reinterpret_cast<float*>(body.data());
  for (std::size_t ch = 0; ch < 8; ++ch)
    for (std::size_t i = 0; i < 250; ++i) *out++ = block.at(ch, i);
  const std::string target = std::string("/api/v2/inference/") + model;
  const Request request =
      client->make(http::verb::post, target, std::move(body), "application/octet-stream");
  timed_loop(state, [&] {
    const Response r = client->send(request);
    expect(r, 200, "POST " + target);
    if (nlohmann::json::parse(r.body).at("predictions").size() != 1)
      throw std::runtime_error("POST " + target + ": expected one prediction");
  });
}

void defaults(benchmark::internal::Benchmark* b) {
  b->UseManualTime()->Unit(benchmark::kMicrosecond);
  fixed_iterations_from_env(b);
}

BENCHMARK(BM_Health)->Apply(defaults);
BENCHMARK(BM_SessionsList)->Apply(defaults);
BENCHMARK(BM_SessionDetail)->Apply(defaults);
BENCHMARK(BM_SessionData)->Apply(defaults);
BENCHMARK(BM_PatientCreate)->Apply(defaults);
BENCHMARK_CAPTURE(BM_Inference, movement, "movement")->Apply(defaults);

}  // namespace
}  // namespace neuro::bench::http_bench
