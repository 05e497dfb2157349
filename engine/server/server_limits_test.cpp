// The connection limit, on a server of the test's own (limit 3, port 0): three kept-alive
// connections are served, a fourth is answered 503 with the JSON error at once and closed (and
// counted in /metrics), and once one of the three closes a new connection is served again.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "engine/server/metrics.hpp"
#include "engine/server/server.hpp"
#include "engine/server/testing/http_client.hpp"
#include "engine/server/testing/own_server.hpp"

namespace neuro::server::testing {
namespace {

using namespace std::chrono_literals;

struct Answer {
  unsigned status = 0;
  std::string body;
  bool closed_after = false;  // the server closed the connection after this answer
};

class RawConnection {
 public:
  explicit RawConnection(unsigned short port) : socket_(io_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  void send_get(const std::string& target) {
    StringRequest request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.keep_alive(true);
    http::write(socket_, request);
  }
  Answer read() {
    http::response<http::string_body> response;
    http::read(socket_, buffer_, response);
    Answer a{response.result_int(), response.body(), !response.keep_alive()};
    if (a.closed_after) {
      beast::error_code ec;
      char byte;
      socket_.read_some(net::buffer(&byte, 1), ec);
      a.closed_after = ec == net::error::eof;  // really closed, not merely announced
    }
    return a;
  }

 private:
  net::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

TEST(ServerLimits, ConnectionsPastTheLimitGet503) {
  if (!have_pg()) GTEST_SKIP() << "NEUROPERF_PG_URL is not set";
  OwnServer own("limits", [](ServerOptions& o) { o.limits.max_connections = 3; });
  Server* server = &own.server();
  const unsigned short port = server->port();
  {
    std::vector<std::unique_ptr<RawConnection>> kept;
    for (int i = 0; i < 3; ++i) {
      kept.push_back(std::make_unique<RawConnection>(port));
      kept.back()->send_get("/health");
      const Answer a = kept.back()->read();
      EXPECT_EQ(a.status, 200u) << "connection " << i << ": " << a.body;
      EXPECT_FALSE(a.closed_after) << "connection " << i;
    }
    EXPECT_EQ(server->context().metrics.open_connections(), 3);

    // The fourth is refused before it sends anything: 503, the JSON error, then closed.
    RawConnection over(port);
    const auto asked = std::chrono::steady_clock::now();
    const Answer refused = over.read();
    const auto refused_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - asked).count();
    EXPECT_EQ(refused.status, 503u);
    const auto body = nlohmann::json::parse(refused.body);
    EXPECT_EQ(body.at("error"), "service_unavailable") << refused.body;
    EXPECT_NE(body.at("detail").get<std::string>().find("connection limit"), std::string::npos);
    EXPECT_TRUE(refused.closed_after);
    EXPECT_LT(refused_ms, 5000.0);
    RecordProperty("refused_after_ms", std::to_string(refused_ms));
    std::printf("refused after %.3f ms\n", refused_ms);

    // The three kept connections are still served.
    kept[0]->send_get("/health");
    EXPECT_EQ(kept[0]->read().status, 200u);
    kept.pop_back();  // one closes
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (server->context().metrics.open_connections() > 2 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    RawConnection again(port);
    again.send_get("/metrics");
    const Answer metrics = again.read();
    EXPECT_EQ(metrics.status, 200u) << metrics.body;
    EXPECT_NE(metrics.body.find("neuroperf_http_rejected_connections_total 1"), std::string::npos)
        << metrics.body.substr(0, 2000);
  }
}

}  // namespace
}  // namespace neuro::server::testing
