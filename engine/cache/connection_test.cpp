// Connecting, failing to connect, timeouts and error replies against a real Redis (and against
// sockets that play an absent or a hung server).
#include "engine/cache/connection.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "engine/base/errors.hpp"
#include "engine/cache/commands.hpp"
#include "engine/cache/test_support.hpp"

namespace neuro::cache {
namespace {

using base::Error;
using base::ExitCode;
using testing::LocalSocket;
using testing::RedisTest;

using Clock = std::chrono::steady_clock;

TEST_F(RedisTest, AnswersPing) {
  const Reply reply = redis().command({"PING"});
  EXPECT_TRUE(reply.is_status());
  EXPECT_EQ(reply.text(), "PONG");
  EXPECT_FALSE(redis().broken());
  EXPECT_EQ(redis().pending(), 0u);
}

TEST_F(RedisTest, PreformattedIsSentAsIs) {
  const std::string k = key("formatted");
  const std::string set = format_command({"SET", k, "from RESP"});
  redis().append_formatted(set);
  redis().append_formatted(format_command({"GET", k}));
  EXPECT_EQ(redis().pending(), 2u);
  EXPECT_EQ(redis().read_reply().text(), "OK");
  EXPECT_EQ(redis().read_reply().text(), "from RESP");
  EXPECT_EQ(redis().command({"STRLEN", k}).integer(), 9);
}

TEST(RedisConnection, ClosedPortFailsFast) {
  const RedisUrl url = testing::closed_port_url();
  const auto start = Clock::now();
  try {
    Connection::open(url, {.connect_timeout_ms = 1000, .command_timeout_ms = 1000});
    FAIL() << "connected to a closed port";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUnreachable);
    EXPECT_EQ(base::to_int(e.code()), 3);
    const std::string message = e.what();
    EXPECT_NE(message.find(url.display() + ": cannot connect: "), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
  // A guard against hanging, not a speed check: a refused connect must not wait for timeouts.
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST(RedisConnection, HungServerTimesOut) {
  LocalSocket hung(true);
  Connection connection =
      Connection::open(hung.url(), {.connect_timeout_ms = 1000, .command_timeout_ms = 200});
  try {
    connection.command({"PING"});
    FAIL() << "a server that never answers answered";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUnreachable);
    EXPECT_NE(std::string(e.what()).find("no reply within 200 ms"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(connection.broken());
  EXPECT_THROW(connection.command({"PING"}), Error);
}

TEST(RedisConnection, RejectsZeroTimeouts) {
  EXPECT_THROW(Connection::open(redis_url_from_env(), {.connect_timeout_ms = 0}),
               base::InvalidArgument);
}

TEST_F(RedisTest, ErrorReplyThrowsBadInput) {
  try {
    redis().command({"NOSUCHCOMMAND", "x"});
    FAIL() << "an unknown command succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("NOSUCHCOMMAND x: ERR unknown command"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(redis().broken());
  EXPECT_EQ(redis().command({"PING"}).text(), "PONG");
}

TEST_F(RedisTest, SelectsTheDatabaseOfTheUrl) {
  RedisUrl other = url();
  other.db = url().db == 0 ? 1 : 0;
  Connection elsewhere = Connection::open(other);
  const std::string k = key("db");
  set_string(elsewhere, k, "in the other database");
  EXPECT_EQ(get_string(elsewhere, k), "in the other database");
  EXPECT_EQ(get_string(redis(), k), std::nullopt);
  // Independent check: the server's own view of which database each client uses.
  const std::string client = std::string(elsewhere.command({"CLIENT", "INFO"}).text());
  EXPECT_NE(client.find(" db=" + std::to_string(other.db) + " "), std::string::npos) << client;
  remove(elsewhere, k);
}

TEST_F(RedisTest, WrongPasswordIsUnreachable) {
  if (!url().password.empty()) GTEST_SKIP() << "the server under test has a password";
  RedisUrl with_password = url();
  with_password.password = "not-the-password";
  try {
    Connection::open(with_password);
    FAIL() << "AUTH with a password was accepted by a server without one";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUnreachable);
    const std::string message = e.what();
    EXPECT_NE(message.find("AUTH refused"), std::string::npos) << message;
    EXPECT_EQ(message.find("not-the-password"), std::string::npos) << "password leaked";
  }
}

TEST_F(RedisTest, ServerCloseIsReportedNotHung) {
  Connection victim = Connection::open(url());
  const std::string id = std::to_string(victim.command({"CLIENT", "ID"}).integer());
  redis().command({"CLIENT", "KILL", "ID", id});
  try {
    victim.command({"PING"});
    FAIL() << "a killed connection answered";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUnreachable);
    EXPECT_NE(std::string(e.what()).find(url().display()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(victim.broken());
}

}  // namespace
}  // namespace neuro::cache
