#include "engine/common/device_profiles.hpp"

#include <string>

#include "engine/base/errors.hpp"

namespace neuro::common {

const DeviceProfile& find_device_profile(std::string_view name) {
  std::string known;
  for (const auto& profile : kDeviceProfiles) {
    if (profile.name == name) return profile;
    known += (known.empty() ? "" : ", ") + std::string(profile.name);
  }
  throw base::InvalidArgument("unknown device profile '" + std::string(name) +
                              "' (known: " + known + ")");
}

}  // namespace neuro::common
