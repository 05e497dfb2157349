// The design follows scipy.signal step by step (buttap -> lp2bp_zpk -> bilinear_zpk -> zpk2sos
// with pairing='nearest'), including its ordering rules, so that the sections, not just the
// overall response, equal scipy's: users compare coefficient tables.
#include "engine/dsp/filter_design.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <numeric>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::dsp {
namespace {

using Complex = std::complex<double>;
using base::InvalidArgument;
constexpr double kPi = std::numbers::pi;

struct Zpk {
  std::vector<Complex> zeros;
  std::vector<Complex> poles;
  double gain = 1.0;
};

// scipy.signal._cplxreal: one element (positive imaginary part) per conjugate pair, sorted by
// real part then |imag|, followed by the real values sorted.
std::vector<Complex> conjugate_halves_then_reals(std::vector<Complex> values) {
  const double tol = 100.0 * std::numeric_limits<double>::epsilon();
  std::stable_sort(values.begin(), values.end(), [](Complex a, Complex b) {
    if (a.real() != b.real()) return a.real() < b.real();
    return std::abs(a.imag()) < std::abs(b.imag());
  });
  std::vector<Complex> reals, upper, lower;
  for (const Complex v : values) {
    if (std::abs(v.imag()) <= tol * std::abs(v)) {
      reals.emplace_back(v.real(), 0.0);
    } else {
      (v.imag() > 0 ? upper : lower).push_back(v);
    }
  }
  if (upper.size() != lower.size()) {
    throw InvalidArgument("filter design: complex values without conjugates");
  }
  // Runs of (nearly) equal real part are ordered by |imag| (scipy does the same).
  auto sort_runs = [tol](std::vector<Complex>& half, const std::vector<Complex>& key) {
    std::size_t start = 0;
    while (start < half.size()) {
      std::size_t stop = start + 1;
      while (stop < half.size() &&
             key[stop].real() - key[stop - 1].real() <= tol * std::abs(key[stop - 1])) {
        ++stop;
      }
      std::stable_sort(half.begin() + static_cast<std::ptrdiff_t>(start),
                       half.begin() + static_cast<std::ptrdiff_t>(stop), [](Complex a, Complex b) {
                         return std::abs(a.imag()) < std::abs(b.imag());
                       });
      start = stop;
    }
  };
  const std::vector<Complex> key = upper;
  sort_runs(upper, key);
  sort_runs(lower, key);
  std::vector<Complex> result;
  for (std::size_t i = 0; i < upper.size(); ++i) {
    result.push_back((upper[i] + std::conj(lower[i])) / 2.0);
  }
  result.insert(result.end(), reals.begin(), reals.end());
  return result;
}

bool is_real(Complex v) { return v.imag() == 0.0; }

// scipy.signal._nearest_real_complex_idx: nearest value to `to`, optionally only real or only
// complex ones; ties go to the earlier element (numpy's sort is stable at these sizes).
std::size_t nearest_index(const std::vector<Complex>& from, Complex to, char which) {
  std::vector<std::size_t> order(from.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::abs(from[a] - to) < std::abs(from[b] - to);
  });
  for (const std::size_t i : order) {
    if (which == 'a' || (which == 'r') == is_real(from[i])) return i;
  }
  throw InvalidArgument("filter design: no zero to pair with a pole");
}

Complex take(std::vector<Complex>& values, std::size_t index) {
  const Complex v = values[index];
  values.erase(values.begin() + static_cast<std::ptrdiff_t>(index));
  return v;
}

SosSection section_from_roots(Complex z1, Complex z2, Complex p1, Complex p2, double gain) {
  // poly([r1, r2]) = [1, -(r1 + r2), r1 r2]; conjugate or real pairs give real coefficients.
  return {gain, -gain * (z1 + z2).real(), gain * (z1 * z2).real(),
          1.0,  -(p1 + p2).real(),        (p1 * p2).real()};
}

// scipy.signal.zpk2sos(z, p, k, pairing='nearest') for an equal, even number of poles and zeros
// (true of every band-pass design): the pole nearest the unit circle is paired first with its
// nearest zeros, and the sections are returned in reverse order so the sharpest come last.
SosCoefficients zpk_to_sos(const Zpk& zpk) {
  const std::size_t sections = (std::max(zpk.poles.size(), zpk.zeros.size()) + 1) / 2;
  auto poles = conjugate_halves_then_reals(zpk.poles);
  auto zeros = conjugate_halves_then_reals(zpk.zeros);
  struct Pairing {
    Complex z1, z2, p1, p2;
  };
  std::vector<Pairing> pairs;
  for (std::size_t si = 0; si < sections; ++si) {
    std::size_t p1_index = 0;
    for (std::size_t i = 1; i < poles.size(); ++i) {
      if (std::abs(1.0 - std::abs(poles[i])) < std::abs(1.0 - std::abs(poles[p1_index]))) {
        p1_index = i;
      }
    }
    const Complex p1 = take(poles, p1_index);
    const auto real_poles_left = std::count_if(poles.begin(), poles.end(), is_real);
    const auto real_zeros_left = std::count_if(zeros.begin(), zeros.end(), is_real);
    Pairing pair{};
    if (is_real(p1) && real_poles_left == 0) {
      // Last remaining real pole: a first-order section.
      pair = {take(zeros, nearest_index(zeros, p1, 'r')), 0.0, p1, 0.0};
    } else if (poles.size() + 1 == zeros.size() && !is_real(p1) && real_poles_left == 1 &&
               real_zeros_left == 1) {
      // One real pole and one real zero left: this pole must take a complex zero.
      const Complex z1 = take(zeros, nearest_index(zeros, p1, 'c'));
      pair = {z1, std::conj(z1), p1, std::conj(p1)};
    } else {
      Complex p2 = std::conj(p1);
      if (is_real(p1)) {
        std::size_t best = poles.size();
        for (std::size_t i = 0; i < poles.size(); ++i) {
          if (!is_real(poles[i])) continue;
          if (best == poles.size() ||
              std::abs(std::abs(poles[i]) - 1.0) < std::abs(std::abs(poles[best]) - 1.0)) {
            best = i;
          }
        }
        p2 = take(poles, best);
      }
      const Complex z1 = take(zeros, nearest_index(zeros, p1, 'a'));
      if (!is_real(z1)) {
        pair = {z1, std::conj(z1), p1, p2};
      } else {
        const Complex z2 = zeros.empty() ? 0.0 : take(zeros, nearest_index(zeros, p1, 'r'));
        pair = {z1, z2, p1, p2};
      }
    }
    pairs.push_back(pair);
  }
  std::reverse(pairs.begin(), pairs.end());
  SosCoefficients sos;
  for (std::size_t si = 0; si < pairs.size(); ++si) {
    const auto& p = pairs[si];
    sos.push_back(section_from_roots(p.z1, p.z2, p.p1, p.p2, si == 0 ? zpk.gain : 1.0));
  }
  return sos;
}

// scipy.signal.buttap: analog prototype poles on the unit circle's left half.
Zpk butterworth_prototype(int order) {
  Zpk zpk;
  for (int m = -order + 1; m < order; m += 2) {
    zpk.poles.push_back(-std::exp(Complex(0.0, kPi * m / (2.0 * order))));
  }
  return zpk;
}

// scipy.signal.lp2bp_zpk.
Zpk lowpass_to_bandpass(const Zpk& lp, double wo, double bw) {
  Zpk bp;
  const auto degree = lp.poles.size() - lp.zeros.size();
  auto transform = [&](const std::vector<Complex>& roots, std::vector<Complex>& out) {
    std::vector<Complex> plus, minus;
    for (const Complex r : roots) {
      const Complex scaled = r * (bw / 2.0);
      const Complex root = std::sqrt(scaled * scaled - wo * wo);
      plus.push_back(scaled + root);
      minus.push_back(scaled - root);
    }
    out.insert(out.end(), plus.begin(), plus.end());
    out.insert(out.end(), minus.begin(), minus.end());
  };
  transform(lp.zeros, bp.zeros);
  transform(lp.poles, bp.poles);
  bp.zeros.insert(bp.zeros.end(), degree, Complex(0.0, 0.0));
  bp.gain = lp.gain * std::pow(bw, static_cast<double>(degree));
  return bp;
}

// scipy.signal.bilinear_zpk.
Zpk bilinear(const Zpk& analog, double fs) {
  Zpk digital;
  const double fs2 = 2.0 * fs;
  const auto degree = analog.poles.size() - analog.zeros.size();
  Complex numerator = 1.0, denominator = 1.0;
  for (const Complex z : analog.zeros) {
    digital.zeros.push_back((fs2 + z) / (fs2 - z));
    numerator *= fs2 - z;
  }
  for (const Complex p : analog.poles) {
    digital.poles.push_back((fs2 + p) / (fs2 - p));
    denominator *= fs2 - p;
  }
  digital.zeros.insert(digital.zeros.end(), degree, Complex(-1.0, 0.0));
  digital.gain = analog.gain * (numerator / denominator).real();
  return digital;
}

std::string hz(double v) { return std::to_string(v) + " Hz"; }

}  // namespace

SosCoefficients butter_bandpass(int order, double low_hz, double high_hz, double sample_rate_hz) {
  if (order < 1 || order > 16) {
    throw InvalidArgument("butter_bandpass: order must be 1..16, got " + std::to_string(order));
  }
  if (!(sample_rate_hz > 0.0) || !std::isfinite(sample_rate_hz)) {
    throw InvalidArgument("butter_bandpass: sample rate must be positive, got " +
                          hz(sample_rate_hz));
  }
  const double nyquist = sample_rate_hz / 2.0;
  if (!(low_hz > 0.0) || !(low_hz < high_hz) || !(high_hz < nyquist)) {
    throw InvalidArgument("butter_bandpass: need 0 < low < high < Nyquist (" + hz(nyquist) +
                          "), got low " + hz(low_hz) + ", high " + hz(high_hz));
  }
  // Pre-warp the band edges for the bilinear transform at scipy's internal fs = 2.
  const double fs = 2.0;
  const double warped_low = 2.0 * fs * std::tan(kPi * (2.0 * low_hz / sample_rate_hz) / fs);
  const double warped_high = 2.0 * fs * std::tan(kPi * (2.0 * high_hz / sample_rate_hz) / fs);
  const Zpk analog = lowpass_to_bandpass(
      butterworth_prototype(order), std::sqrt(warped_low * warped_high), warped_high - warped_low);
  return zpk_to_sos(bilinear(analog, fs));
}

SosCoefficients iirnotch(double notch_hz, double quality, double sample_rate_hz) {
  if (!(sample_rate_hz > 0.0) || !std::isfinite(sample_rate_hz)) {
    throw InvalidArgument("iirnotch: sample rate must be positive, got " + hz(sample_rate_hz));
  }
  if (!(notch_hz > 0.0) || !(notch_hz < sample_rate_hz / 2.0)) {
    throw InvalidArgument("iirnotch: need 0 < notch < Nyquist (" + hz(sample_rate_hz / 2.0) +
                          "), got " + hz(notch_hz));
  }
  if (!(quality > 0.0) || !std::isfinite(quality)) {
    throw InvalidArgument("iirnotch: quality factor must be positive, got " +
                          std::to_string(quality));
  }
  const double w0 = 2.0 * notch_hz / sample_rate_hz;
  const double bandwidth = w0 / quality * kPi;
  const double gb = 1.0 / std::sqrt(2.0);  // -3 dB
  const double beta = (std::sqrt(1.0 - gb * gb) / gb) * std::tan(bandwidth / 2.0);
  const double gain = 1.0 / (1.0 + beta);
  const double cos_w0 = std::cos(w0 * kPi);
  return {{gain, -2.0 * cos_w0 * gain, gain, 1.0, -2.0 * gain * cos_w0, 2.0 * gain - 1.0}};
}

void validate_sos(const SosCoefficients& sos, const char* who) {
  if (sos.empty()) throw InvalidArgument(std::string(who) + ": no filter sections");
  for (std::size_t s = 0; s < sos.size(); ++s) {
    for (const double c : sos[s]) {
      if (!std::isfinite(c)) {
        throw InvalidArgument(std::string(who) + ": section " + std::to_string(s) +
                              " has a non-finite coefficient");
      }
    }
    if (sos[s][3] != 1.0) {
      throw InvalidArgument(std::string(who) + ": section " + std::to_string(s) +
                            " must have a0 == 1, got " + std::to_string(sos[s][3]));
    }
  }
}

}  // namespace neuro::dsp
