// recv_stamped against the wall clock around a loopback send: the stamp is when the bytes
// arrived, not when they were read, and only sockets that asked for stamps get one.
#include "load/engine/epoll/arrival_stamp.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace neuro::load {
namespace {

std::int64_t epoch_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A connected loopback TCP pair: [0] the client, [1] the server's end.
struct Pair {
  int fd[2] = {-1, -1};
  Pair() {
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    EXPECT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(listener, 1), 0);
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
    fd[0] = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_EQ(::connect(fd[0], reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    fd[1] = ::accept(listener, nullptr, nullptr);
    ::close(listener);
  }
  ~Pair() {
    for (int f : fd) ::close(f);
  }
};

TEST(ArrivalStamp, StampsArrivalNotTheRead) {
  Pair p;
  ASSERT_TRUE(enable_arrival_stamps(p.fd[0]));
  // The kernel turns stamping on for the whole host a moment after the first socket asks (a
  // deferred work item): until then reads carry none. Bytes go through until one is stamped.
  char buf[16];
  bool stamping = false;
  for (int i = 0; i < 200 && !stamping; ++i) {
    ASSERT_EQ(::send(p.fd[1], "-", 1, 0), 1);
    const StampedRead r = recv_stamped(p.fd[0], buf, sizeof buf);
    ASSERT_EQ(r.bytes, 1);
    stamping = r.arrival_ns != 0;
    if (!stamping) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(stamping) << "no arrival stamp within 1 s of asking";
  const std::int64_t before_send = epoch_ns();
  ASSERT_EQ(::send(p.fd[1], "hello", 5, 0), 5);
  const std::int64_t after_send = epoch_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const std::int64_t before_read = epoch_ns();
  const StampedRead r = recv_stamped(p.fd[0], buf, sizeof buf);
  ASSERT_EQ(r.bytes, 5);
  EXPECT_EQ(std::string(buf, 5), "hello");
  // Loopback delivers within the send (a margin for a preempted sender).
  EXPECT_GE(r.arrival_ns, before_send);
  EXPECT_LE(r.arrival_ns, after_send + 10'000'000);
  EXPECT_GE(before_read - r.arrival_ns, 29'000'000);
}

TEST(ArrivalStamp, NoStampUnlessAskedOrAtTheEnd) {
  Pair p;
  ASSERT_EQ(::send(p.fd[1], "x", 1, 0), 1);
  char buf[4];
  const StampedRead plain = recv_stamped(p.fd[0], buf, sizeof buf);
  EXPECT_EQ(plain.bytes, 1);
  EXPECT_EQ(plain.arrival_ns, 0);
  ASSERT_TRUE(enable_arrival_stamps(p.fd[0]));
  ::shutdown(p.fd[1], SHUT_WR);
  const StampedRead end = recv_stamped(p.fd[0], buf, sizeof buf);
  EXPECT_EQ(end.bytes, 0);
  EXPECT_EQ(end.arrival_ns, 0);
}

}  // namespace
}  // namespace neuro::load
