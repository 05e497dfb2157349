// The one-thread multiplexer against a real Redis: every command runs once, each reply reaches
// the check for its own command (compared with plain GETs), failures are counted, and a killed
// or hung connection is an error, not a hang.
#include "engine/cache/multiplexer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"
#include "engine/cache/commands.hpp"
#include "engine/cache/test_support.hpp"

namespace neuro::cache {
namespace {

using base::Error;
using base::ExitCode;
using testing::RedisTest;

std::vector<Connection> open_connections(const RedisUrl& url, int count,
                                         ConnectionOptions options = {}) {
  std::vector<Connection> connections;
  connections.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) connections.push_back(Connection::open(url, options));
  return connections;
}

TEST_F(RedisTest, MultiplexerMatchesEveryReply) {
  constexpr std::size_t kOps = 1003;  // not a multiple of connections x depth
  std::vector<std::string> keys;
  std::vector<std::string> values;
  for (std::size_t i = 0; i < kOps; ++i) {
    keys.push_back(key(std::to_string(i)));
    values.push_back(std::to_string(i * 104729 % 1000003) + "v");
  }
  Multiplexer multiplexer(open_connections(url(), 5));
  const auto set = multiplexer.run(
      kOps, 7,
      [&](Connection& c, std::size_t op) {
        c.append({"SET", keys[op], values[op], "PX", "60000"});
      },
      [](const Reply& reply, std::size_t) { return reply.is_status() && reply.text() == "OK"; });
  EXPECT_EQ(set.completed, kOps);
  EXPECT_EQ(set.failed, 0u);
  EXPECT_GE(set.window_latency.count(), static_cast<std::int64_t>(kOps / 7));
  // Reference: one plain GET per key on another connection.
  for (std::size_t i = 0; i < kOps; ++i) ASSERT_EQ(get_string(redis(), keys[i]), values[i]);

  std::vector<std::string> seen(kOps);
  std::vector<int> times_seen(kOps, 0);
  const auto get = multiplexer.run(
      kOps, 16,
      [&](Connection& c, std::size_t op) {
        c.append({"GET", keys[op]});
      },
      [&](const Reply& reply, std::size_t op) {
        seen[op] = std::string(reply.text());
        ++times_seen[op];
        return reply.is_string();
      });
  EXPECT_EQ(get.completed, kOps);
  EXPECT_EQ(get.failed, 0u);
  EXPECT_EQ(seen, values);
  EXPECT_EQ(std::count(times_seen.begin(), times_seen.end(), 1), static_cast<long>(kOps));
}

TEST_F(RedisTest, MultiplexerCountsRejected) {
  const std::string list = key("list");
  redis().command({"RPUSH", list, "x"});
  Multiplexer multiplexer(open_connections(url(), 2));
  const auto result = multiplexer.run(
      10, 3,
      [&](Connection& c, std::size_t) {
        c.append({"GET", list});
      },
      [](const Reply& reply, std::size_t) { return !reply.is_error(); });
  EXPECT_EQ(result.completed, 10u);
  EXPECT_EQ(result.failed, 10u);  // WRONGTYPE every time
}

TEST_F(RedisTest, MultiplexerSeesKilledClient) {
  auto connections = open_connections(url(), 3);
  const std::string id = std::to_string(connections[1].command({"CLIENT", "ID"}).integer());
  Multiplexer multiplexer(std::move(connections));
  redis().command({"CLIENT", "KILL", "ID", id});
  try {
    multiplexer.run(
        300, 10, [](Connection& c, std::size_t) { c.append({"PING"}); },
        [](const Reply&, std::size_t) { return true; });
    FAIL() << "a killed connection went unnoticed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUnreachable);
    EXPECT_NE(std::string(e.what()).find(url().display()), std::string::npos) << e.what();
  }
}

TEST(Multiplexer, HungServerTimesOut) {
  testing::LocalSocket hung(true);
  Multiplexer multiplexer(open_connections(hung.url(), 2, {.command_timeout_ms = 200}));
  try {
    multiplexer.run(
        4, 2, [](Connection& c, std::size_t) { c.append({"PING"}); },
        [](const Reply&, std::size_t) { return true; });
    FAIL() << "a server that never answers answered";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUnreachable);
    EXPECT_NE(std::string(e.what()).find("no reply within 200 ms"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Multiplexer({}), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::cache
