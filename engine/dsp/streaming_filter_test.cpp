#include "engine/dsp/streaming_filter.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "engine/base/errors.hpp"
#include "engine/common/testing/golden_case.hpp"
#include "engine/dsp/filter_test_support.hpp"

namespace neuro::dsp {
namespace {

using base::InvalidArgument;
using common::SignalBlock;
using neuro::testing::GoldenCase;

// Feeds `x` through the filter in packets of the given sizes (cycled) and joins the output.
SignalBlock stream(StreamingFilter& filter, const SignalBlock& x,
                   const std::vector<std::size_t>& packet_sizes) {
  SignalBlock joined(x.channels(), x.samples(), x.sample_rate_hz());
  SignalBlock packet, out;
  std::size_t at = 0;
  for (std::size_t k = 0; at < x.samples(); ++k) {
    const std::size_t n = std::min(packet_sizes[k % packet_sizes.size()], x.samples() - at);
    packet = SignalBlock(x.channels(), n, x.sample_rate_hz());
    for (std::size_t c = 0; c < x.channels(); ++c) {
      std::copy_n(x.channel(c).data() + at, n, packet.channel(c).data());
    }
    filter.process(packet, out);
    for (std::size_t c = 0; c < x.channels(); ++c) {
      std::copy_n(out.channel(c).data(), n, joined.channel(c).data() + at);
    }
    at += n;
  }
  return joined;
}

TEST(StreamingFilter, HundredMsPacketsEqualScipySosfilt) {
  for (const auto& name : neuro::testing::golden_cases("filter")) {
    const auto golden = GoldenCase::load("filter", name);
    const double fs = golden.params().at("fs");
    const auto x = golden.block("x", fs);
    StreamingFilter filter(testing::design_for(golden), x.channels());
    const auto out = stream(filter, x, {static_cast<std::size_t>(fs / 10)});
    testing::expect_matches_reference(out, golden.array("sosfilt"), name);
  }
}

TEST(StreamingFilter, IrregularAndSteadyStartEqualScipy) {
  for (const auto& name : neuro::testing::golden_cases("filter")) {
    const auto golden = GoldenCase::load("filter", name);
    const auto x = golden.block("x", golden.params().at("fs"));
    StreamingFilter filter(testing::design_for(golden), x.channels());
    filter.reset(StreamingFilter::Start::kSteadyState);
    const auto out = stream(filter, x, {1, 7, 0, 64, 3, 250});
    testing::expect_matches_reference(out, golden.array("sosfilt_primed"), name + " primed");
    filter.reset();
    const auto again = stream(filter, x, {33});
    testing::expect_matches_reference(again, golden.array("sosfilt"), name + " after reset");
  }
}

TEST(StreamingFilter, NanIsReportedAndResetsItsChannel) {
  StreamingFilter filter(butter_bandpass(4, 0.5, 50.0, 250.0), 10);
  SignalBlock packet(10, 25, 250.0), out;
  for (std::size_t c = 0; c < 10; ++c) packet.at(c, 3) = 1.0f;
  packet.at(8, 5) = std::numeric_limits<float>::quiet_NaN();
  try {
    filter.process(packet, out);
    FAIL() << "NaN accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("channel(s) 8 "), std::string::npos) << e.what();
  }
  packet.at(8, 5) = 0.0f;
  ASSERT_NO_THROW(filter.process(packet, out));
  EXPECT_EQ(out.first_non_finite(), out.size());
}

TEST(StreamingFilter, RejectsWrongChannelCount) {
  StreamingFilter filter(butter_bandpass(4, 0.5, 50.0, 250.0), 8);
  SignalBlock packet(7, 25, 250.0), out;
  EXPECT_THROW(filter.process(packet, out), InvalidArgument);
  EXPECT_THROW(StreamingFilter(butter_bandpass(4, 0.5, 50.0, 250.0), 0), InvalidArgument);
}

}  // namespace
}  // namespace neuro::dsp
