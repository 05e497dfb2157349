// For the server's tests: a blocking HTTP/1.1 client on Beast (one connection per call, or a
// kept-alive one), a multipart/form-data body builder, and a fixture that runs the server
// in-process on port 0 with a schema and data directory of its own.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/server/beast.hpp"
#include "engine/server/server.hpp"

namespace neuro::server::testing {

struct HttpResult {
  unsigned status = 0;
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> headers;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

HttpResult http_call(unsigned short port, http::verb method, const std::string& target,
                     const std::string& body = "", const std::string& content_type = "",
                     const std::map<std::string, std::string>& headers = {});

struct FormPart {
  std::string name;
  std::string value;
  std::string content_type;  // empty: none
};
// Returns the body; `boundary` is what goes into the Content-Type.
std::string multipart_body(const std::vector<FormPart>& parts, const std::string& boundary);

// One server for the whole test suite. Skips when NEUROPERF_PG_URL is unset.
class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  static unsigned short port();
  static Server& server();
  static ServerOptions& options();
  // A token for test_user.
  static const std::string& token();
  static std::map<std::string, std::string> auth();
  static HttpResult get(const std::string& target, std::map<std::string, std::string> headers = {});
  static HttpResult post_json(const std::string& target, const nlohmann::json& body);
  // Polls GET target until "status" is completed or failed (or 30 s).
  static nlohmann::json wait_done(const std::string& target);
};

}  // namespace neuro::server::testing
