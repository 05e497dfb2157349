// Artifact removal (definition in artifacts.hpp). Per-channel work (robust statistics, repair,
// clipping) runs channel-parallel; correlations come from one Gram matrix of median-centred
// float32 data, accumulated in float64 over fixed sample segments so that the thread count never
// changes the summation order.
#include "engine/dsp/artifacts.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "engine/base/errors.hpp"
#include "engine/dsp/parallel.hpp"
#include "engine/dsp/robust_stats.hpp"

namespace neuro::dsp {
namespace {

using base::InvalidArgument;

// Samples per Gram chunk: the centred chunk of 32 channels (128 KiB) stays in L2, and each
// float32 lane sums only 64 products before the partial sum moves to float64.
constexpr std::size_t kGramChunkSamples = 1024;
// Fixed number of partial Gram matrices, independent of the thread count (determinism).
constexpr std::size_t kGramSegments = 8;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Range {
  std::size_t begin;
  std::size_t end;
};

// Part p of [0, count) split into `parts` contiguous, nearly equal ranges.
Range part_of(std::size_t count, std::size_t parts, std::size_t p) {
  return {count * p / parts, count * (p + 1) / parts};
}

// For a float32 x and a float64 bound: x < low <=> x < (least float >= low), and
// x > high <=> x > (greatest float <= high), since no float lies strictly between the bound
// and that float. Infinite results are right too: no finite sample passes them.
float least_float_at_or_above(double bound) {
  const auto f = static_cast<float>(bound);
  return static_cast<double>(f) < bound ? std::nextafter(f, std::numeric_limits<float>::infinity())
                                        : f;
}

float greatest_float_at_or_below(double bound) {
  const auto f = static_cast<float>(bound);
  return static_cast<double>(f) > bound ? std::nextafter(f, -std::numeric_limits<float>::infinity())
                                        : f;
}

[[noreturn]] void fail(const std::string& what) {
  throw InvalidArgument("remove_artifacts: " + what);
}

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

void check_options(const ArtifactOptions& o) {
  const auto positive = [](double v) { return v > 0.0 && std::isfinite(v); };
  if (!positive(o.flat_sd_uv)) {
    fail("options.flat_sd_uv must be positive and finite, got " + number(o.flat_sd_uv));
  }
  if (!positive(o.noisy_z)) {
    fail("options.noisy_z must be positive and finite, got " + number(o.noisy_z));
  }
  if (!(o.min_correlation >= 0.0 && o.min_correlation <= 1.0)) {
    fail("options.min_correlation must be in [0, 1], got " + number(o.min_correlation));
  }
  if (!positive(o.clip_k))
    fail("options.clip_k must be positive and finite, got " + number(o.clip_k));
  if (o.threads < 1) fail("options.threads must be at least 1, got " + std::to_string(o.threads));
}

void check_shape(const common::SignalBlock& block) {
  if (block.empty()) {
    fail("empty block (" + std::to_string(block.channels()) + " channels x " +
         std::to_string(block.samples()) + " samples)");
  }
  if (block.channels() < 2) {
    fail("need at least 2 channels, got " + std::to_string(block.channels()));
  }
  if (block.samples() < 2) fail("need at least 2 samples, got " + std::to_string(block.samples()));
  if (block.samples() > std::numeric_limits<std::uint32_t>::max()) {
    fail(std::to_string(block.samples()) + " samples per channel, at most 2^32 - 1 supported");
  }
}

// Median and robust SD of the listed channels, one scratch per thread. Non-finite channels are
// flagged rather than thrown: an exception must not leave an OpenMP region.
void compute_stats(const common::SignalBlock& block, const std::vector<std::size_t>& channels,
                   int threads, std::vector<RobustStats>& stats, std::vector<char>& finite) {
  const std::size_t groups = std::min<std::size_t>(static_cast<std::size_t>(threads),
                                                   std::max<std::size_t>(channels.size(), 1));
  parallel_for(groups, threads, [&](std::size_t g) {
    SelectionScratch scratch;
    const auto [begin, end] = part_of(channels.size(), groups, g);
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t c = channels[i];
      const auto result = robust_stats_if_finite(block.channel(c), scratch);
      finite[c] = result.has_value() ? 1 : 0;
      if (result) stats[c] = *result;
    }
  });
}

[[noreturn]] void fail_non_finite(const common::SignalBlock& block, std::size_t c) {
  const auto samples = block.channel(c);
  const auto it =
      std::find_if(samples.begin(), samples.end(), [](float v) { return !std::isfinite(v); });
  fail("non-finite sample " + number(*it) + " at channel " + std::to_string(c) + ", sample " +
       std::to_string(it - samples.begin()));
}

// Vectors of float32 for the Gram kernel: 16 lanes where AVX-512 is on, 8 (AVX2/SSE) otherwise.
#if defined(__AVX512F__)
constexpr std::size_t kLanes = 16;
#else
constexpr std::size_t kLanes = 8;
#endif
typedef float FloatVec __attribute__((vector_size(kLanes * sizeof(float))));
constexpr std::size_t kTile = 4;  // 4 x 4 accumulators + 8 operands fit the 32 AVX-512 registers

// gram[i][j] += dot(z_i, z_j) over one chunk for the 4 x 4 tile at (i0, j0). length is a multiple
// of kLanes; the float32 partial sums cover at most kGramChunkSamples / kLanes products each.
void gram_tile(const float* z, std::size_t stride, std::size_t i0, std::size_t j0,
               std::size_t length, double* gram, std::size_t gram_stride) {
  FloatVec acc[kTile][kTile] = {};
  for (std::size_t t = 0; t < length; t += kLanes) {
    FloatVec a[kTile];
    FloatVec b[kTile];
    for (std::size_t r = 0; r < kTile; ++r) {
      // memcpy, not a function returning a vector: that changes the ABI without AVX.
      std::memcpy(&a[r], z + (i0 + r) * stride + t, sizeof(FloatVec));
      std::memcpy(&b[r], z + (j0 + r) * stride + t, sizeof(FloatVec));
    }
    for (std::size_t r = 0; r < kTile; ++r) {
      for (std::size_t q = 0; q < kTile; ++q) acc[r][q] += a[r] * b[q];
    }
  }
  for (std::size_t r = 0; r < kTile; ++r) {
    for (std::size_t q = 0; q < kTile; ++q) {
      float sum = 0.0f;
      for (std::size_t lane = 0; lane < kLanes; ++lane) sum += acc[r][q][lane];
      gram[(i0 + r) * gram_stride + j0 + q] += sum;
    }
  }
}

// |Pearson r| between the listed channels, row-major count x count. Each channel is centred on
// its median in float32 (no cancellation even with DC offsets) and the exact mean is removed in
// float64 afterwards: sum (z_i - zbar_i)(z_j - zbar_j) = G_ij - n zbar_i zbar_j.
std::vector<double> abs_correlations(const common::SignalBlock& block,
                                     const std::vector<std::size_t>& channels,
                                     const std::vector<RobustStats>& stats, int threads) {
  const std::size_t count = channels.size();
  const std::size_t rows = (count + kTile - 1) / kTile * kTile;  // zero rows pad the last tile
  const std::size_t samples = block.samples();
  const std::size_t segments =
      std::min(kGramSegments, (samples + kGramChunkSamples - 1) / kGramChunkSamples);
  std::vector<std::vector<double>> gram(segments, std::vector<double>(rows * rows, 0.0));
  std::vector<std::vector<double>> sums(segments, std::vector<double>(count, 0.0));

  parallel_for(segments, threads, [&](std::size_t s) {
    std::vector<float> centred(rows * kGramChunkSamples, 0.0f);
    const auto [begin, end] = part_of(samples, segments, s);
    for (std::size_t start = begin; start < end; start += kGramChunkSamples) {
      const std::size_t length = std::min(kGramChunkSamples, end - start);
      const std::size_t padded = (length + kLanes - 1) / kLanes * kLanes;
      for (std::size_t i = 0; i < count; ++i) {
        const float* x = block.channel(channels[i]).data() + start;
        const double center = stats[channels[i]].median;
        float* z = centred.data() + i * kGramChunkSamples;
        double sum = 0.0;
#pragma omp simd reduction(+ : sum)
        for (std::size_t t = 0; t < length; ++t) {
          z[t] = static_cast<float>(static_cast<double>(x[t]) - center);
          sum += static_cast<double>(z[t]);
        }
        std::fill(z + length, z + padded, 0.0f);  // zeros add nothing to the dot products
        sums[s][i] += sum;
      }
      for (std::size_t i0 = 0; i0 < rows; i0 += kTile) {
        for (std::size_t j0 = 0; j0 <= i0; j0 += kTile) {
          gram_tile(centred.data(), kGramChunkSamples, i0, j0, padded, gram[s].data(), rows);
        }
      }
    }
  });

  std::vector<double> total(rows * rows, 0.0);
  std::vector<double> sum(count, 0.0);
  for (std::size_t s = 0; s < segments; ++s) {
    for (std::size_t k = 0; k < total.size(); ++k) total[k] += gram[s][k];
    for (std::size_t i = 0; i < count; ++i) sum[i] += sums[s][i];
  }
  const double n = static_cast<double>(samples);
  const auto cov = [&](std::size_t i, std::size_t j) {
    if (j > i) std::swap(i, j);  // only the lower triangle was accumulated
    return total[i * rows + j] - sum[i] * sum[j] / n;
  };
  std::vector<double> result(count * count);
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = 0; j < count; ++j) {
      result[i * count + j] = std::abs(cov(i, j) / std::sqrt(cov(i, i) * cov(j, j)));
    }
  }
  return result;
}

// Steps 2-5 of the definition: fills bad_reasons, noisy_z and max_abs_correlation.
void find_bad_channels(const common::SignalBlock& block, const ArtifactOptions& options,
                       const std::vector<RobustStats>& stats, ArtifactReport& report) {
  const std::size_t channels = block.channels();
  std::vector<std::size_t> usable;
  for (std::size_t c = 0; c < channels; ++c) {
    auto& channel = report.channels[c];
    channel.median_uv = stats[c].median;
    channel.robust_sd_uv = stats[c].robust_sd;
    channel.noisy_z = kNaN;
    channel.max_abs_correlation = kNaN;
    if (stats[c].robust_sd < options.flat_sd_uv) {
      channel.bad_reasons |= kFlat;
    } else {
      usable.push_back(c);
    }
  }
  if (usable.size() < 2) {
    fail("fewer than 2 non-flat channels (" + std::to_string(usable.size()) + " of " +
         std::to_string(channels) +
         " have a robust SD >= flat_sd_uv = " + number(options.flat_sd_uv) + ")");
  }

  SelectionScratch scratch;
  std::vector<double> spreads;
  spreads.reserve(usable.size());
  for (const std::size_t c : usable) spreads.push_back(stats[c].robust_sd);
  const double spread_median = median(std::span<const double>(spreads), scratch);
  for (double& s : spreads) s = std::abs(s - spread_median);
  const double spread_sd = kMadToSd * median(std::span<const double>(spreads), scratch);
  if (spread_sd > 0.0) {
    for (const std::size_t c : usable) {
      auto& channel = report.channels[c];
      channel.noisy_z = (stats[c].robust_sd - spread_median) / spread_sd;
      if (channel.noisy_z > options.noisy_z) channel.bad_reasons |= kNoisy;
    }
  }

  const std::vector<double> corr = abs_correlations(block, usable, stats, options.threads);
  for (std::size_t i = 0; i < usable.size(); ++i) {
    auto& channel = report.channels[usable[i]];
    double largest = 0.0;
    for (std::size_t j = 0; j < usable.size(); ++j) {
      if (j != i) largest = std::max(largest, corr[i * usable.size() + j]);
    }
    channel.max_abs_correlation = largest;
    if (channel.max_abs_correlation < options.min_correlation) channel.bad_reasons |= kUncorrelated;
  }
}

}  // namespace

std::vector<std::size_t> ArtifactReport::bad_channels() const {
  std::vector<std::size_t> bad;
  for (std::size_t c = 0; c < channels.size(); ++c) {
    if (channels[c].bad_reasons != 0) bad.push_back(c);
  }
  return bad;
}

std::size_t ArtifactReport::clipped_samples() const {
  std::size_t total = 0;
  for (const auto& channel : channels) total += channel.clipped_samples;
  return total;
}

std::string bad_reason_names(std::uint8_t reasons) {
  if (reasons == 0) return "good";
  std::string names;
  for (const auto& [bit, name] : {std::pair{kFlat, "flat"}, std::pair{kNoisy, "noisy"},
                                  std::pair{kUncorrelated, "uncorrelated"}}) {
    if ((reasons & bit) == 0) continue;
    if (!names.empty()) names += '+';
    names += name;
  }
  return names;
}

ArtifactReport remove_artifacts(common::SignalBlock& block, const ArtifactOptions& options) {
  check_options(options);
  check_shape(block);
  const std::size_t channels = block.channels();
  const std::size_t samples = block.samples();

  std::vector<std::size_t> all(channels);
  for (std::size_t c = 0; c < channels; ++c) all[c] = c;
  std::vector<RobustStats> stats(channels);
  std::vector<char> finite(channels, 1);
  compute_stats(block, all, options.threads, stats, finite);
  for (std::size_t c = 0; c < channels; ++c) {
    if (!finite[c]) fail_non_finite(block, c);
  }

  ArtifactReport report;
  report.channels.resize(channels);
  find_bad_channels(block, options, stats, report);

  const std::vector<std::size_t> bad = report.bad_channels();
  std::vector<std::size_t> good;
  for (std::size_t c = 0; c < channels; ++c) {
    if (report.channels[c].bad_reasons == 0) good.push_back(c);
  }
  if (good.empty()) fail("every channel is bad, none to repair from");

  // Step 6. Bad channels read only good ones, so the repairs are independent.
  for (const std::size_t c : bad) {
    const auto above = std::upper_bound(good.begin(), good.end(), c);
    auto& channel = report.channels[c];
    if (above != good.begin()) channel.repaired_from_below = *(above - 1);
    if (above != good.end()) channel.repaired_from_above = *above;
  }
  parallel_for(bad.size(), options.threads, [&](std::size_t i) {
    const auto& channel = report.channels[bad[i]];
    float* out = block.channel(bad[i]).data();
    const auto below = channel.repaired_from_below;
    const auto above = channel.repaired_from_above;
    if (!below || !above) {  // an edge: copy the one neighbour there is
      const float* only = block.channel(below ? *below : *above).data();
      std::copy(only, only + samples, out);
      return;
    }
    const float* a = block.channel(*below).data();
    const float* b = block.channel(*above).data();
    for (std::size_t t = 0; t < samples; ++t) {
      out[t] = static_cast<float>((static_cast<double>(a[t]) + static_cast<double>(b[t])) * 0.5);
    }
  });
  compute_stats(block, bad, options.threads, stats, finite);

  // Step 7. The float64 comparisons of the definition are done on float32 thresholds that
  // give the same answers, so the loop runs 16 samples per AVX-512 vector.
  parallel_for(channels, options.threads, [&](std::size_t c) {
    auto& channel = report.channels[c];
    // Rounded before the sums, as in the definition (and numpy): the volatile keeps
    // -ffp-contract=fast, set for this library's filter kernels, from fusing them into FMAs.
    const volatile double spread = options.clip_k * stats[c].robust_sd;
    const double low = stats[c].median - spread;
    const double high = stats[c].median + spread;
    channel.clip_low_uv = low;
    channel.clip_high_uv = high;
    const float below_threshold = least_float_at_or_above(low);
    const float above_threshold = greatest_float_at_or_below(high);
    const auto low_f = static_cast<float>(low);
    const auto high_f = static_cast<float>(high);
    float* x = block.channel(c).data();
    std::uint32_t clipped = 0;  // samples < 2^32: the median refuses more
    for (std::size_t t = 0; t < samples; ++t) {
      const float v = x[t];
      const bool below = v < below_threshold;
      const bool above = v > above_threshold;
      clipped += static_cast<std::uint32_t>(below) + static_cast<std::uint32_t>(above);
      x[t] = below ? low_f : (above ? high_f : v);
    }
    channel.clipped_samples = clipped;
  });
  return report;
}

}  // namespace neuro::dsp
