// Hostile framing on raw sockets, against a server of the test's own with one-second timeouts:
// a request that could be read two ways (Content-Length with Transfer-Encoding, two different
// Content-Lengths) is refused with 400 and the connection closed, so nothing smuggled behind it
// is ever served; chunk sizes past the route's limit or past 64 bits are refused; a folded
// header is one request; headers trickled byte by byte do not hold a connection past the
// header timeout; a HEAD answer carries no body.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "engine/server/testing/own_server.hpp"

namespace neuro::server::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Exchange {
  std::string received;
  bool closed = false;         // the server closed the connection
  double closed_after_ms = 0;  // since the first byte was sent
};

class RawSocket {
 public:
  explicit RawSocket(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
      ADD_FAILURE() << "connect: " << std::strerror(errno);
    }
  }
  ~RawSocket() { ::close(fd_); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  // False once the server has closed (or reset) the connection.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // Reads until the server closes or nothing more arrives for `quiet`.
  void read_into(Exchange& e, std::chrono::milliseconds quiet, Clock::time_point started) {
    char buffer[65536];
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) return;
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        e.closed = true;
        e.closed_after_ms =
            std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        return;
      }
      e.received.append(buffer, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
};

Exchange exchange(unsigned short port, std::string_view bytes,
                  std::chrono::milliseconds quiet = 1500ms) {
  RawSocket s(port);
  Exchange e;
  const auto started = Clock::now();
  s.send(bytes);
  s.read_into(e, quiet, started);
  return e;
}

// The status of every response in `received`, in order.
std::vector<int> statuses(const std::string& received) {
  std::vector<int> out;
  for (std::size_t at = received.find("HTTP/1.1 "); at != std::string::npos;
       at = received.find("HTTP/1.1 ", at + 1)) {
    if (at == 0 || received.compare(at - 2, 2, "\r\n") == 0 || received[at - 1] == '}') {
      out.push_back(std::stoi(received.substr(at + 9, 3)));
    }
  }
  return out;
}

// The first response's body, parsed as JSON (the error's {"error","detail"}).
nlohmann::json first_body(const std::string& received) {
  const auto head_end = received.find("\r\n\r\n");
  if (head_end == std::string::npos) return nullptr;
  const auto length_at = received.find("Content-Length: ");
  if (length_at == std::string::npos || length_at > head_end) return nullptr;
  const auto length = std::stoul(received.substr(length_at + 16));
  return nlohmann::json::parse(received.substr(head_end + 4, length), nullptr, false);
}

class ServerFraming : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_pg()) return;
    own_ = std::make_unique<OwnServer>("framing", [](ServerOptions& o) {
      o.limits.idle_timeout = 1s;
      o.limits.read_timeout = 1s;
      o.limits.body_timeout = 2s;
    });
  }
  static void TearDownTestSuite() { own_.reset(); }
  void SetUp() override {
    if (!own_) GTEST_SKIP() << "NEUROPERF_PG_URL is not set";
  }
  static unsigned short port() { return own_->port(); }
  // The smuggled request behind every ambiguous one: if it is ever answered, the framing was
  // read the attacker's way.
  static constexpr std::string_view kSmuggled = "GET /health HTTP/1.1\r\nHost: t\r\n\r\n";
  static std::unique_ptr<OwnServer> own_;
};
std::unique_ptr<OwnServer> ServerFraming::own_;

void expect_refused_alone(const Exchange& e, int status) {
  const auto seen = statuses(e.received);
  ASSERT_EQ(seen.size(), 1u) << "answers: " << e.received;
  EXPECT_EQ(seen[0], status) << e.received;
  EXPECT_TRUE(e.closed) << "the connection stayed open after an ambiguous request";
  const auto body = first_body(e.received);
  EXPECT_TRUE(body.is_object() && body.contains("error") && body.contains("detail")) << e.received;
}

TEST_F(ServerFraming, ContentLengthAndChunkedIsRefused) {
  const std::string request =
      "POST /auth/token HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
      std::string(kSmuggled);
  expect_refused_alone(exchange(port(), request), 400);
}

TEST_F(ServerFraming, TwoDifferentLengthsAreRefused) {
  const std::string request =
      "POST /auth/token HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}" +
      std::string(kSmuggled);
  expect_refused_alone(exchange(port(), request), 400);
}

TEST_F(ServerFraming, OversizeChunkSizesAreRefused) {
  // 2 MiB announced for a JSON route (1 MiB): refused before it is sent.
  expect_refused_alone(exchange(port(),
                                "POST /auth/token HTTP/1.1\r\nHost: t\r\nContent-Type: "
                                "application/json\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\n"),
                       413);
  // More hex digits than 64 bits hold: a parse error, not a wrapped-around small size.
  expect_refused_alone(exchange(port(),
                                "POST /auth/token HTTP/1.1\r\nHost: t\r\nContent-Type: "
                                "application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "10000000000000002\r\n{}\r\n0\r\n\r\n" +
                                    std::string(kSmuggled)),
                       400);
}

TEST_F(ServerFraming, AFoldedHeaderIsOneRequest) {
  const auto e = exchange(port(),
                          "GET /health HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n"
                          " GET /metrics HTTP/1.1\r\n\r\n");
  const auto seen = statuses(e.received);
  // Refused, or served once as /health (the folded line is part of X-Folded's value).
  ASSERT_EQ(seen.size(), 1u) << e.received;
  EXPECT_TRUE(seen[0] == 400 || seen[0] == 200) << e.received;
  EXPECT_EQ(e.received.find("neuroperf_http_requests_total"), std::string::npos)
      << "the folded line was served as a request of its own";
}

TEST_F(ServerFraming, TrickledHeadersAreCutAtTheTimeout) {
  RawSocket s(port());
  const auto started = Clock::now();
  ASSERT_TRUE(s.send("GET /health HTTP/1.1\r\nHost: t\r\n"));
  // One byte every 100 ms, for up to 5 s: far longer than the 1 s the header may take.
  bool still_open = true;
  while (still_open && Clock::now() - started < 5s) {
    std::this_thread::sleep_for(100ms);
    still_open = s.send("X");
  }
  Exchange e;
  s.read_into(e, 2000ms, started);
  const double held_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  EXPECT_TRUE(!still_open || e.closed) << "still open after " << held_ms << " ms";
  EXPECT_LT(held_ms, 3500.0) << "a trickled header held the connection past its 1 s timeout";
  EXPECT_TRUE(statuses(e.received).empty() || statuses(e.received)[0] >= 400) << e.received;
  RecordProperty("trickled_header_held_ms", std::to_string(held_ms));
}

TEST_F(ServerFraming, IdleConnectionIsClosedAtIdleTimeout) {
  RawSocket s(port());
  Exchange e;
  const auto started = Clock::now();
  s.read_into(e, 4000ms, started);
  EXPECT_TRUE(e.closed) << "an idle connection stayed open 4 s past a 1 s idle timeout";
  EXPECT_GT(e.closed_after_ms, 800.0);
  EXPECT_LT(e.closed_after_ms, 3000.0);
}

// Requests 600 ms apart for 3 s: each one moves the idle deadline on (the connection lives
// three times its 1 s idle timeout), and the deadline after the last answer still closes it.
TEST_F(ServerFraming, EachRequestMovesTheIdleDeadline) {
  RawSocket s(port());
  const auto started = Clock::now();
  for (int i = 0; i < 5; ++i) {
    if (i > 0) std::this_thread::sleep_until(started + i * 600ms);
    ASSERT_TRUE(s.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")) << "request " << i;
    Exchange e;
    s.read_into(e, 300ms, started);
    EXPECT_EQ(statuses(e.received), std::vector<int>{200}) << "request " << i << ": " << e.received;
    ASSERT_FALSE(e.closed) << "closed after " << e.closed_after_ms << " ms, at request " << i;
  }
  const auto last = Clock::now();
  Exchange e;
  s.read_into(e, 4000ms, last);
  EXPECT_TRUE(e.closed) << "still open 4 s after the last answer";
  EXPECT_LT(e.closed_after_ms, 3000.0);
}

TEST_F(ServerFraming, StalledBodyIsCutAtTheReadTimeout) {
  RawSocket s(port());
  const auto started = Clock::now();
  ASSERT_TRUE(
      s.send("POST /auth/token HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
             "Content-Length: 100\r\n\r\n{\"username\":"));
  Exchange e;
  s.read_into(e, 4000ms, started);
  EXPECT_TRUE(e.closed) << e.received;
  EXPECT_LT(e.closed_after_ms, 3500.0);
}

// A streamed upload (read raw, piece by piece) whose client stops sending is cut at the read
// timeout too, not held for the body's whole length.
TEST_F(ServerFraming, StalledUploadIsCutAtTheReadTimeout) {
  const std::string credentials = R"({"username":"test_user","password":"test_pass"})";
  const auto login = exchange(port(),
                              "POST /auth/token HTTP/1.1\r\nHost: t\r\nContent-Type: "
                              "application/json\r\nContent-Length: " +
                                  std::to_string(credentials.size()) + "\r\n\r\n" + credentials,
                              500ms);
  const auto token = first_body(login.received);
  ASSERT_TRUE(token.is_object() && token.contains("access_token")) << login.received;
  RawSocket s(port());
  const auto started = Clock::now();
  ASSERT_TRUE(s.send("POST /api/v2/data/upload HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                     token["access_token"].get<std::string>() +
                     "\r\nContent-Type: multipart/form-data; boundary=b0undary\r\n"
                     "Content-Length: 1000000\r\n\r\n--b0undary\r\nContent-Disposition: "
                     "form-data; name=\"session_id\"\r\n\r\nstalled"));
  Exchange e;
  s.read_into(e, 4000ms, started);
  EXPECT_TRUE(e.closed) << "a stalled upload held its connection for 4 s: " << e.received;
  EXPECT_LT(e.closed_after_ms, 3500.0);
}

// HEAD is answered like GET, without the body (RFC 9110 9.3.2): a body there would be read as
// the start of the next answer on the connection.
TEST_F(ServerFraming, HeadAnswerCarriesNoBody) {
  const auto e = exchange(port(),
                          "HEAD /health HTTP/1.1\r\nHost: t\r\n\r\n"
                          "GET /health HTTP/1.1\r\nHost: t\r\n\r\n",
                          500ms);
  ASSERT_EQ(statuses(e.received), (std::vector<int>{200, 200})) << e.received;
  const auto head_end = e.received.find("\r\n\r\n");
  EXPECT_EQ(e.received.compare(head_end + 4, 9, "HTTP/1.1 "), 0) << e.received;
  const auto get_at = head_end + 4;
  const auto get_head_end = e.received.find("\r\n\r\n", get_at);
  const auto length = [&](std::size_t from) {
    const auto at = e.received.find("Content-Length: ", from);
    return std::stoul(e.received.substr(at + 16));
  };
  const auto get_body = e.received.substr(get_head_end + 4);
  EXPECT_EQ(length(0), get_body.size()) << "HEAD's Content-Length is GET's";
  EXPECT_EQ(length(get_at), get_body.size());
  EXPECT_TRUE(nlohmann::json::parse(get_body, nullptr, false).contains("status")) << get_body;
}

}  // namespace
}  // namespace neuro::server::testing
