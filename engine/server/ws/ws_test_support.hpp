// For the WebSocket tests: a loopback server (a Beast acceptor that reads each upgrade request
// and hands it to the service, as the HTTP side does), an asynchronous Beast client driven from
// the test thread, a DeviceSessions that counts, and a PostgreSQL schema of the test's own.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/server/ws/websocket_service.hpp"
#include "engine/store/connection.hpp"
#include "engine/store/pool.hpp"
#include "engine/store/schema.hpp"
#include "engine/store/test_support.hpp"

namespace neuro::server::ws::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

class LoopbackServer {
 public:
  // `send_buffer_bytes` > 0 shrinks each accepted socket's send buffer (slow-reader tests).
  LoopbackServer(WebSocketService& service, int threads = 1, int send_buffer_bytes = 0)
      : service_(service), acceptor_(ioc_), send_buffer_bytes_(send_buffer_bytes) {
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    do_accept();
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~LoopbackServer() {
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }
  unsigned short port() const { return port_; }
  // Bytes that reached the server's sockets and wait there to be read (FIONREAD), summed:
  // 0 while the server keeps reading what arrives. Asked while the test's connections are open
  // (a closed one's descriptor may since belong to something else).
  int unread_bytes() {
    std::lock_guard lock(accepted_mutex_);
    int total = 0;
    for (const int fd : accepted_) {
      int waiting = 0;
      if (::ioctl(fd, FIONREAD, &waiting) == 0) total += waiting;
    }
    return total;
  }

 private:
  struct Upgrade {
    explicit Upgrade(tcp::socket socket) : stream(std::move(socket)) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
  };
  void do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
      if (ec) return;
      s.set_option(tcp::no_delay(true), ec);  // as the engine server's listener does
      if (send_buffer_bytes_ > 0)
        s.set_option(net::socket_base::send_buffer_size(send_buffer_bytes_));
      {
        std::lock_guard lock(accepted_mutex_);
        accepted_.push_back(s.native_handle());
      }
      auto upgrade = std::make_shared<Upgrade>(std::move(s));
      http::async_read(upgrade->stream, upgrade->buffer, upgrade->parser,
                       [this, upgrade](beast::error_code read_ec, std::size_t) {
                         if (read_ec) return;
                         service_.accept(std::move(upgrade->stream), upgrade->parser.release(),
                                         "test_user");
                       });
      do_accept();
    });
  }

  WebSocketService& service_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  int send_buffer_bytes_;
  unsigned short port_ = 0;
  std::mutex accepted_mutex_;
  std::vector<int> accepted_;
  std::vector<std::thread> threads_;
};

struct Received {
  std::string text;
  bool binary = false;
  std::chrono::system_clock::time_point at;
};

// Every call runs the client's io_context on the calling thread until its condition holds.
class Client {
 public:
  // reading=false: a client that never reads (its receive buffer shrunk to `receive_buffer`).
  Client(unsigned short port, const std::string& target, bool reading = true,
         int receive_buffer_bytes = 0)
      : ws_(ioc_), reading_(reading) {
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.open(tcp::v4());
    if (receive_buffer_bytes > 0) {
      socket.set_option(net::socket_base::receive_buffer_size(receive_buffer_bytes));
    }
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws_.read_message_max(64 << 20);
    ws_.handshake("127.0.0.1", target);
    if (reading_) do_read();
  }

  int native_handle() { return beast::get_lowest_layer(ws_).socket().native_handle(); }

  void send(const std::string& text) {
    start_send(text);
    ASSERT_TRUE(sent(std::chrono::seconds(20))) << "write did not complete";
  }
  // A write in two halves, for tests that watch the connection while it waits: `text` must
  // outlive the write, and only one may be in flight.
  void start_send(const std::string& text) {
    write_done_ = false;
    write_result_ = {};
    ws_.text(true);
    ws_.async_write(net::buffer(text), [this](beast::error_code ec, std::size_t) {
      write_result_ = ec;
      write_done_ = true;
    });
  }
  // True once the write started last is complete (an error fails the test).
  bool sent(std::chrono::milliseconds timeout) {
    run_until([&] { return write_done_; }, timeout);
    EXPECT_FALSE(write_result_) << write_result_.message();
    return write_done_;
  }

  // The next message, or nullopt at close/timeout.
  std::optional<Received> read(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (!reading_) {
      reading_ = true;
      do_read();
    }
    run_until([&] { return !inbox_.empty() || closed_; }, timeout);
    if (inbox_.empty()) return std::nullopt;
    auto message = std::move(inbox_.front());
    inbox_.pop_front();
    return message;
  }
  // The next message whose text contains `needle` (others skipped).
  std::optional<Received> read_until(const std::string& needle,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      auto m = read(std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now()));
      if (!m) return std::nullopt;
      if (m->text.find(needle) != std::string::npos) return m;
    }
    return std::nullopt;
  }
  // Runs the io_context (reading if reading) for a while.
  void pump(std::chrono::milliseconds duration) {
    run_until([] { return false; }, duration);
  }

  // How many times in a row the kernel's retransmission timer expired on this connection
  // (tcpi_backoff): > 0 while the client's own sends wait on TCP, not on the server.
  int retransmission_backoff() {
    tcp_info info{};
    socklen_t size = sizeof info;
    auto& socket = beast::get_lowest_layer(ws_).socket();
    if (::getsockopt(socket.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return 0;
    return info.tcpi_backoff;
  }

  bool closed() const { return closed_; }
  int close_code() const { return close_code_; }
  const std::string& close_error() const { return close_error_; }
  // Waits for the server's close frame; returns its code (-1 when none came).
  int wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (!reading_) {
      reading_ = true;
      do_read();
    }
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && std::chrono::steady_clock::now() < end) {
      inbox_.clear();
      run_until([&] { return closed_ || !inbox_.empty(); },
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    end - std::chrono::steady_clock::now()));
    }
    return closed_ ? close_code_ : -1;
  }

 private:
  template <class Done>
  void run_until(Done done, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < end) {
      ioc_.restart();
      ioc_.run_for(std::chrono::milliseconds(5));
    }
  }
  void do_read() {
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
      if (ec) {
        closed_ = true;
        close_error_ = ec.message();
        // The server's close frame counts even when the TCP teardown after it fails (a server
        // that fails a connection may close its socket right after the frame).
        const auto code = static_cast<int>(ws_.reason().code);
        close_code_ = ec == websocket::error::closed || code != 0 ? code : -1;
        return;
      }
      inbox_.push_back({beast::buffers_to_string(buffer_.data()), ws_.got_binary(),
                        std::chrono::system_clock::now()});
      buffer_.consume(buffer_.size());
      do_read();
    });
  }

  net::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  bool reading_;
  bool write_done_ = false;
  beast::error_code write_result_;
  std::deque<Received> inbox_;
  bool closed_ = false;
  int close_code_ = -1;
  std::string close_error_;
};

// Hands out store session ids and records what was closed.
class CountingSessions : public DeviceSessions {
 public:
  std::int64_t open_device_session(const LiveDevice& device) override {
    std::lock_guard lock(mutex_);
    opened.push_back(device);
    return next_id_++;
  }
  void close_device_session(std::int64_t id, std::int64_t packets) override {
    std::lock_guard lock(mutex_);
    closed.emplace_back(id, packets);
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> closed_now() {
    std::lock_guard lock(mutex_);
    return closed;
  }
  std::vector<LiveDevice> opened;
  std::vector<std::pair<std::int64_t, std::int64_t>> closed;

 private:
  std::mutex mutex_;
  std::int64_t next_id_ = 1000;
};

// A schema of the test's own (dropped afterwards) and a pool whose connections use it; skips
// when NEUROPERF_PG_URL is not set.
class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("NEUROPERF_PG_URL");
    if (url == nullptr || *url == '\0') GTEST_SKIP() << "NEUROPERF_PG_URL is not set";
    schema_ = store::testing::unique_schema("ws");
    store::Connection setup(store::pg_url_from_env());
    store::SchemaOptions options;
    options.schema = schema_;
    options.partitioning = store::Partitioning::kNative;
    // Partitions around now, so device packets land in real partitions too.
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    options.from_us = now_us - 86'400'000'000LL;
    options.to_us = now_us + 86'400'000'000LL;
    store::create_sample_schema(setup, options);
    pool_ = std::make_unique<store::ConnectionPool>(
        store::pg_url_from_env(), 2, store::ConnectOptions{},
        [schema = schema_](store::Connection& c) { c.set_search_path(schema); });
  }
  void TearDown() override {
    if (schema_.empty()) return;
    pool_.reset();
    try {
      store::Connection cleaner(store::pg_url_from_env());
      store::drop_schema(cleaner, schema_);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cleanup: " << e.what();
    }
  }

  std::string schema_;
  std::unique_ptr<store::ConnectionPool> pool_;
  CountingSessions sessions_;
};

}  // namespace neuro::server::ws::testing
