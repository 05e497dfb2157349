// Where the cache lives: redis://[:password@]host[:port][/db], parsed once and validated, so a
// typo in NEUROPERF_REDIS_URL is a one-line bad-input error, not a confusing connect failure.
#pragma once

#include <string>
#include <string_view>

namespace neuro::cache {

// The embedded server that `scripts/services start` brings up.
inline constexpr std::string_view kDefaultRedisUrl = "redis://127.0.0.1:63799";
inline constexpr std::string_view kRedisUrlVariable = "NEUROPERF_REDIS_URL";

struct RedisUrl {
  std::string host;
  int port = 6379;
  std::string password;  // empty: no AUTH
  int db = 0;            // SELECTed after connecting when not 0

  // The URL for messages, with the password masked.
  std::string display() const;
};

// Throws base::InvalidArgument naming `source` (e.g. the variable it came from) and the text
// for anything that is not redis://[:password@]host[:port][/db] with 1 <= port <= 65535 and
// 0 <= db <= 1,000,000. IPv6 hosts are written in brackets: redis://[::1]:6379.
RedisUrl parse_redis_url(std::string_view text, std::string_view source = "redis URL");

// NEUROPERF_REDIS_URL when set and not empty, else kDefaultRedisUrl.
RedisUrl redis_url_from_env();

}  // namespace neuro::cache
