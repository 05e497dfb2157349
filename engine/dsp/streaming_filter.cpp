#include "engine/dsp/streaming_filter.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::dsp {

StreamingFilter::StreamingFilter(const SosCoefficients& sos, std::size_t channels)
    : kernel_(sos), channels_(channels) {
  if (channels == 0) throw base::InvalidArgument("streaming filter: channels must be >= 1");
  state_.assign(((channels + kLanes - 1) / kLanes) * 2 * kernel_.sections(), Lanes{});
}

void StreamingFilter::reset(Start start) {
  start_ = start;
  started_ = false;
  std::fill(state_.begin(), state_.end(), Lanes{});
}

void StreamingFilter::process(const common::SignalBlock& in, common::SignalBlock& out) {
  if (in.channels() != channels_) {
    throw base::InvalidArgument("streaming filter: packet has " + std::to_string(in.channels()) +
                                " channels, the stream has " + std::to_string(channels_));
  }
  if (&out != &in && (out.channels() != in.channels() || out.samples() != in.samples())) {
    out = common::SignalBlock(in.channels(), in.samples(), in.sample_rate_hz());
  }
  if (in.samples() == 0) return;
  const std::size_t groups = state_.size() / (2 * kernel_.sections());
  std::vector<std::size_t> bad_channels;
  for (std::size_t g = 0; g < groups; ++g) process_group(in, out, g, bad_channels);
  started_ = true;
  if (!bad_channels.empty()) {
    std::string list;
    for (const auto c : bad_channels) list += (list.empty() ? "" : ", ") + std::to_string(c);
    throw base::InvalidArgument("streaming filter: channel(s) " + list +
                                " received NaN or infinite samples; their state was reset");
  }
}

void StreamingFilter::process_group(const common::SignalBlock& in, common::SignalBlock& out,
                                    std::size_t group, std::vector<std::size_t>& bad_channels) {
  const std::size_t first_channel = group * kLanes;
  const LaneRows rows = lane_rows(in, out, first_channel);
  const std::size_t lanes_used = rows.used;
  const float* const* in_rows = rows.in;
  float* const* out_rows = rows.out;
  const std::size_t sections = kernel_.sections();
  Lanes* state = state_.data() + group * 2 * sections;
  if (!started_ && start_ == Start::kSteadyState) {
    const Lanes x0 = gather(in_rows, 0);
    for (std::size_t k = 0; k < 2 * sections; ++k) state[k] = kernel_.unit_step_state()[k] * x0;
  }
  const std::size_t n = in.samples();
  if (kernel_.passes() > 1) scratch_.resize(n);
  for (std::size_t p = 0; p < kernel_.passes(); ++p) {
    const std::size_t s0 = p * kSectionsPerPass;
    const std::size_t count = std::min(kSectionsPerPass, sections - s0);
    const bool first = p == 0, last = p + 1 == kernel_.passes();
    Lanes* scratch = scratch_.data();
    auto load_input = [&](std::size_t i) { return gather(in_rows, i); };
    auto load_scratch = [scratch](std::size_t i) { return scratch[i]; };
    auto store_output = [&](std::size_t i, Lanes v) { scatter(out_rows, lanes_used, i, v); };
    auto store_scratch = [scratch](std::size_t i, Lanes v) { scratch[i] = v; };
    Lanes* st = state + 2 * s0;
    if (first && last) {
      kernel_.run(s0, count, st, n, load_input, store_output);
    } else if (first) {
      kernel_.run(s0, count, st, n, load_input, store_scratch);
    } else if (last) {
      kernel_.run(s0, count, st, n, load_scratch, store_output);
    } else {
      kernel_.run(s0, count, st, n, load_scratch, store_scratch);
    }
  }
  // A NaN or infinity in the packet leaves a non-finite state that would poison every later
  // packet, so such a channel starts over and the caller hears about it.
  for (std::size_t l = 0; l < lanes_used; ++l) {
    bool finite = true;
    for (std::size_t k = 0; k < 2 * sections; ++k) finite = finite && std::isfinite(state[k][l]);
    if (finite) continue;
    for (std::size_t k = 0; k < 2 * sections; ++k) state[k][l] = 0.0;
    bad_channels.push_back(first_channel + l);
  }
}

}  // namespace neuro::dsp
