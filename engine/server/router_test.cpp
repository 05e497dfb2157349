#include "engine/server/router.hpp"

#include <gtest/gtest.h>

#include "engine/server/api_error.hpp"
#include "engine/server/handlers/handlers.hpp"

namespace neuro::server {
namespace {

TEST(Router, MatchesPatternsAndCapturesSegments) {
  const Router r = handlers::make_router(Limits{});
  auto m = r.match(http::verb::get, "/api/v2/sessions/abc/data");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v2/sessions/{id}/data");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0], "abc");
  m = r.match(http::verb::delete_, "/api/v2/sessions/abc");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  m = r.match(http::verb::get, "/api/v2/sessions//data");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.path_known);
  EXPECT_EQ(r.match(http::verb::get, "/health").route->auth_required, false);
}

TEST(Router, SplitsAndDecodesTargets) {
  std::string path;
  std::map<std::string, std::string> query;
  split_target("/a%20b?x=1&y=%2Fz+w&flag", path, query);
  EXPECT_EQ(path, "/a b");
  EXPECT_EQ(query["x"], "1");
  EXPECT_EQ(query["y"], "/z w");
  EXPECT_EQ(query.count("flag"), 1u);
  EXPECT_THROW(split_target("/a%zz", path, query), ApiError);
  EXPECT_THROW(split_target("/a%2", path, query), ApiError);
}

}  // namespace
}  // namespace neuro::server
