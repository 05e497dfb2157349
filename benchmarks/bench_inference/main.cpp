// bench_inference's entry point: registers the benchmarks (the TorchScript one only when
// NEUROPERF_TORCHSCRIPT names a file), or, with NEUROPERF_ML_EXPORT_DIR set, writes the
// benchmarked models' weights there and exits (scripts/anchors/inference_torch.py loads them so
// PyTorch in Python runs the very same model). It keeps freed memory in the process
// (ml::retain_freed_memory) as the engine's server does; NEUROPERF_ML_MALLOC_DEFAULTS=1 measures
// with glibc's defaults instead.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "benchmarks/bench_inference/inference_data.hpp"
#include "engine/base/errors.hpp"
#include "engine/ml/decoders.hpp"
#include "engine/ml/model.hpp"

namespace neuro::bench {
void register_model_benchmarks(bool with_user_model);
void register_concurrent_benchmarks();
}  // namespace neuro::bench

int main(int argc, char** argv) {
  using namespace neuro;
  // libgomp's threads spin between parallel regions by default; on 2 vCPUs shared with other
  // work a spinning thread holds the core its partner needs and 2-thread calls took 20-40x
  // longer (EEGNet batch 1: 17.7 ms instead of 0.43 ms). libgomp reads the policy when it is
  // loaded, before main: set it and run this program again. An explicit setting is kept.
  if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
    setenv("OMP_WAIT_POLICY", "passive", 1);
    execv("/proc/self/exe", argv);
    std::cerr << "bench_inference: warning: could not re-run with OMP_WAIT_POLICY=passive\n";
  }
  const char* malloc_defaults = std::getenv("NEUROPERF_ML_MALLOC_DEFAULTS");
  if (!(malloc_defaults && std::string(malloc_defaults) == "1") && !ml::retain_freed_memory()) {
    std::cerr << "bench_inference: warning: glibc refused the malloc settings\n";
  }
  try {
    if (const char* dir = std::getenv("NEUROPERF_ML_EXPORT_DIR"); dir && *dir) {
      const std::filesystem::path out(dir);
      dynamic_cast<const ml::MovementDecoder&>(bench::model_named("movement_decoder"))
          .save(out / "movement_decoder.pt");
      dynamic_cast<const ml::EmotionClassifier&>(bench::model_named("emotion_classifier"))
          .save(out / "emotion_classifier.pt");
      return 0;
    }
    const char* user = std::getenv("NEUROPERF_TORCHSCRIPT");
    const bool with_user = user && *user;
    if (with_user) (void)bench::model_named("torchscript");  // load now: a bad file is exit 2
    bench::register_model_benchmarks(with_user);
    bench::register_concurrent_benchmarks();
  } catch (const base::Error& e) {
    std::cerr << "bench_inference: " << e.what() << '\n';
    return base::to_int(e.code());
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return base::to_int(base::ExitCode::kBadInput);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
