// The target a scenario runs against: an http:// or https:// URL of scheme, host and port only
// (paths belong to the steps), checked while the scenario is parsed.
#pragma once

#include <cstdint>
#include <string>

namespace neuro::load {

struct TargetUrl {
  bool tls = false;  // https://
  std::string host;  // as written (name or address)
  std::uint16_t port = 80;
  std::string host_header;  // "host:port" or "host"
  // "http://host:port" or "https://host:port", what a path is appended to.
  std::string base_url() const { return (tls ? "https://" : "http://") + host_header; }
};

// "" when `url` is a usable http:// or https:// URL, else what is wrong with it.
std::string check_target_url(const std::string& url);
// Throws InvalidArgument when check_target_url() would complain.
TargetUrl parse_target_url(const std::string& url);

}  // namespace neuro::load
