// The one table of byte-size units, read by the scenario parser ("2GB" in a threshold) and by
// the reports that print sizes, so a size is written back in the base it was read in (1024, as
// wrk's units do).
#pragma once

#include <string_view>

namespace neuro::load {

struct ByteUnit {
  std::string_view name;   // what reports print and scenarios write: KB, MB, ...
  std::string_view alias;  // the IEC spelling, accepted too: KiB, MiB, ...
  double bytes;
};

inline constexpr ByteUnit kByteUnits[] = {
    {"B", "B", 1.0},
    {"KB", "KiB", 1024.0},
    {"MB", "MiB", 1024.0 * 1024},
    {"GB", "GiB", 1024.0 * 1024 * 1024},
    {"TB", "TiB", 1024.0 * 1024 * 1024 * 1024},
};

}  // namespace neuro::load
