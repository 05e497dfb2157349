// bench_video's entry: registers the benchmarks for the configured video lengths, and
// `--print-videos` generates the cached videos and prints their paths (what the OpenCV anchor
// reads).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <iostream>

#include "benchmarks/bench_video/video_cache.hpp"
#include "engine/base/errors.hpp"
#include "engine/video/av_handles.hpp"

namespace neuro::bench {
void register_decode_benchmarks(int seconds);
void register_session_benchmarks(const std::vector<int>& seconds);
}  // namespace neuro::bench

int main(int argc, char** argv) {
  using namespace neuro;
  video::quiet_ffmpeg_logs();
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0) {
      std::cout << "usage: bench_video [--print-videos | Google Benchmark flags]\n"
                   "  --print-videos  generate the cached videos (NEUROPERF_VIDEO_SECONDS, cache "
                   "NEUROPERF_VIDEO_CACHE) and print their paths\n\n";
    }
  }
  try {
    const std::vector<int> seconds = bench::video_seconds();
    if (argc == 2 && std::strcmp(argv[1], "--print-videos") == 0) {
      for (int s : seconds) std::cout << bench::cached_video(s, "mpeg4") << '\n';
      return 0;
    }
    bench::register_decode_benchmarks(*std::min_element(seconds.begin(), seconds.end()));
    bench::register_session_benchmarks(seconds);
  } catch (const base::Error& e) {
    std::cerr << "bench_video: " << e.what() << '\n';
    return base::to_int(e.code());
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return base::to_int(base::ExitCode::kBadInput);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
