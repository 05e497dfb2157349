// NEUROPERF_REDIS_URL parsing: every accepted form, and a one-line bad-input error naming the
// source and the text for every malformed one. Also the RESP formatting of commands, against
// the protocol's own example.
#include "engine/cache/redis_url.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "engine/base/errors.hpp"
#include "engine/cache/connection.hpp"

namespace neuro::cache {
namespace {

TEST(RedisUrl, ParsesHostPortPasswordAndDatabase) {
  const RedisUrl plain = parse_redis_url("redis://127.0.0.1:63799");
  EXPECT_EQ(plain.host, "127.0.0.1");
  EXPECT_EQ(plain.port, 63799);
  EXPECT_EQ(plain.password, "");
  EXPECT_EQ(plain.db, 0);

  const RedisUrl full = parse_redis_url("redis://:s3cr@t/x@cache.example:7000/5");
  EXPECT_EQ(full.host, "cache.example");
  EXPECT_EQ(full.port, 7000);
  EXPECT_EQ(full.password, "s3cr@t/x");  // the userinfo ends at the last '@'
  EXPECT_EQ(full.db, 5);

  const RedisUrl no_port = parse_redis_url("redis://localhost/");
  EXPECT_EQ(no_port.host, "localhost");
  EXPECT_EQ(no_port.port, 6379);
  EXPECT_EQ(no_port.db, 0);

  const RedisUrl ipv6 = parse_redis_url("redis://[::1]:6380/2");
  EXPECT_EQ(ipv6.host, "::1");
  EXPECT_EQ(ipv6.port, 6380);
  EXPECT_EQ(ipv6.db, 2);
}

TEST(RedisUrl, DisplayMasksThePassword) {
  EXPECT_EQ(parse_redis_url("redis://:hunter2@h:1/3").display(), "redis://:***@h:1/3");
  EXPECT_EQ(parse_redis_url("redis://h").display(), "redis://h:6379");
  EXPECT_EQ(parse_redis_url("redis://[::1]:7").display(), "redis://[::1]:7");
}

TEST(RedisUrl, RejectsMalformedUrlsNamingSourceAndText) {
  for (const std::string bad :
       {"http://h:1", "redis://", "redis://:1", "redis://h:", "redis://h:0", "redis://h:65536",
        "redis://h:12x", "redis://h:1/-1", "redis://h:1/db", "redis://user:pw@h:1", "redis://:@h:1",
        "redis://[::1", "redis://[::1]x", "127.0.0.1:6379"}) {
    try {
      parse_redis_url(bad, "NEUROPERF_REDIS_URL");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const base::InvalidArgument& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("NEUROPERF_REDIS_URL '" + bad + "'"), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      EXPECT_EQ(e.code(), base::ExitCode::kBadInput);
    }
  }
}

TEST(RedisUrl, FromEnvironmentOrTheEmbeddedServer) {
  const char* saved = std::getenv("NEUROPERF_REDIS_URL");
  const std::string restore = saved ? saved : "";
  ::unsetenv("NEUROPERF_REDIS_URL");
  EXPECT_EQ(redis_url_from_env().port, 63799);
  ::setenv("NEUROPERF_REDIS_URL", "redis://10.0.0.7:6390/1", 1);
  const RedisUrl url = redis_url_from_env();
  EXPECT_EQ(url.host, "10.0.0.7");
  EXPECT_EQ(url.port, 6390);
  EXPECT_EQ(url.db, 1);
  ::setenv("NEUROPERF_REDIS_URL", "redis://h:99999", 1);
  EXPECT_THROW(redis_url_from_env(), base::InvalidArgument);
  if (saved) {
    ::setenv("NEUROPERF_REDIS_URL", restore.c_str(), 1);
  } else {
    ::unsetenv("NEUROPERF_REDIS_URL");
  }
}

TEST(FormatCommand, WritesRespArraysOfBulkStrings) {
  // The example of the Redis protocol specification, written out by hand.
  EXPECT_EQ(format_command({"LLEN", "mylist"}), "*2\r\n$4\r\nLLEN\r\n$6\r\nmylist\r\n");
  EXPECT_EQ(format_command({"SET", "k", std::string_view("a\0\r\n", 4)}),
            std::string("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\0\r\n\r\n", 30));
  EXPECT_EQ(format_command({"GET", ""}), "*2\r\n$3\r\nGET\r\n$0\r\n\r\n");
}

}  // namespace
}  // namespace neuro::cache
