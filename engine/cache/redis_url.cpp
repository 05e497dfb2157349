#include "engine/cache/redis_url.hpp"

#include <charconv>
#include <cstdlib>

#include "engine/base/errors.hpp"

namespace neuro::cache {
namespace {

[[noreturn]] void fail(std::string_view source, std::string_view text, std::string_view why) {
  throw base::InvalidArgument(std::string(source) + " '" + std::string(text) +
                              "': " + std::string(why) +
                              " (expected redis://[:password@]host[:port][/db])");
}

// A whole-string decimal in [low, high], or -1.
long parse_number(std::string_view digits, long low, long high) {
  long value = -1;
  const auto* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || ec != std::errc() || ptr != end || value < low || value > high) return -1;
  return value;
}

}  // namespace

std::string RedisUrl::display() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string out = "redis://";
  if (!password.empty()) out += ":***@";
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
  if (ipv6) out += '[';
  out += host;
  if (ipv6) out += ']';
  out += ':';
  out += std::to_string(port);
  if (db != 0) {
    out += '/';
    out += std::to_string(db);
  }
  return out;
}

RedisUrl parse_redis_url(std::string_view text, std::string_view source) {
  constexpr std::string_view kScheme = "redis://";
  if (!text.starts_with(kScheme)) fail(source, text, "scheme is not redis://");
  std::string_view rest = text.substr(kScheme.size());
  RedisUrl url;

  // The password may contain '/' or ':', so the userinfo ends at the last '@'.
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (!userinfo.starts_with(':') || userinfo.size() < 2) {
      fail(source, text, "credentials must be ':password' (no user name)");
    }
    url.password = std::string(userinfo.substr(1));
  }

  std::string_view authority = rest;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      const long value = parse_number(db, 0, 1'000'000);
      if (value < 0) fail(source, text, "database '" + std::string(db) + "' is not a number >= 0");
      url.db = static_cast<int>(value);
    }
  }

  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) fail(source, text, "unclosed '[' in IPv6 host");
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) fail(source, text, "expected ':port' after ']'");
      port = after.substr(1);
      if (port.empty()) fail(source, text, "empty port");
    }
  } else {
    const auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) fail(source, text, "empty port");
    }
  }
  if (url.host.empty()) fail(source, text, "no host");
  if (!port.empty()) {
    const long value = parse_number(port, 1, 65535);
    if (value < 0) fail(source, text, "port '" + std::string(port) + "' is not in 1..65535");
    url.port = static_cast<int>(value);
  }
  return url;
}

RedisUrl redis_url_from_env() {
  const char* value = std::getenv(std::string(kRedisUrlVariable).c_str());
  if (value == nullptr || *value == '\0') return parse_redis_url(kDefaultRedisUrl, "default");
  return parse_redis_url(value, kRedisUrlVariable);
}

}  // namespace neuro::cache
