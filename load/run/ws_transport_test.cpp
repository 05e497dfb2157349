// The WebSocket transport against a scripted loopback server (a thread, blocking sockets, the
// frames written by hand): what a real server rarely does on cue. Pings are answered with their
// payload, every client frame is masked, fragmented messages are measured once, sequence gaps
// and repeats are counted, an early close keeps its code and is an error, a masked server frame
// and an oversize message are refused with 1002 and 1009, a missing subprotocol fails the
// handshake: each over ws:// and over wss:// (the server's TLS on the same script). TLS alone:
// an untrusted certificate or another name is a `tls` error (accepted with tls_verify: false), a
// server that never answers the TLS handshake is a timeout, HTTP steps beside wss:// sessions go
// over TLS too.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <thread>

#include "load/run/runner.hpp"
#include "load/scenario/scenario.hpp"
#include "load/testing/tls_identity.hpp"
#include "load/ws/frame.hpp"
#include "load/ws/handshake.hpp"

namespace neuro::load {
namespace {

using nlohmann::json;

// One accepted connection, over TLS when `ssl` is set: its handshake done, frames in and out.
class Peer {
 public:
  Peer(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~Peer() {
    if (ssl_) {
      SSL_shutdown(ssl_);
      SSL_free(ssl_);
    }
    ::close(fd_);
  }
  // The request head (through its blank line), read a byte at a time.
  std::string read_head() {
    std::string head;
    char c;
    while (head.find("\r\n\r\n") == std::string::npos && read(&c, 1) == 1) head += c;
    return head;
  }
  // Reads the upgrade request and answers 101 (with `subprotocol` when not empty).
  std::string handshake(const std::string& subprotocol = "") {
    std::string head = read_head();
    const auto at = head.find("Sec-WebSocket-Key: ");
    if (at == std::string::npos) {
      ADD_FAILURE() << "no upgrade request: " << head;
      return head;
    }
    const std::string key = head.substr(at + 19, 24);
    std::string answer =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        ws::accept_key(key) + "\r\n";
    if (!subprotocol.empty()) answer += "Sec-WebSocket-Protocol: " + subprotocol + "\r\n";
    send_raw(answer + "\r\n");
    return head;
  }
  void send_raw(const std::string& bytes) {
    const ssize_t n = ssl_ ? SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()))
                           : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    ASSERT_EQ(n, static_cast<ssize_t>(bytes.size()));
  }
  void send(ws::Opcode op, const std::string& payload, bool fin = true) {
    std::string f;
    ws::append_frame(f, op, payload, fin, std::nullopt);
    send_raw(f);
  }
  // The next message the client sent (its frames must be masked); nullopt at EOF or error.
  std::optional<ws::Message> next(std::string* payload) {
    for (;;) {
      if (!queue_.empty()) {
        auto m = queue_.front();
        *payload = payloads_.front();
        queue_.erase(queue_.begin());
        payloads_.erase(payloads_.begin());
        return m;
      }
      char buf[4096];
      const ssize_t n = read(buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      const auto e = reader_.feed(buf, static_cast<std::size_t>(n), [&](const ws::Message& m) {
        queue_.push_back(m);
        payloads_.emplace_back(m.payload);
      });
      if (e != ws::ReadError::kNone) {
        error_ = e;
        return std::nullopt;
      }
    }
  }
  ws::ReadError error() const { return error_; }
  // Until the client closes the connection (a server that stalls).
  void wait_for_eof() {
    char buf[4096];
    while (::recv(fd_, buf, sizeof buf, 0) > 0) {
    }
  }

 private:
  ssize_t read(char* data, std::size_t size) {
    return ssl_ ? SSL_read(ssl_, data, static_cast<int>(size)) : ::recv(fd_, data, size, 0);
  }

  int fd_;
  SSL* ssl_;
  ws::FrameReader reader_{1 << 20, /*expect_masked=*/true};
  std::vector<ws::Message> queue_;
  std::vector<std::string> payloads_;
  ws::ReadError error_ = ws::ReadError::kNone;
};

// Accepts the runner's reachability probe (a connection closed unused), then `sessions`
// connections in turn, running `script` on each; with `tls`, over TLS (a connection whose TLS
// handshake fails is counted in tls_failures() and not scripted).
class ScriptedServer {
 public:
  ScriptedServer(int sessions, std::function<void(Peer&)> script,
                 const testing::TlsIdentity* tls = nullptr, const char* address = "127.0.0.1")
      : tls_(tls), address_(address) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, address, &a.sin_addr);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
      ADD_FAILURE() << "scripted server: cannot listen on " << address;
    }
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, sessions, script = std::move(script)] {
      // SSL_write to a client that went away raises SIGPIPE: blocked, it is a failed write.
      sigset_t pipe;
      sigemptyset(&pipe);
      sigaddset(&pipe, SIGPIPE);
      pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
      const int probe = ::accept(listen_fd_, nullptr, nullptr);
      if (probe < 0) return;
      ::close(probe);
      for (int i = 0; i < sessions; ++i) {
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) return;
        SSL* ssl = nullptr;
        if (tls_) {
          ssl = SSL_new(tls_->context());
          SSL_set_fd(ssl, fd);
          if (SSL_accept(ssl) != 1) {
            ++tls_failures_;
            SSL_free(ssl);
            ::close(fd);
            continue;
          }
        }
        Peer peer(fd, ssl);
        script(peer);
      }
    });
  }
  ~ScriptedServer() {
    join();
    ::close(listen_fd_);
  }
  // Stops accepting and waits for the sessions' script to end.
  void join() {
    if (!thread_.joinable()) return;
    ::shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
  }
  // `scheme` "https" against a plain server: a TLS client meeting a server that never answers.
  std::string url(const char* scheme = nullptr) const {
    const std::string s = scheme ? scheme : tls_ ? "https" : "http";
    return s + "://" + address_ + ":" + std::to_string(port_);
  }
  // After the run: the server's side of a failed handshake may still be ending when the client
  // has counted it, so this waits for the server first.
  int tls_failures() {
    join();
    return tls_failures_;
  }

 private:
  const testing::TlsIdentity* tls_;
  std::string address_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> tls_failures_{0};
  std::thread thread_;
};

// The steps' results of one user's one iteration; `top`: scenario lines before `steps:`
// (tls_verify, ca_file, timeout), `steps`: the steps before the ws: one.
json run_scripted(const std::string& ws_fields, const std::string& url, const std::string& top = "",
                  const std::string& steps = "") {
  const std::string yaml = "name: scripted\n" + top + "steps:\n" + steps + "  - ws:\n" + ws_fields +
                           "executor: {type: constant-users, users: 1, iterations: 1, duration: "
                           "5s}\n";
  RunOptions options;
  options.quiet = true;
  options.threads = 1;
  return run_load(parse_scenario(yaml, "scripted.yaml", url), options);
}

json run_steps(const std::string& ws_fields, const std::string& url, const std::string& top = "",
               const std::string& steps = "") {
  return run_scripted(ws_fields, url, top, steps)["steps"];
}

// The ws: step's result when it is the only step.
json run(const std::string& ws_fields, const std::string& url, const std::string& top = "") {
  return run_steps(ws_fields, url, top)[0];
}

std::int64_t error_total(const json& step) {
  std::int64_t n = 0;
  for (const auto& [kind, count] : step["errors"].items()) n += count.get<std::int64_t>();
  return n;
}

// Each test over ws:// (false) and wss:// (true): the same script behind the server's TLS, the
// client verifying its certificate (trusted through ca_file, checked against 127.0.0.1).
class WsTransport : public ::testing::TestWithParam<bool> {
 protected:
  const testing::TlsIdentity* tls() const { return GetParam() ? &identity_ : nullptr; }
  // The run, then the server's script to its end, so what the script saw is complete.
  json run_ws(const std::string& ws_fields, ScriptedServer& server) const {
    json step = run(ws_fields, server.url(),
                    GetParam() ? "ca_file: " + identity_.cert_file() + "\n" : std::string());
    server.join();
    return step;
  }

 private:
  testing::TlsIdentity identity_{/*offer_http2=*/false};
};

INSTANTIATE_TEST_SUITE_P(Tls, WsTransport, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Wss" : "Ws";
                         });

TEST_P(WsTransport, PingsFragmentsGapsMasking) {
  std::string pong, client_close;
  bool all_masked = true;
  ScriptedServer server(
      1,
      [&](Peer& p) {
        p.handshake();
        p.send(ws::Opcode::kPing, "abc");
        std::string payload;
        auto m = p.next(&payload);
        if (m && m->opcode == ws::Opcode::kPong) pong = payload;
        // seq 0 in three fragments with a ping between them, then 1, 2, 5 (two missing), 4 (back).
        p.send(ws::Opcode::kText, R"({"seq":0,)", false);
        p.send(ws::Opcode::kContinuation, R"("timestamp":1.0,)", false);
        p.send(ws::Opcode::kPing, "");
        p.send(ws::Opcode::kContinuation, R"("x":1})", true);
        for (int seq : {1, 2, 5, 4}) {
          p.send(ws::Opcode::kText, R"({"seq":)" + std::to_string(seq) + "}");
        }
        // Reads until the client's close (a pong comes first), answers it.
        while ((m = p.next(&payload))) {
          if (m->opcode == ws::Opcode::kClose) {
            client_close = std::to_string(m->close_code);
            p.send(ws::Opcode::kClose, std::string("\x03\xe8", 2));
            break;
          }
        }
        all_masked = p.error() == ws::ReadError::kNone;
      },
      tls());
  const auto step = run_ws(R"(      path: /x
      receive: {duration: 500ms, seq_field: seq}
)",
                           server);
  const auto& ws = step["ws"];
  EXPECT_EQ(pong, "abc");
  EXPECT_TRUE(all_masked);
  EXPECT_EQ(client_close, "1000");
  EXPECT_EQ(ws["pings_answered"], 2);
  EXPECT_EQ(ws["messages_in"], 5);  // the fragmented message once
  EXPECT_EQ(ws["seq_gaps"], 2);
  EXPECT_EQ(ws["seq_backwards"], 1);
  EXPECT_EQ(ws["close_codes"], json({{"1000", 1}}));
  EXPECT_EQ(ws["sessions"], 1);
  EXPECT_EQ(step["errors"]["read"], 0);
  EXPECT_EQ(step["errors"]["tls"], 0);
}

TEST_P(WsTransport, EarlyCloseKeepsItsCode) {
  std::string echoed;
  ScriptedServer server(
      1,
      [&](Peer& p) {
        p.handshake();
        p.send(ws::Opcode::kClose, std::string("\x03\xf3", 2) + "overloaded");  // 1011
        std::string payload;
        if (auto m = p.next(&payload); m && m->opcode == ws::Opcode::kClose) {
          echoed = std::to_string(m->close_code);
        }
      },
      tls());
  const auto step = run_ws("      path: /x\n      receive: {duration: 2s}\n", server);
  EXPECT_EQ(step["ws"]["close_codes"], json({{"1011", 1}}));
  EXPECT_EQ(step["ws"]["errors"]["closed"], 1);
  EXPECT_EQ(step["errors"]["read"], 1);
  EXPECT_EQ(echoed, "1011");
}

TEST_P(WsTransport, RefusesMaskedAndBig) {
  for (const bool oversize : {false, true}) {
    std::string code;
    ScriptedServer server(
        1,
        [&](Peer& p) {
          p.handshake();
          std::string f;
          if (oversize) {
            ws::append_frame(f, ws::Opcode::kBinary, std::string(300, 'x'), true, std::nullopt);
          } else {
            ws::append_frame(f, ws::Opcode::kText, "hi", true, 0x11223344);
          }
          p.send_raw(f);
          std::string payload;
          if (auto m = p.next(&payload); m && m->opcode == ws::Opcode::kClose) {
            code = std::to_string(m->close_code);
          }
        },
        tls());
    const auto step =
        run_ws("      path: /x\n      max_message: 200B\n      receive: {duration: 2s}\n", server);
    EXPECT_EQ(code, oversize ? "1009" : "1002");
    EXPECT_EQ(step["ws"]["errors"][oversize ? "too_big" : "protocol"], 1);
    EXPECT_EQ(step["errors"]["read"], 1);
  }
}

TEST_P(WsTransport, MissingSubprotocolFails) {
  std::string asked;
  ScriptedServer server(
      1,
      [&](Peer& p) {
        const auto head = p.handshake();
        const auto at = head.find("Sec-WebSocket-Protocol: ");
        if (at != std::string::npos) asked = head.substr(at + 24, head.find("\r\n", at) - at - 24);
      },
      tls());
  const auto step =
      run_ws("      path: /x\n      subprotocol: eeg.v1\n      receive: {duration: 1s}\n", server);
  EXPECT_EQ(asked, "eeg.v1");
  EXPECT_EQ(step["ws"]["errors"]["handshake"], 1);
  EXPECT_EQ(step["ws"]["sessions"], 0);
  EXPECT_EQ(step["errors"]["status_unexpected"], 1);
}

// More than a turn's 2 MiB in a burst, in messages that span many TLS records: each arrives
// whole, in order, and the session still closes cleanly.
TEST_P(WsTransport, LongBurstsArriveWhole) {
  std::string client_close;
  ScriptedServer server(
      1,
      [&](Peer& p) {
        p.handshake();
        std::string burst;
        for (int seq = 0; seq < 300; ++seq) {
          std::string payload = R"({"seq":)" + std::to_string(seq) + ",\"pad\":\"";
          payload.append(seq == 150 ? 1 << 20 : 10'000, 'x');
          ws::append_frame(burst, ws::Opcode::kText, payload + "\"}", true, std::nullopt);
        }
        p.send_raw(burst);
        std::string payload;
        while (auto m = p.next(&payload)) {
          if (m->opcode == ws::Opcode::kClose) {
            client_close = std::to_string(m->close_code);
            p.send(ws::Opcode::kClose, std::string("\x03\xe8", 2));
            return;
          }
        }
      },
      tls());
  const auto step =
      run_ws("      path: /x\n      receive: {duration: 1s, seq_field: seq}\n", server);
  EXPECT_EQ(step["ws"]["messages_in"], 300) << step.dump();
  EXPECT_EQ(step["ws"]["seq_gaps"], 0);
  EXPECT_EQ(step["ws"]["seq_backwards"], 0);
  EXPECT_EQ(step["ws"]["close_codes"], json({{"1000", 1}}));
  EXPECT_EQ(client_close, "1000");
  EXPECT_EQ(error_total(step), 0);
}

// A session sending `count` messages `gap` apart, each {"seq": i, "timestamp": when it was sent,
// minus age_s(i)}, then answering the client's close.
void stamped_messages(Peer& p, int count, std::chrono::milliseconds gap,
                      const std::function<double(int)>& age_s) {
  p.handshake();
  for (int seq = 0; seq < count; ++seq) {
    const double now_s =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    char text[96];
    std::snprintf(text, sizeof text, R"({"seq":%d,"timestamp":%.6f})", seq, now_s - age_s(seq));
    p.send(ws::Opcode::kText, text);
    std::this_thread::sleep_for(gap);
  }
  std::string payload;
  while (auto m = p.next(&payload)) {
    if (m->opcode == ws::Opcode::kClose) {
      p.send(ws::Opcode::kClose, std::string("\x03\xe8", 2));
      return;
    }
  }
}

// Each latency taken on ws:// has the client's read lag beside it (the kernel's arrival stamp to
// the read), and a lag is no longer than its latency: the message was stamped before it was
// sent. A message stamped 300 ms before it was sent is 300 ms old on arrival; the lag is not.
// wss:// reads go through OpenSSL and carry no arrival stamp: no lag, not a lag of 0.
TEST_P(WsTransport, ReadLagBesideLatency) {
  ScriptedServer server(
      1,
      [](Peer& p) {
        stamped_messages(p, 20, std::chrono::milliseconds(5),
                         [](int seq) { return seq == 10 ? 0.3 : 0.0; });
      },
      tls());
  const auto step =
      run_ws("      path: /x\n      receive: {duration: 400ms, latency_from: timestamp}\n", server);
  const auto& ws = step["ws"];
  ASSERT_EQ(ws["measured"], 20) << step.dump();
  EXPECT_GE(ws["latency_percentiles_ms"]["max"].get<double>(), 300.0);
  if (GetParam()) {
    EXPECT_EQ(ws["read_lag"]["count"], 0);
    EXPECT_TRUE(ws["read_lag_percentiles_ms"].is_null());
    return;
  }
  // Every message but those read before the kernel turned stamping on (arrival_stamp.hpp): on a
  // loaded machine its deferred work may take a few of the 5 ms apart.
  EXPECT_GE(ws["read_lag"]["count"].get<int>(), 10);
  EXPECT_LE(ws["read_lag"]["count"].get<int>(), 20);
  EXPECT_LE(ws["read_lag_percentiles_ms"]["max"].get<double>(),
            ws["latency_percentiles_ms"]["max"].get<double>());
  EXPECT_LT(ws["read_lag_percentiles_ms"]["max"].get<double>(), 250.0)
      << "the message's age on arrival counted as the client's lag";
}

// Each latency measured lands in the series, in the second it was read: over a run that spans
// seconds, the points' WebSocket histograms hold every one, the largest exactly.
TEST_P(WsTransport, SeriesHoldsEachLatency) {
  ScriptedServer server(
      1,
      [](Peer& p) {
        stamped_messages(p, 24, std::chrono::milliseconds(60), [](int) { return 0.0; });
      },
      tls());
  const json doc =
      run_scripted("      path: /x\n      receive: {duration: 1700ms, latency_from: timestamp}\n",
                   server.url(), GetParam() ? "tls_verify: false\n" : "");
  server.join();
  const auto& ws = doc["steps"][0]["ws"];
  ASSERT_EQ(ws["measured"], 24) << ws.dump();
  std::int64_t in_series = 0, max_ns = 0;
  int points = 0;
  for (const auto& p : doc["series"]) {
    if (!p.contains("ws_latency")) continue;
    ++points;
    in_series += p["ws_latency"]["count"].get<std::int64_t>();
    max_ns = std::max(max_ns, p["ws_latency"]["max_ns"].get<std::int64_t>());
  }
  EXPECT_EQ(in_series, 24);
  EXPECT_GE(points, 2);  // 24 messages 60 ms apart cross a second
  EXPECT_EQ(max_ns, ws["latency"]["max_ns"].get<std::int64_t>());
}

// A session that sends one message and closes when the client does.
void one_message(Peer& p) {
  p.handshake();
  p.send(ws::Opcode::kText, R"({"seq":0})");
  std::string payload;
  while (auto m = p.next(&payload)) {
    if (m->opcode == ws::Opcode::kClose) {
      p.send(ws::Opcode::kClose, std::string("\x03\xe8", 2));
      return;
    }
  }
}

constexpr const char* kShortReceive = "      path: /x\n      receive: {duration: 200ms}\n";

// tls_verify is on by default: a certificate nothing vouches for fails the TLS handshake, as it
// fails libcurl's over https://; tls_verify: false (--insecure) takes it.
TEST(WsTransportTls, UntrustedCertUnlessVerifyOff) {
  testing::TlsIdentity identity(false);
  for (const bool verify : {true, false}) {
    ScriptedServer server(1, one_message, &identity);
    const auto step = run(kShortReceive, server.url(), verify ? "" : "tls_verify: false\n");
    EXPECT_EQ(step["errors"]["tls"], verify ? 1 : 0) << step.dump();
    EXPECT_EQ(step["errors"]["connect"], 0);
    EXPECT_EQ(step["ws"]["sessions"], verify ? 0 : 1);
    EXPECT_EQ(step["ws"]["messages_in"], verify ? 0 : 1);
    EXPECT_EQ(server.tls_failures(), verify ? 1 : 0);
  }
}

// The certificate is trusted (ca_file) but names 127.0.0.1: reached as 127.0.0.2, it is
// another host's.
TEST(WsTransportTls, CertForAnotherAddressIsTls) {
  testing::TlsIdentity identity(false);
  ScriptedServer server(1, one_message, &identity, "127.0.0.2");
  const auto step = run(kShortReceive, server.url(), "ca_file: " + identity.cert_file() + "\n");
  EXPECT_EQ(step["errors"]["tls"], 1) << step.dump();
  EXPECT_EQ(step["ws"]["sessions"], 0);
  EXPECT_EQ(server.tls_failures(), 1);
}

// A server that accepts the connection and never answers the ClientHello: the session's
// timeout, as for a stalled upgrade (the TLS handshake is part of connecting).
TEST(WsTransportTls, StalledTlsHandshakeIsATimeout) {
  ScriptedServer server(1, [](Peer& p) { p.wait_for_eof(); });
  const auto step = run(kShortReceive, server.url("https"), "timeout: 1s\n");
  EXPECT_EQ(step["errors"]["timeout"], 1) << step.dump();
  EXPECT_EQ(step["errors"]["tls"], 0);
  EXPECT_EQ(step["ws"]["sessions"], 0);
}

// HTTP steps of a wss:// scenario go to the same TLS server (libcurl, nested in the loop), not
// in plain text to its port.
TEST(WsTransportTls, HttpStepsBesideWssSessionsUseTls) {
  testing::TlsIdentity identity(false);
  std::string request;
  int connection = 0;
  ScriptedServer server(
      2,
      [&](Peer& p) {
        if (connection++ == 1) return one_message(p);
        request = p.read_head();
        p.send_raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
      },
      &identity);
  const std::string top = "ca_file: " + identity.cert_file() + "\n";
  const std::string health = "  - {name: health, path: /health}\n";
  const json document = run_scripted(kShortReceive, server.url(), top, health);
  server.join();  // `request` is the script's
  const json& steps = document["steps"];
  EXPECT_EQ(request.rfind("GET /health HTTP/1.1\r\n", 0), 0u) << request;
  // The sessions ran on the epoll WebSocket transport, whatever carried the HTTP step.
  EXPECT_EQ(document["engine"]["name"], "epoll");
  EXPECT_EQ(document["engine"]["tls"], true);
  EXPECT_EQ(error_total(steps[0]), 0) << steps.dump();
  EXPECT_EQ(error_total(steps[1]), 0) << steps.dump();
  EXPECT_EQ(steps[1]["ws"]["messages_in"], 1);
}

// --http2 is applied after parsing (which refuses `http: 2` beside ws: steps): the run refuses
// it before connecting.
TEST(WsTransportOptions, Http2IsRefused) {
  Scenario s = parse_scenario(
      "steps: [{ws: {path: /x, receive: {duration: 1s}}}]\n"
      "executor: {type: constant-users, users: 1, iterations: 1, duration: 1s}\n",
      "h2.yaml", "http://127.0.0.1:1");
  s.http2 = true;
  RunOptions options;
  options.quiet = true;
  try {
    run_load(s, options);
    ADD_FAILURE() << "ran";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("WebSocket over HTTP/2 (RFC 8441)"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace neuro::load
