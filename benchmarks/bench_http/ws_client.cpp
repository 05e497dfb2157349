#include "benchmarks/bench_http/ws_client.hpp"

namespace neuro::bench::http_bench {

namespace websocket = beast::websocket;

template <typename Done>
bool WsClient::run_until(std::chrono::milliseconds timeout, const Done& done) {
  io_.restart();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (io_.run_one_until(deadline) == 0) break;
  }
  return done();
}

WsClient::WsClient(const TargetUrl& target, const std::string& path, const std::string& token,
                   std::chrono::milliseconds timeout)
    : where_(target.url + path), timeout_(timeout), ws_(io_) {
  beast::error_code ec;
  tcp::resolver resolver(io_);
  const auto endpoints = resolver.resolve(target.host, target.port, ec);
  if (ec) throw Unreachable(where_ + ": cannot resolve: " + ec.message());
  auto& tcp_layer = beast::get_lowest_layer(ws_);
  bool done = false;
  tcp_layer.expires_after(timeout_);
  tcp_layer.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  run_until(timeout_, [&] { return done; });
  if (!done || ec) throw Unreachable(where_ + ": " + (done ? ec.message() : "connect timed out"));
  tcp_layer.socket().set_option(tcp::no_delay(true));
  ws_.read_message_max(64u << 20);
  done = false;
  ws_.async_handshake(target.host, path + "?token=" + token, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  run_until(timeout_, [&] { return done; });
  if (!done || ec) {
    throw Unreachable(where_ + ": upgrade failed: " + (done ? ec.message() : "timed out"));
  }
  tcp_layer.expires_never();  // reads wait for pushes; each call bounds its own wait
}

WsClient::~WsClient() {
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().close(ec);
  io_.restart();
  try {
    io_.poll();  // lets a pending read finish with operation_aborted before ws_ goes
  } catch (...) {
    // A handler that throws while the client goes away has nothing left to tell.
  }
}

void WsClient::send(const std::string& text) {
  bool done = false;
  beast::error_code ec;
  ws_.text(true);
  ws_.async_write(net::buffer(text), [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  if (!run_until(timeout_, [&] { return done; })) throw Unreachable(where_ + ": write timed out");
  if (ec) throw Unreachable(where_ + ": write: " + ec.message());
}

std::optional<WsMessage> WsClient::read(std::chrono::milliseconds timeout) {
  if (!reading_) {
    reading_ = true;
    read_done_ = false;
    ws_.async_read(buffer_, [this](beast::error_code e, std::size_t) {
      read_at_ = std::chrono::system_clock::now();  // before the loop below gets to run
      read_ec_ = e;
      read_done_ = true;
    });
  }
  if (!run_until(timeout, [&] { return read_done_; })) return std::nullopt;
  reading_ = false;
  if (read_ec_) throw Unreachable(where_ + ": read: " + read_ec_.message());
  WsMessage message{beast::buffers_to_string(buffer_.data()), ws_.got_binary(), read_at_};
  buffer_.consume(buffer_.size());
  return message;
}

}  // namespace neuro::bench::http_bench
