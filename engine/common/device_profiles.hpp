// The EEG devices users stream from (OpenBCI Cyton, Emotiv EPOC, g.USBamp, ANT Neuro): channel
// count and sample rate, used to size synthetic streams and streaming benchmarks.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace neuro::common {

struct DeviceProfile {
  std::string_view name;
  std::size_t channels;
  double sample_rate_hz;
};

inline constexpr std::array<DeviceProfile, 4> kDeviceProfiles{{
    {"openbci_cyton", 8, 250.0},
    {"emotiv_epoc", 14, 128.0},
    {"gusbamp", 16, 512.0},
    {"ant_neuro", 32, 1000.0},
}};

// The profile with this name; throws base::InvalidArgument listing the known names otherwise.
const DeviceProfile& find_device_profile(std::string_view name);

}  // namespace neuro::common
