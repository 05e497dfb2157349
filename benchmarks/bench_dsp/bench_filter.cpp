// Filtering benchmarks: zero-phase band-pass (0.5-50 Hz, order 4: the usual EEG pre-processing
// band) over whole blocks, and the streaming filter on 100 ms packets of each device profile
// (per-packet latency).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "benchmarks/bench_dsp/bench_data.hpp"
#include "benchmarks/common/fixed_iterations.hpp"
#include "engine/common/device_profiles.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "engine/dsp/streaming_filter.hpp"
#include "engine/dsp/zero_phase.hpp"

namespace neuro::bench {
namespace {

// Args: channels, samples (at 1 kHz), threads.
void BM_ZeroPhaseBandpass(benchmark::State& state) {
  const auto channels = static_cast<std::size_t>(state.range(0));
  const auto samples = static_cast<std::size_t>(state.range(1));
  const int threads = static_cast<int>(state.range(2));
  const auto& in = eeg_block(channels, samples);
  const dsp::ZeroPhaseFilter filter(
      dsp::butter_bandpass(dsp::kDefaultOrder, dsp::kDefaultLowHz, dsp::kDefaultHighHz, 1000.0));
  common::SignalBlock out(channels, samples, 1000.0);
  for (auto _ : state) {
    filter.apply(in, out, threads);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_dsp_counters(state, channels, samples);
}
BENCHMARK(BM_ZeroPhaseBandpass)
    ->Args({32, 30000, 1})
    ->Args({32, 30000, 2})
    ->Args({64, 600000, 1})
    ->Args({64, 600000, 2})
    ->Apply(dsp_block_defaults);

// One 100 ms packet per iteration through a streaming filter that carries state; the time per
// iteration is the per-packet latency, and p50/p99 come from timing each packet.
void BM_StreamingBandpass(benchmark::State& state, const common::DeviceProfile& profile) {
  const auto packet_samples = static_cast<std::size_t>(std::lround(profile.sample_rate_hz / 10.0));
  const auto stream_block = common::make_synthetic_eeg(common::options_for(profile, 10.0));
  const std::size_t packets = stream_block.samples() / packet_samples;
  std::vector<common::SignalBlock> inputs;
  for (std::size_t p = 0; p < packets; ++p) {
    common::SignalBlock packet(profile.channels, packet_samples, profile.sample_rate_hz);
    for (std::size_t c = 0; c < profile.channels; ++c) {
      std::copy_n(stream_block.channel(c).data() + p * packet_samples, packet_samples,
                  packet.channel(c).data());
    }
    inputs.push_back(std::move(packet));
  }
  dsp::StreamingFilter filter(
      dsp::butter_bandpass(dsp::kDefaultOrder, dsp::kDefaultLowHz,
                           std::min(dsp::kDefaultHighHz, profile.sample_rate_hz / 2.0 - 1.0),
                           profile.sample_rate_hz),
      profile.channels);
  common::SignalBlock out(profile.channels, packet_samples, profile.sample_rate_hz);
  std::vector<double> latencies_us;
  latencies_us.reserve(1 << 20);
  std::size_t next = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    filter.process(inputs[next], out);
    benchmark::DoNotOptimize(out.data());
    const auto stop = std::chrono::steady_clock::now();
    if (latencies_us.size() < latencies_us.capacity()) {
      latencies_us.push_back(std::chrono::duration<double, std::micro>(stop - start).count());
    }
    next = next + 1 == inputs.size() ? 0 : next + 1;
  }
  set_dsp_counters(state, profile.channels, packet_samples);
  if (!latencies_us.empty()) {
    auto percentile = [&](double q) {
      const auto k = static_cast<std::size_t>(q * static_cast<double>(latencies_us.size() - 1));
      std::nth_element(latencies_us.begin(), latencies_us.begin() + static_cast<long>(k),
                       latencies_us.end());
      return latencies_us[k];
    };
    state.counters["packet_p50_us"] = percentile(0.50);
    state.counters["packet_p99_us"] = percentile(0.99);
  }
}

const bool kStreamingRegistered = [] {
  for (const auto& profile : common::kDeviceProfiles) {
    benchmark::RegisterBenchmark(("BM_StreamingBandpass/" + std::string(profile.name)).c_str(),
                                 BM_StreamingBandpass, profile)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime()
        ->Apply(fixed_iterations_from_env);
  }
  return true;
}();

}  // namespace
}  // namespace neuro::bench
