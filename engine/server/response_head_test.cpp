// The response head we write beside the body, against Beast's own serializer (operator<<) on
// the same responses: the bytes on the wire must not change.
#include "engine/server/response_head.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "engine/server/api_error.hpp"

namespace neuro::server {
namespace {

std::string beast_bytes(const StringResponse& response) {
  std::ostringstream out;
  out << response;
  return out.str();
}

StringResponse prepared(StringResponse response, bool keep_alive) {
  response.version(11);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

TEST(ResponseHead, EqualsBeastSerializer) {
  std::vector<StringResponse> cases;
  cases.push_back(prepared(json_text_response(http::status::ok, R"({"status":"ok"})"), true));
  cases.push_back(prepared(error_response(http::status::not_found, "no route for /x"), false));
  cases.push_back(prepared(json_response(http::status::created, {{"id", "17"}}), true));
  StringResponse custom{http::status::accepted, 11};
  custom.reason("Taken In");
  custom.set(http::field::location, "/api/v2/jobs/9");
  custom.insert("X-Repeated", "a");
  custom.insert("X-Repeated", "b");
  cases.push_back(prepared(std::move(custom), true));
  cases.push_back(prepared(StringResponse{http::status::no_content, 11}, true));
  StringResponse old{http::status::ok, 10};
  old.body() = "plain";
  old.prepare_payload();
  cases.push_back(std::move(old));
  std::string head;
  for (const auto& response : cases) {
    write_response_head(response, head);
    EXPECT_EQ(head + response.body(), beast_bytes(response));
  }
}

}  // namespace
}  // namespace neuro::server
