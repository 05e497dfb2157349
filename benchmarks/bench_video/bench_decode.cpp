// Decoding alone (MPEG-4 Part 2 and H.264, 1 and 2 decoder threads) and the detector alone on
// frames held in memory.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>

#include "benchmarks/bench_video/process_stats.hpp"
#include "benchmarks/bench_video/video_cache.hpp"
#include "benchmarks/common/fixed_iterations.hpp"
#include "benchmarks/common/latency_counters.hpp"
#include "engine/video/decoder.hpp"
#include "engine/video/detector.hpp"
#include "engine/video/generator.hpp"

namespace neuro::bench {
namespace {

using Clock = std::chrono::steady_clock;

void BM_Decode(benchmark::State& state, const std::string& encoder, int seconds, int threads) {
  if (!video::has_encoder(encoder)) {
    state.SkipWithError(("this libavcodec has no " + encoder + " encoder").c_str());
    return;
  }
  const std::string path = cached_video(seconds, encoder);
  std::int64_t frames = 0;
  double fps = 30.0;
  base::LatencyHistogram latency;
  const double cpu_before = process_cpu_seconds();
  for (auto _ : state) {
    video::Decoder decoder(path, video::DecoderOptions{threads});
    fps = decoder.info().fps;
    video::FrameView frame;
    auto before = Clock::now();
    while (decoder.next(frame)) {
      benchmark::DoNotOptimize(frame.luma[0]);
      const auto after = Clock::now();
      latency.record(std::chrono::duration_cast<std::chrono::nanoseconds>(after - before).count());
      before = after;
    }
    frames += decoder.frames_decoded();
  }
  // Every decoder thread's CPU, so the per-core rate holds for 2 threads too.
  state.counters["frames_per_cpu_second"] =
      static_cast<double>(frames) / (process_cpu_seconds() - cpu_before);
  state.counters["frames_per_second"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
  state.counters["realtime_factor"] =
      benchmark::Counter(static_cast<double>(frames) / fps, benchmark::Counter::kIsRate);
  set_latency_counters(state, latency, "frame");
}

// Luma of the first frames, copied out of the decoder: the detector then runs on memory only.
struct HeldFrames {
  int width = 0, height = 0;
  std::vector<std::vector<std::uint8_t>> luma;
};

HeldFrames hold_frames(const std::string& path, int count) {
  HeldFrames held;
  video::Decoder decoder(path);
  held.width = decoder.info().width;
  held.height = decoder.info().height;
  video::FrameView f;
  while (static_cast<int>(held.luma.size()) < count && decoder.next(f)) {
    std::vector<std::uint8_t> plane(static_cast<std::size_t>(f.width) * f.height);
    for (int r = 0; r < f.height; ++r) {
      std::memcpy(plane.data() + static_cast<std::size_t>(r) * f.width,
                  f.luma + static_cast<std::ptrdiff_t>(r) * f.luma_stride, f.width);
    }
    held.luma.push_back(std::move(plane));
  }
  return held;
}

void BM_Detect(benchmark::State& state, int seconds) {
  const HeldFrames held = hold_frames(cached_video(seconds, "mpeg4"), 60);
  video::DetectorOptions options;
  options.warmup_frames = 30;  // learnt here, outside the timed loop
  video::MotionDetector detector(held.width, held.height, options);
  std::vector<video::DetectionEvent> events;
  std::int64_t index = 0;
  const auto view = [&](std::size_t k) {
    return video::FrameView{
        held.luma[k].data(), held.width, held.width, held.height, index++, 0, nullptr};
  };
  for (std::size_t k = 0; k < 30; ++k) detector.push(view(k), events);
  base::LatencyHistogram latency;
  std::int64_t frames = 0;
  std::size_t k = 0;
  for (auto _ : state) {
    events.clear();
    const auto before = Clock::now();
    detector.push(view(k), events);
    latency.record(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - before).count());
    benchmark::DoNotOptimize(events.data());
    k = (k + 1) % held.luma.size();
    ++frames;
  }
  state.counters["frames_per_second"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
  state.counters["realtime_factor"] =
      benchmark::Counter(static_cast<double>(frames) / 30.0, benchmark::Counter::kIsRate);
  set_latency_counters(state, latency, "frame");
}

}  // namespace

void register_decode_benchmarks(int seconds) {
  for (const char* encoder : {"mpeg4", "libx264"}) {
    for (int threads : {1, 2}) {
      const std::string name = std::string("BM_Decode/") +
                               (std::strcmp(encoder, "mpeg4") == 0 ? "mpeg4" : "h264") + "/" +
                               std::to_string(seconds) + "s/threads:" + std::to_string(threads);
      benchmark::RegisterBenchmark(name.c_str(), BM_Decode, std::string(encoder), seconds, threads)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Apply(fixed_iterations_from_env);
    }
  }
  benchmark::RegisterBenchmark("BM_Detect/720p", BM_Detect, seconds)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime()
      ->Apply(fixed_iterations_from_env);
}

}  // namespace neuro::bench
