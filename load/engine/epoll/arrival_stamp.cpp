#include "load/engine/epoll/arrival_stamp.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <chrono>
#include <cstring>
#include <ctime>

namespace neuro::load {

bool enable_arrival_stamps(int fd) {
  const int one = 1;
  return ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) == 0;
}

std::int64_t epoch_ns_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

StampedRead recv_stamped(int fd, char* buffer, std::size_t size) {
  iovec io{buffer, size};
  // Room for the one control message asked for, aligned as CMSG_* expects.
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  msghdr msg{};
  msg.msg_iov = &io;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  StampedRead r{::recvmsg(fd, &msg, 0), 0};
  if (r.bytes <= 0) return r;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
        c->cmsg_len >= CMSG_LEN(sizeof(timespec))) {
      timespec t;
      std::memcpy(&t, CMSG_DATA(c), sizeof t);
      r.arrival_ns = static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
    }
  }
  return r;
}

}  // namespace neuro::load
