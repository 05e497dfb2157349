// One wait on an epoll set with nanosecond timeouts where the kernel has epoll_pwait2 (5.11),
// millisecond ones (rounded up) where it does not; shared by both transports' loops.
#pragma once

#include <sys/epoll.h>

#include <cerrno>
#include <cstdint>
#include <ctime>

namespace neuro::load {

class EventWait {
 public:
  // Up to `max` ready events into `events`, waiting at most `wait_ns`; -1 on error.
  int wait(int epoll_fd, epoll_event* events, int max, std::int64_t wait_ns) {
    if (pwait2_) {
      const timespec ts{static_cast<time_t>(wait_ns / 1'000'000'000),
                        static_cast<long>(wait_ns % 1'000'000'000)};
      const int n = ::epoll_pwait2(epoll_fd, events, max, &ts, nullptr);
      if (n >= 0 || errno != ENOSYS) return n;
      pwait2_ = false;
    }
    return ::epoll_wait(epoll_fd, events, max, static_cast<int>((wait_ns + 999'999) / 1'000'000));
  }

 private:
  bool pwait2_ = true;
};

}  // namespace neuro::load
