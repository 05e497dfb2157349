// Test-only helpers for the cache integration tests: the server under test (NEUROPERF_REDIS_URL),
// keys unique to this process that are deleted afterwards, a port with nothing listening, and a
// listener that accepts connections but never answers.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "engine/cache/commands.hpp"
#include "engine/cache/connection.hpp"
#include "engine/cache/redis_url.hpp"

namespace neuro::cache::testing {

// A fixture with a connection to the server under test and a key namespace of its own.
class RedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = redis_url_from_env();
    connection_.emplace(Connection::open(url_));
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    prefix_ = "neuroperf:test:" + std::to_string(::getpid()) + ":" + info->name() + ":";
  }
  void TearDown() override {
    if (!keys_.empty() && connection_ && !connection_->broken()) {
      multi_remove(*connection_, keys_, 100);
    }
  }
  // A key of this test, deleted at the end.
  std::string key(const std::string& name) {
    keys_.push_back(prefix_ + name);
    return keys_.back();
  }
  Connection& redis() { return *connection_; }
  const RedisUrl& url() const { return url_; }

 private:
  RedisUrl url_;
  std::optional<Connection> connection_;
  std::string prefix_;
  std::vector<std::string> keys_;
};

// A socket bound to 127.0.0.1 on a kernel-chosen port; with listen() it accepts connections
// into its backlog but never reads or writes, the behaviour of a hung server.
class LocalSocket {
 public:
  explicit LocalSocket(bool listening) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        (listening && ::listen(fd_, 16) != 0)) {
      ADD_FAILURE() << "cannot bind a local socket";
    }
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~LocalSocket() { close(); }
  LocalSocket(const LocalSocket&) = delete;
  LocalSocket& operator=(const LocalSocket&) = delete;
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  RedisUrl url() const {
    RedisUrl url;
    url.host = "127.0.0.1";
    url.port = port_;
    return url;
  }

 private:
  int fd_;
  int port_ = 0;
};

// A URL where nothing listens: a port the kernel just handed out, released again.
inline RedisUrl closed_port_url() {
  LocalSocket socket(false);
  return socket.url();
}

}  // namespace neuro::cache::testing
