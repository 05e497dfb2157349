// bench_video's entry: registers the benchmarks for the configured video lengths, and
// `--print-videos` generates the cached videos and prints their paths (what the OpenCV anchor
// reads).
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>

#include "benchmarks/bench_video/video_cache.hpp"
#include "engine/common/errors.hpp"
#include "engine/video/av_handles.hpp"

namespace neuro::bench {
void register_decode_benchmarks(int seconds);
void register_session_benchmarks(const std::vector<int>& seconds);
}  // namespace neuro::bench

int main(int argc, char** argv) {
  using namespace neuro;
  video::quiet_ffmpeg_logs();
  try {
    const std::vector<int> seconds = bench::video_seconds();
    if (argc == 2 && std::strcmp(argv[1], "--print-videos") == 0) {
      for (int s : seconds) std::cout << bench::cached_video(s, "mpeg4") << '\n';
      return 0;
    }
    bench::register_decode_benchmarks(*std::min_element(seconds.begin(), seconds.end()));
    bench::register_session_benchmarks(seconds);
  } catch (const common::Error& e) {
    std::cerr << "bench_video: " << e.what() << '\n';
    return common::to_int(e.code());
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return common::to_int(common::ExitCode::kBadInput);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
