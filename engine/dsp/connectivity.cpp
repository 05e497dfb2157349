// Correlation via a chunked double-precision rank update; coherence from segment spectra kept
// once per channel (planar float, band bins only) and cross-accumulated per pair in double.

// GCC 12 reports -Wmaybe-uninitialized inside Eigen's AVX-512 GEMM kernel (the
// _mm512_undefined_pd of insertf64x4), a known false positive; it is not our code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "engine/dsp/connectivity.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::dsp {
namespace {

void validate_samples(const common::SignalBlock& block, std::string_view function) {
  const std::string where(function);
  if (block.channels() == 0 || block.samples() < 2) {
    throw base::InvalidArgument(where + ": need >= 1 channel and >= 2 samples, got " +
                                std::to_string(block.channels()) + " x " +
                                std::to_string(block.samples()));
  }
}

// Normalizes a lower-triangular covariance into correlations, mirrored to the upper triangle.
Eigen::MatrixXd normalize_covariance(const Eigen::MatrixXd& covariance) {
  const auto channels = covariance.rows();
  Eigen::MatrixXd correlation = Eigen::MatrixXd::Identity(channels, channels);
  for (Eigen::Index i = 0; i < channels; ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      const double scale = std::sqrt(covariance(i, i)) * std::sqrt(covariance(j, j));
      // np.corrcoef clips to [-1, 1] too.
      const double r = scale > 0.0 ? std::clamp(covariance(i, j) / scale, -1.0, 1.0) : 0.0;
      correlation(i, j) = r;
      correlation(j, i) = r;
    }
  }
  return correlation;
}

}  // namespace

Eigen::MatrixXd correlation_matrix(const common::SignalBlock& block) {
  validate_samples(block, "correlation_matrix");
  const auto channels = static_cast<Eigen::Index>(block.channels());
  const std::size_t samples = block.samples();
  Eigen::VectorXd means(channels);
  for (Eigen::Index c = 0; c < channels; ++c) {
    const float* x = block.channel(static_cast<std::size_t>(c)).data();
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (std::size_t i = 0; i < samples; ++i) {
      sum += static_cast<double>(x[i]);
    }
    // Any NaN or infinity makes the sum non-finite: the check costs no extra pass.
    if (!std::isfinite(sum)) {
      detail::throw_non_finite(block, "correlation_matrix");
    }
    means(c) = sum / static_cast<double>(samples);
  }
  // 2048 samples x 64 channels of double is 1 MiB: chunks stay in L2 and memory stays bounded
  // for hour-long blocks. rankUpdate is Eigen's SYRK: half the work of X X^T, and unlike GEMM it
  // does not spread itself over OpenMP threads behind our back.
  constexpr std::size_t kChunkSamples = 2048;
  using RowMajorFloat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const RowMajorFloat> all(block.data(), channels,
                                            static_cast<Eigen::Index>(samples));
  Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(channels, channels);
  Eigen::MatrixXd chunk(channels, static_cast<Eigen::Index>(std::min(samples, kChunkSamples)));
  for (std::size_t start = 0; start < samples; start += kChunkSamples) {
    const auto length = static_cast<Eigen::Index>(std::min(kChunkSamples, samples - start));
    if (length != chunk.cols()) {
      chunk.resize(channels, length);
    }
    chunk = all.middleCols(static_cast<Eigen::Index>(start), length).cast<double>();
    chunk.colwise() -= means;
    covariance.selfadjointView<Eigen::Lower>().rankUpdate(chunk);
  }
  return normalize_covariance(covariance);
}

namespace {

// Segment spectra of every channel over the kept bins, planar so pair loops vectorize over
// bins: re/im[(channel * segments + segment) * kept + j].
struct KeptSpectra {
  std::size_t segments = 0;
  std::size_t first_bin = 0;
  std::size_t kept = 0;
  std::vector<float> re;
  std::vector<float> im;
  std::vector<double> power;  // channel * kept + j: sum_s |X_s|^2
};

KeptSpectra keep_spectra(const common::SignalBlock& block, const detail::WelchSetup& setup,
                         detail::BinRange kept_bins, int threads, std::string_view function) {
  KeptSpectra spectra;
  spectra.segments = detail::welch_segment_count(block.samples(), setup.nperseg);
  spectra.first_bin = kept_bins.begin;
  spectra.kept = kept_bins.size();
  const std::size_t per_channel = spectra.segments * spectra.kept;
  spectra.re.resize(block.channels() * per_channel);
  spectra.im.resize(block.channels() * per_channel);
  spectra.power.assign(block.channels() * spectra.kept, 0.0);
  detail::for_each_channel_spectrum(
      block, setup, threads, function, [&](detail::SegmentSpectrum& spectrum, std::size_t c) {
        const float* x = block.channel(c).data();
        double* power = spectra.power.data() + c * spectra.kept;
        for (std::size_t s = 0; s < spectra.segments; ++s) {
          const float* bin = spectrum.transform(x + s * setup.step)[spectra.first_bin];
          float* re = spectra.re.data() + c * per_channel + s * spectra.kept;
          float* im = spectra.im.data() + c * per_channel + s * spectra.kept;
#pragma omp simd
          for (std::size_t j = 0; j < spectra.kept; ++j) {
            re[j] = bin[2 * j];
            im[j] = bin[2 * j + 1];
            power[j] += static_cast<double>(re[j]) * re[j] + static_cast<double>(im[j]) * im[j];
          }
        }
      });
  return spectra;
}

}  // namespace

BandCoherence band_coherence(const common::SignalBlock& block, const CoherenceOptions& options) {
  constexpr std::string_view kFunction = "band_coherence";
  const detail::WelchSetup setup = detail::make_welch_setup(block, options.welch, kFunction);
  if (options.bands.empty()) {
    throw base::InvalidArgument(std::string(kFunction) + ": bands must not be empty");
  }
  std::vector<detail::BinRange> band_bins;
  detail::BinRange kept{setup.frequencies_hz.size(), 0};
  for (const auto& band : options.bands) {
    band_bins.push_back(detail::band_bins(setup.frequencies_hz, band, kFunction));
    kept.begin = std::min(kept.begin, band_bins.back().begin);
    kept.end = std::max(kept.end, band_bins.back().end);
  }
  const KeptSpectra spectra = keep_spectra(block, setup, kept, options.welch.threads, kFunction);

  const std::size_t channels = block.channels();
  BandCoherence result;
  result.bands.assign(options.bands.begin(), options.bands.end());
  result.channels = channels;
  result.matrices.assign(options.bands.size(),
                         Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(channels),
                                                   static_cast<Eigen::Index>(channels)));
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t i = 0; i < channels; ++i) {
    for (std::size_t j = i + 1; j < channels; ++j) {
      pairs.emplace_back(i, j);
    }
  }
  const std::size_t per_channel = spectra.segments * spectra.kept;
  detail::for_each_range(
      pairs.size(), options.welch.threads, [&](std::size_t begin, std::size_t end) {
        std::vector<double> cross_re(spectra.kept);
        std::vector<double> cross_im(spectra.kept);
        std::vector<double> coherence(spectra.kept);
        for (std::size_t p = begin; p < end; ++p) {
          const auto [a, b] = pairs[p];
          std::fill(cross_re.begin(), cross_re.end(), 0.0);
          std::fill(cross_im.begin(), cross_im.end(), 0.0);
          for (std::size_t s = 0; s < spectra.segments; ++s) {
            const float* xr = spectra.re.data() + a * per_channel + s * spectra.kept;
            const float* xi = spectra.im.data() + a * per_channel + s * spectra.kept;
            const float* yr = spectra.re.data() + b * per_channel + s * spectra.kept;
            const float* yi = spectra.im.data() + b * per_channel + s * spectra.kept;
            double* cr = cross_re.data();
            double* ci = cross_im.data();
#pragma omp simd
            for (std::size_t j = 0; j < spectra.kept; ++j) {
              // X conj(Y)
              cr[j] += static_cast<double>(xr[j]) * yr[j] + static_cast<double>(xi[j]) * yi[j];
              ci[j] += static_cast<double>(xi[j]) * yr[j] - static_cast<double>(xr[j]) * yi[j];
            }
          }
          const double* power_a = spectra.power.data() + a * spectra.kept;
          const double* power_b = spectra.power.data() + b * spectra.kept;
          for (std::size_t j = 0; j < spectra.kept; ++j) {
            const double denominator = power_a[j] * power_b[j];
            coherence[j] =
                denominator > 0.0
                    ? (cross_re[j] * cross_re[j] + cross_im[j] * cross_im[j]) / denominator
                    : 0.0;
          }
          for (std::size_t band = 0; band < band_bins.size(); ++band) {
            double sum = 0.0;
            for (std::size_t k = band_bins[band].begin; k < band_bins[band].end; ++k) {
              sum += coherence[k - spectra.first_bin];
            }
            const double mean = sum / static_cast<double>(band_bins[band].size());
            const auto i = static_cast<Eigen::Index>(a);
            const auto j = static_cast<Eigen::Index>(b);
            result.matrices[band](i, j) = mean;
            result.matrices[band](j, i) = mean;
          }
        }
      });
  return result;
}

}  // namespace neuro::dsp
