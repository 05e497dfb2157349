// Counting policy both engines share, so that their counts mean the same thing: when an
// open-model send is late, how long a closed user backs off after a failure, how many arrivals
// may wait for a free connection before they are dropped.
#pragma once

#include <cstddef>
#include <cstdint>

namespace neuro::load {

inline constexpr std::int64_t kLateSendNs = 1'000'000;  // an open-model send this late is late
inline constexpr std::int64_t kFailureBackoffNs = 10'000'000;  // closed user after a failure
inline constexpr std::size_t kMaxPendingArrivals = 1'000'000;  // beyond this, arrivals drop

}  // namespace neuro::load
