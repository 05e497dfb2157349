// The WebSocket transport against a scripted loopback server (a thread, blocking sockets, the
// frames written by hand): what a real server rarely does on cue. Pings are answered with their
// payload, every client frame is masked, fragmented messages are measured once, sequence gaps
// and repeats are counted, an early close keeps its code and is an error, a masked server frame
// and an oversize message are refused with 1002 and 1009, a missing subprotocol fails the
// handshake.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <thread>

#include "load/run/runner.hpp"
#include "load/scenario/scenario.hpp"
#include "load/ws/frame.hpp"
#include "load/ws/handshake.hpp"

namespace neuro::load {
namespace {

using nlohmann::json;

// One accepted connection: its handshake done, frames in and out.
class Peer {
 public:
  explicit Peer(int fd) : fd_(fd) {}
  ~Peer() { ::close(fd_); }
  // Reads the upgrade request and answers 101 (with `subprotocol` when not empty).
  std::string handshake(const std::string& subprotocol = "") {
    std::string head;
    char c;
    while (head.find("\r\n\r\n") == std::string::npos && ::recv(fd_, &c, 1, 0) == 1) head += c;
    const auto at = head.find("Sec-WebSocket-Key: ");
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
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
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
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
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

 private:
  int fd_;
  ws::FrameReader reader_{1 << 20, /*expect_masked=*/true};
  std::vector<ws::Message> queue_;
  std::vector<std::string> payloads_;
  ws::ReadError error_ = ws::ReadError::kNone;
};

// Accepts `connections` connections in turn and runs `script` on each.
class ScriptedServer {
 public:
  ScriptedServer(int connections, std::function<void(Peer&)> script) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, connections, script] {
      for (int i = 0; i < connections; ++i) {
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) return;
        Peer peer(fd);
        script(peer);
      }
    });
  }
  ~ScriptedServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
    ::close(listen_fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

json run(const std::string& ws_fields, const ScriptedServer& server, double duration_s = 5) {
  const std::string yaml = "name: scripted\nsteps:\n  - ws:\n" + ws_fields +
                           "executor: {type: constant-users, users: 1, iterations: 1, duration: " +
                           std::to_string(duration_s) + "s}\n";
  RunOptions options;
  options.quiet = true;
  options.threads = 1;
  // No auth step: the runner's reachability check opens (and closes) one connection first.
  return run_load(parse_scenario(yaml, "scripted.yaml", server.url()), options)["steps"][0];
}

// The runner checks the target answers with a plain connection before the run.
void skip_probe(Peer&) {}

TEST(WsTransport, PingsFragmentsGapsAndMasking) {
  std::string pong, client_close;
  bool all_masked = true;
  int counter = 0;
  ScriptedServer server(2, [&](Peer& p) {
    if (counter++ == 0) return skip_probe(p);
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
  });
  const auto step = run(R"(      path: /x
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
  EXPECT_EQ(step["errors"]["read"], 0);
}

TEST(WsTransport, EarlyCloseKeepsItsCodeAndIsAnError) {
  int counter = 0;
  std::string echoed;
  ScriptedServer server(2, [&](Peer& p) {
    if (counter++ == 0) return;
    p.handshake();
    p.send(ws::Opcode::kClose, std::string("\x03\xf3", 2) + "overloaded");  // 1011
    std::string payload;
    if (auto m = p.next(&payload); m && m->opcode == ws::Opcode::kClose) {
      echoed = std::to_string(m->close_code);
    }
  });
  const auto step = run("      path: /x\n      receive: {duration: 2s}\n", server);
  EXPECT_EQ(step["ws"]["close_codes"], json({{"1011", 1}}));
  EXPECT_EQ(step["ws"]["errors"]["closed"], 1);
  EXPECT_EQ(step["errors"]["read"], 1);
  EXPECT_EQ(echoed, "1011");
}

TEST(WsTransport, RefusesMaskedFramesAndBigMessages) {
  for (const bool oversize : {false, true}) {
    int counter = 0;
    std::string code;
    ScriptedServer server(2, [&](Peer& p) {
      if (counter++ == 0) return;
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
    });
    const auto step =
        run("      path: /x\n      max_message: 200B\n      receive: {duration: 2s}\n", server);
    EXPECT_EQ(code, oversize ? "1009" : "1002");
    EXPECT_EQ(step["ws"]["errors"][oversize ? "too_big" : "protocol"], 1);
    EXPECT_EQ(step["errors"]["read"], 1);
  }
}

TEST(WsTransport, MissingSubprotocolFailsTheHandshake) {
  int counter = 0;
  std::string asked;
  ScriptedServer server(2, [&](Peer& p) {
    if (counter++ == 0) return;
    const auto head = p.handshake();
    const auto at = head.find("Sec-WebSocket-Protocol: ");
    if (at != std::string::npos) asked = head.substr(at + 24, head.find("\r\n", at) - at - 24);
  });
  const auto step =
      run("      path: /x\n      subprotocol: eeg.v1\n      receive: {duration: 1s}\n", server);
  EXPECT_EQ(asked, "eeg.v1");
  EXPECT_EQ(step["ws"]["errors"]["handshake"], 1);
  EXPECT_EQ(step["ws"]["sessions"], 0);
  EXPECT_EQ(step["errors"]["status_unexpected"], 1);
}

}  // namespace
}  // namespace neuro::load
