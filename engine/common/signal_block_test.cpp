#include "engine/common/signal_block.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/base/errors.hpp"
#include "engine/common/device_profiles.hpp"

namespace neuro::common {
namespace {

TEST(SignalBlock, IsChannelContiguous) {
  SignalBlock block(3, 5, 250.0);
  block.at(1, 2) = 7.0f;
  EXPECT_EQ(block.data()[1 * 5 + 2], 7.0f);
  EXPECT_EQ(block.channel(1)[2], 7.0f);
  EXPECT_EQ(block.channel(2).data(), block.data() + 10);
  EXPECT_EQ(block.size(), 15u);
  EXPECT_EQ(block.size_bytes(), 60u);
  EXPECT_DOUBLE_EQ(block.duration_s(), 0.02);
}

TEST(SignalBlock, RejectsBadSampleRate) {
  EXPECT_THROW(SignalBlock(1, 1, 0.0), base::InvalidArgument);
  EXPECT_THROW(SignalBlock(1, 1, -250.0), base::InvalidArgument);
  EXPECT_THROW(SignalBlock(1, 1, std::numeric_limits<double>::quiet_NaN()), base::InvalidArgument);
}

TEST(SignalBlock, FindsFirstNonFiniteSample) {
  SignalBlock block(2, 4, 100.0);
  EXPECT_EQ(block.first_non_finite(), block.size());
  block.at(1, 1) = std::numeric_limits<float>::infinity();
  block.at(1, 3) = std::nanf("");
  EXPECT_EQ(block.first_non_finite(), 5u);
  // Past the first 1024-sample chunk, and a huge-but-finite value is not flagged.
  SignalBlock large(4, 2000, 100.0);
  large.at(0, 7) = std::numeric_limits<float>::max();
  EXPECT_EQ(large.first_non_finite(), large.size());
  large.at(3, 1999) = -std::numeric_limits<float>::infinity();
  large.at(2, 5) = std::nanf("");
  EXPECT_EQ(large.first_non_finite(), 2u * 2000 + 5);
}

TEST(DeviceProfiles, MatchTheSpec) {
  EXPECT_EQ(find_device_profile("openbci_cyton").channels, 8u);
  EXPECT_EQ(find_device_profile("emotiv_epoc").sample_rate_hz, 128.0);
  EXPECT_EQ(find_device_profile("gusbamp").channels, 16u);
  EXPECT_EQ(find_device_profile("ant_neuro").sample_rate_hz, 1000.0);
  try {
    find_device_profile("muse");
    FAIL() << "expected an error";
  } catch (const base::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("openbci_cyton"), std::string::npos) << e.what();
    EXPECT_EQ(e.code(), base::ExitCode::kBadInput);
  }
}

}  // namespace
}  // namespace neuro::common
