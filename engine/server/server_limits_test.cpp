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
#include "engine/store/connection.hpp"

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

bool have_services() {
  const char* pg = std::getenv("NEUROPERF_PG_URL");
  return pg != nullptr && *pg != '\0';
}

TEST(ServerLimits, ConnectionsPastTheLimitGet503AndTheLimitFreesUp) {
  if (!have_services()) GTEST_SKIP() << "NEUROPERF_PG_URL is not set";
  ServerOptions o;
  o.port = 0;
  o.threads = 1;
  o.handler_threads = 1;
  o.job_workers = 1;
  o.pg_url = store::pg_url_from_env();
  const char* redis = std::getenv("NEUROPERF_REDIS_URL");
  o.redis_url = redis != nullptr && *redis != '\0' ? redis : "redis://127.0.0.1:63799";
  o.schema = "neuro_server_limits_" + std::to_string(::getpid());
  o.data_dir = std::filesystem::temp_directory_path() /
               ("neuroperf-server-limits-" + std::to_string(::getpid()));
  std::filesystem::create_directories(o.data_dir);
  o.token_secret = "0123456789abcdef0123456789abcdef";
  o.demo_data = false;
  o.limits.max_connections = 3;
  auto server = std::make_unique<Server>(o);
  server->start();
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
  server->drain_and_stop();
  server.reset();
  store::Connection c(store::pg_url_from_env());
  c.exec("DROP SCHEMA IF EXISTS " + o.schema + " CASCADE");
  std::error_code ec;
  std::filesystem::remove_all(o.data_dir, ec);
}

}  // namespace
}  // namespace neuro::server::testing
