// IIR filter design as second-order sections, coefficient for coefficient equal to scipy.signal:
// butter(N, [lo, hi], btype='band', fs=fs, output='sos') and iirnotch(w0, Q, fs).
#pragma once

#include <array>
#include <vector>

namespace neuro::dsp {

// One biquad: b0 b1 b2 a0 a1 a2, with a0 == 1 (scipy's sos row layout).
using SosSection = std::array<double, 6>;
using SosCoefficients = std::vector<SosSection>;

// Butterworth band-pass of order `order` (2 * order poles, `order` sections), pass band
// [low_hz, high_hz]. Throws InvalidArgument unless 1 <= order <= 16 and
// 0 < low_hz < high_hz < sample_rate_hz / 2.
SosCoefficients butter_bandpass(int order, double low_hz, double high_hz, double sample_rate_hz);

// Second-order IIR notch at notch_hz with quality factor q (-3 dB width notch_hz / q), as one
// section. Throws InvalidArgument unless 0 < notch_hz < sample_rate_hz / 2 and q > 0.
SosCoefficients iirnotch(double notch_hz, double quality, double sample_rate_hz);

// Throws InvalidArgument naming `who` unless sos is non-empty, finite and every a0 == 1.
void validate_sos(const SosCoefficients& sos, const char* who);

}  // namespace neuro::dsp
