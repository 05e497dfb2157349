#include "engine/dsp/zero_phase.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"
#include "engine/common/huge_page_allocator.hpp"
#include "engine/dsp/parallel.hpp"

namespace neuro::dsp {
namespace {

std::size_t scipy_padlen(const SosCoefficients& sos) {
  std::size_t zero_b2 = 0, zero_a2 = 0;
  for (const auto& s : sos) {
    zero_b2 += s[2] == 0.0;
    zero_a2 += s[5] == 0.0;
  }
  return 3 * (2 * sos.size() + 1 - std::min(zero_b2, zero_a2));
}

}  // namespace

ZeroPhaseFilter::ZeroPhaseFilter(const SosCoefficients& sos)
    : kernel_(sos), padlen_(scipy_padlen(sos)) {}

common::SignalBlock ZeroPhaseFilter::apply(const common::SignalBlock& in, int threads) const {
  common::SignalBlock out;
  apply(in, out, threads);
  return out;
}

void ZeroPhaseFilter::apply(const common::SignalBlock& in, common::SignalBlock& out,
                            int threads) const {
  if (in.empty()) throw base::InvalidArgument("zero-phase filter: empty signal block");
  if (in.samples() <= padlen_) {
    throw base::InvalidArgument("zero-phase filter: " + std::to_string(in.samples()) +
                                " samples per channel, need more than padlen " +
                                std::to_string(padlen_));
  }
  if (&out != &in && (out.channels() != in.channels() || out.samples() != in.samples() ||
                      out.sample_rate_hz() != in.sample_rate_hz())) {
    out = common::SignalBlock(in.channels(), in.samples(), in.sample_rate_hz());
  }
  const std::size_t groups = (in.channels() + kLanes - 1) / kLanes;
  parallel_for(groups, threads, [&](std::size_t g) { filter_group(in, out, g * kLanes); });
}

// One group of up to kLanes channels: forward pass from the (virtually) extended input into a
// lane-interleaved double buffer, then the backward pass from that buffer straight into `out`.
// The extension is never materialised: it is read from the input by index.
void ZeroPhaseFilter::filter_group(const common::SignalBlock& in, common::SignalBlock& out,
                                   std::size_t first_channel) const {
  const std::size_t n = in.samples();
  const std::size_t edge = padlen_;
  const std::size_t extended = n + 2 * edge;
  const LaneRows rows = lane_rows(in, out, first_channel);
  const std::size_t lanes_used = rows.used;
  const float* const* in_rows = rows.in;
  float* const* out_rows = rows.out;
  const Lanes first = gather(in_rows, 0);
  const Lanes last = gather(in_rows, n - 1);
  const auto& zi = kernel_.unit_step_state();
  const std::size_t sections = kernel_.sections();
  std::vector<Lanes> state(2 * sections);
  // Scratch reused across calls on this thread: a fresh allocation would be page-faulted in on
  // every call (38 MB per group for 64 x 600 s), which costs more than the filtering on a VM.
  // It holds no state between calls: every element read is written first.
  thread_local std::vector<Lanes, common::HugePageAllocator<Lanes>> scratch;
  if (scratch.size() < extended) scratch.resize(extended);
  Lanes* buf = scratch.data();
  auto to_buffer = [buf](std::size_t i, Lanes v) { buf[i] = v; };

  // Forward pass, started from the steady state for the first extended value.
  const Lanes ext0 = 2.0 * first - gather(in_rows, edge);
  for (std::size_t k = 0; k < 2 * sections; ++k) state[k] = zi[k] * ext0;
  for (std::size_t p = 0; p < kernel_.passes(); ++p) {
    const std::size_t s0 = p * kSectionsPerPass;
    const std::size_t count = std::min(kSectionsPerPass, sections - s0);
    Lanes* st = state.data() + 2 * s0;
    if (p > 0) {
      kernel_.run(
          s0, count, st, extended, [buf](std::size_t i) { return buf[i]; }, to_buffer);
      continue;
    }
    kernel_.run(
        s0, count, st, edge, [&](std::size_t i) { return 2.0 * first - gather(in_rows, edge - i); },
        to_buffer);
    kernel_.run(
        s0, count, st, n, [&](std::size_t i) { return gather(in_rows, i); },
        [buf, edge](std::size_t i, Lanes v) { buf[edge + i] = v; });
    kernel_.run(
        s0, count, st, edge, [&](std::size_t i) { return 2.0 * last - gather(in_rows, n - 2 - i); },
        [buf, edge, n](std::size_t i, Lanes v) { buf[edge + n + i] = v; });
  }
  // NaN or infinity anywhere in a channel ends up in its final value; one check per group.
  if (const auto bad = first_non_finite_lane(buf[extended - 1], lanes_used); bad < kLanes) {
    throw base::InvalidArgument("zero-phase filter: channel " +
                                std::to_string(first_channel + bad) +
                                " contains NaN or infinite samples");
  }

  // Backward pass over the reversed forward output, from the steady state for its first value.
  const Lanes y0 = buf[extended - 1];
  for (std::size_t k = 0; k < 2 * sections; ++k) state[k] = zi[k] * y0;
  auto reversed = [buf, extended](std::size_t j) { return buf[extended - 1 - j]; };
  for (std::size_t p = 0; p < kernel_.passes(); ++p) {
    const std::size_t s0 = p * kSectionsPerPass;
    const std::size_t count = std::min(kSectionsPerPass, sections - s0);
    Lanes* st = state.data() + 2 * s0;
    if (p + 1 < kernel_.passes()) {
      kernel_.run(s0, count, st, extended, reversed,
                  [buf, extended](std::size_t j, Lanes v) { buf[extended - 1 - j] = v; });
      continue;
    }
    // Last pass: the extension's outputs are discarded, the rest written to the channels.
    auto discard = [](std::size_t, Lanes) {};
    kernel_.run(s0, count, st, edge, reversed, discard);
    kernel_.run(
        s0, count, st, n, [&](std::size_t j) { return reversed(edge + j); },
        [&](std::size_t j, Lanes v) { scatter(out_rows, lanes_used, n - 1 - j, v); });
    kernel_.run(
        s0, count, st, edge, [&](std::size_t j) { return reversed(edge + n + j); }, discard);
  }
}

}  // namespace neuro::dsp
