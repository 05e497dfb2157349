// The documents' upload and analysis workflow. Upload: multipart session_id, data (64 channels
// at 1 kHz, float32 channel-major, 1 s = 256 KB or 60 s = 15.4 MB) and metadata; an iteration
// is one POST /api/v2/data/upload until its 200 (the server answers once the bytes are durable).
// The ingest jobs those uploads start are waited for after the timed loop, so the next
// benchmark does not share the machine with them. Analysis: POST /api/v2/analysis
// (spectral_analysis of the benchmarks' session) until GET /api/v2/analysis/{id} says completed,
// polled every millisecond.
#include <benchmark/benchmark.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "benchmarks/bench_http/http_env.hpp"
#include "benchmarks/common/fixed_iterations.hpp"
#include "engine/common/synthetic_eeg.hpp"

namespace neuro::bench::http_bench {
namespace {

using namespace std::chrono_literals;

constexpr int kUploadChannels = 64;
constexpr double kUploadRateHz = 1000.0;

// Polls GET `target` until "status" is completed (returns the JSON) or failed (throws).
nlohmann::json wait_completed(HttpClient& client, const std::string& target,
                              std::chrono::milliseconds poll, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  const Request request = client.make(http::verb::get, target);
  for (;;) {
    const Response r = client.send(request);
    expect(r, 200, "GET " + target);
    auto j = nlohmann::json::parse(r.body);
    const std::string status = j.value("status", "");
    if (status == "completed") return j;
    if (status == "failed") {
      throw std::runtime_error("GET " + target + ": failed: " + j.value("error", std::string()));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(
          std::string("GET ").append(target).append(": still '").append(status) + "' after " +
          std::to_string(limit.count()) + " s");
    }
    std::this_thread::sleep_for(poll);
  }
}

void BM_Upload(benchmark::State& state) {
  const double seconds = static_cast<double>(state.range(0));
  auto client = client_or_skip(state);
  if (!client) return;
  const auto block = common::make_synthetic_eeg(kUploadChannels, kUploadRateHz, seconds, 11);
  const std::string data(reinterpret_cast<const char*>(block.data()),
                         block.channels() * block.samples() * sizeof(float));
  const std::string session = "bench_http_upload_" + std::to_string(state.range(0)) + "s";
  const nlohmann::json metadata = {
      {"channels", kUploadChannels}, {"sample_rate", kUploadRateHz}, {"duration", seconds}};
  const std::string boundary = "neuroperf-bench-http-boundary";
  const Request request = client->make(http::verb::post, "/api/v2/data/upload",
                                       multipart_body({{"session_id", session, ""},
                                                       {"data", data, "application/octet-stream"},
                                                       {"metadata", metadata.dump(), ""}},
                                                      boundary),
                                       "multipart/form-data; boundary=" + boundary);
  std::vector<std::string> jobs;
  timed_loop(
      state,
      [&] {
        const Response r = client->send(request);
        expect(r, 200, "POST /api/v2/data/upload");
        jobs.push_back(nlohmann::json::parse(r.body).at("job_id").get<std::string>());
      },
      /*warm_up=*/false);
  state.counters["bytes_per_upload"] = static_cast<double>(data.size());
  try {
    for (const auto& job : jobs) wait_completed(*client, "/api/v2/jobs/" + job, 20ms, 300s);
  } catch (const std::exception& e) {
    skip_with(state, e);
  }
}

void BM_AnalysisToCompleted(benchmark::State& state) {
  auto client = client_or_skip(state);
  if (!client) return;
  std::string session;
  try {
    session = bench_session_id(*client);
  } catch (const std::exception& e) {
    skip_with(state, e);
    return;
  }
  const nlohmann::json body = {{"session_id", session},
                               {"analyses", {{{"type", "spectral_analysis"}}}}};
  const Request request =
      client->make(http::verb::post, "/api/v2/analysis", body.dump(), "application/json");
  timed_loop(state, [&] {
    const Response r = client->send(request);
    expect(r, 202, "POST /api/v2/analysis");
    const std::string id = nlohmann::json::parse(r.body).at("job_id").get<std::string>();
    const auto done = wait_completed(*client, "/api/v2/analysis/" + id, 1ms, 60s);
    if (!done.contains("results"))
      throw std::runtime_error("GET /api/v2/analysis/" + id + ": completed without results");
  });
}

void defaults(benchmark::internal::Benchmark* b) {
  b->UseManualTime()->Unit(benchmark::kMillisecond);
  fixed_iterations_from_env(b);
}

BENCHMARK(BM_Upload)->ArgName("seconds")->Arg(1)->Arg(60)->Apply(defaults);
BENCHMARK(BM_AnalysisToCompleted)->Apply(defaults);

}  // namespace
}  // namespace neuro::bench::http_bench
