// When a message reached the socket, besides when the loop read it. The kernel stamps each
// segment as it arrives (SO_TIMESTAMPNS, the wall clock), whatever the reader is doing: a read
// returns the stamp of the last segment it took. The difference to the read's own stamp is the
// client's lag: time a message waited in the socket for a busy or sleeping load thread. A
// latency measured on read includes it; the lag says how much of a result is the client's.
// The kernel turns stamping on for the host a moment after the first socket asks (deferred
// work): a read before that carries no stamp, counted as none rather than as a lag of 0.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace neuro::load {

// Asks the kernel to stamp what arrives on `fd` from now on. False where it cannot (then reads
// carry no stamp).
bool enable_arrival_stamps(int fd);

struct StampedRead {
  ssize_t bytes;            // as recv(2) returns: -1 with errno set, 0 at the end
  std::int64_t arrival_ns;  // epoch ns of the last segment read, 0 when the kernel gave none
};

// recv(2) with the arrival stamp of what it read.
StampedRead recv_stamped(int fd, char* buffer, std::size_t size);

// The wall clock in epoch ns, the clock of the stamps: a read's own stamp.
std::int64_t epoch_ns_now();

}  // namespace neuro::load
