#include "engine/server/testing/http_client.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/server/auth.hpp"
#include "engine/server/testing/own_server.hpp"
#include "engine/store/connection.hpp"

namespace neuro::server::testing {

HttpResult http_call(unsigned short port, http::verb method, const std::string& target,
                     const std::string& body, const std::string& content_type,
                     const std::map<std::string, std::string>& headers) {
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  StringRequest request{method, target, 11};
  request.set(http::field::host, "127.0.0.1");
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  for (const auto& [k, v] : headers) request.set(k, v);
  request.body() = body;
  if (!body.empty() || method == http::verb::post) request.prepare_payload();
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1u << 30);
  http::read(stream, buffer, parser);
  const auto& response = parser.get();
  HttpResult result;
  result.status = response.result_int();
  result.content_type = std::string(response[http::field::content_type]);
  result.body = response.body();
  for (const auto& f : response)
    result.headers[std::string(f.name_string())] = std::string(f.value());
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return result;
}

std::string multipart_body(const std::vector<FormPart>& parts, const std::string& boundary) {
  std::string out;
  for (const auto& p : parts) {
    out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.content_type.empty())
      out += "; filename=\"" + p.name + "\"\r\nContent-Type: " + p.content_type;
    out += "\r\n\r\n" + p.value + "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

namespace {
struct Suite {
  ServerOptions options;
  std::unique_ptr<Server> server;
  std::string token;
};
// The suite's server, from SetUpTestSuite to TearDownTestSuite.
std::unique_ptr<Suite> suite;
}  // namespace

void ServerTest::SetUpTestSuite() {
  if (!have_pg() || suite) return;
  suite = std::make_unique<Suite>();
  suite->options = test_server_options("test");
  auto& o = suite->options;
  o.threads = 2;
  o.handler_threads = 4;
  // Few PBKDF2 iterations: the tests log in often; the shipped file uses 100,000.
  o.users_file = o.data_dir / "users.txt";
  {
    std::ofstream users(o.users_file);
    users << users_file_line("test_user", hash_password("test_pass", 1000)) << "\n";
    users << users_file_line("test@example.com", hash_password("password", 1000)) << "\n";
  }
  o.demo_data = true;
  suite->server = std::make_unique<Server>(o);
  suite->server->start();
  const auto r =
      http_call(suite->server->port(), http::verb::post, "/auth/token",
                R"({"username":"test_user","password":"test_pass"})", "application/json");
  suite->token = nlohmann::json::parse(r.body).at("access_token").get<std::string>();
}

void ServerTest::TearDownTestSuite() {
  if (!suite) return;
  suite->server->drain_and_stop();
  suite->server.reset();
  try {
    store::Connection c(store::pg_url_from_env());
    c.exec("DROP SCHEMA IF EXISTS " + suite->options.schema + " CASCADE");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cleanup: " << e.what();
  }
  std::error_code ec;
  std::filesystem::remove_all(suite->options.data_dir, ec);
  suite.reset();
}

void ServerTest::SetUp() {
  if (!have_pg()) GTEST_SKIP() << "NEUROPERF_PG_URL is not set";
  ASSERT_NE(suite, nullptr);
}

unsigned short ServerTest::port() { return suite->server->port(); }
Server& ServerTest::server() { return *suite->server; }
ServerOptions& ServerTest::options() { return suite->options; }
const std::string& ServerTest::token() { return suite->token; }
std::map<std::string, std::string> ServerTest::auth() {
  return {{"Authorization", "Bearer " + suite->token}};
}
HttpResult ServerTest::get(const std::string& target, std::map<std::string, std::string> headers) {
  headers.insert({"Authorization", "Bearer " + suite->token});
  return http_call(port(), http::verb::get, target, "", "", headers);
}
HttpResult ServerTest::post_json(const std::string& target, const nlohmann::json& body) {
  return http_call(port(), http::verb::post, target, body.dump(), "application/json", auth());
}
nlohmann::json ServerTest::wait_done(const std::string& target) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    const auto r = get(target);
    auto j = r.json();
    if (r.status != 200 || j["status"] == "completed" || j["status"] == "failed" ||
        std::chrono::steady_clock::now() > deadline) {
      return j;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace neuro::server::testing
