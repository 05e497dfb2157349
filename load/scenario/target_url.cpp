#include "load/scenario/target_url.hpp"

#include <charconv>

#include "engine/base/errors.hpp"

namespace neuro::load {

namespace {

// Length of the scheme prefix ("http://" or "https://"), 0 for anything else.
std::size_t scheme_length(const std::string& url) {
  if (url.rfind("http://", 0) == 0) return 7;
  if (url.rfind("https://", 0) == 0) return 8;
  return 0;
}

}  // namespace

std::string check_target_url(const std::string& url) {
  const std::size_t scheme = scheme_length(url);
  if (scheme == 0) return "expected http://HOST[:PORT] or https://HOST[:PORT], got '" + url + "'";
  std::string rest = url.substr(scheme);
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    if (rest.substr(slash) != "/") {
      return "the target is scheme://host:port only; put paths in the steps, got '" + url + "'";
    }
    rest.resize(slash);
  }
  if (rest.empty()) return "missing host in '" + url + "'";
  if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return "bad port '" + port + "' in '" + url + "'";
    }
    if (colon == 0) return "missing host in '" + url + "'";
  }
  return "";
}

TargetUrl parse_target_url(const std::string& url) {
  if (const auto problem = check_target_url(url); !problem.empty()) {
    throw base::InvalidArgument("target: " + problem);
  }
  std::string rest = url.substr(scheme_length(url));
  if (const auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  TargetUrl t;
  t.tls = scheme_length(url) == 8;
  t.port = t.tls ? 443 : 80;
  t.host_header = rest;
  t.host = rest;
  if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    t.host = rest.substr(0, colon);
    t.port = static_cast<std::uint16_t>(std::stoi(rest.substr(colon + 1)));
  }
  return t;
}

}  // namespace neuro::load
