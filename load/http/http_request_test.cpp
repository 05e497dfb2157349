#include "load/http/http_request.hpp"

#include <gtest/gtest.h>

namespace neuro::load {
namespace {

TEST(HttpRequest, SerialisesAndSubstitutes) {
  Step step;
  step.method = "POST";
  step.path = "/items/${id}";
  step.headers = {{"X-Trace", "t-${id}"}};
  step.body = "{}";
  step.content_type = "application/json";
  const auto target = parse_target_url("http://localhost:8080");
  EXPECT_EQ(target.port, 8080);
  const auto r = serialize_request(step, target, "Authorization: Bearer T", {{"id", "42"}});
  EXPECT_EQ(r,
            "POST /items/42 HTTP/1.1\r\nHost: localhost:8080\r\nX-Trace: t-42\r\n"
            "Authorization: Bearer T\r\nContent-Type: application/json\r\n"
            "Content-Length: 2\r\n\r\n{}");
  EXPECT_EQ(capture_json(R"({"data": {"items": [{"id": 5}, {"id": "x"}]}})", "data.items.1.id"),
            "x");
  EXPECT_EQ(capture_json(R"({"data": {"items": [{"id": 5}]}})", "data.items.0.id"), "5");
  EXPECT_EQ(capture_json("not json", "id"), "");
  EXPECT_EQ(check_target_url("https://x"), "");
  EXPECT_NE(check_target_url("https://x:0"), "");
  EXPECT_NE(check_target_url("https://x/api"), "");
  EXPECT_NE(check_target_url("http://x:99999"), "");
  EXPECT_NE(check_target_url("http://x/api"), "");
  EXPECT_EQ(check_target_url("http://x/"), "");
}

}  // namespace
}  // namespace neuro::load
