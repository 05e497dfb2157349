// One request at a time, blocking with a deadline: resolving the target, checking it answers
// before a run starts (exit 3 when not) and running the auth step whose token the run reuses.
#pragma once

#include <sys/socket.h>

#include <string>

#include "load/http/http_request.hpp"

namespace neuro::load {

struct ResolvedTarget {
  TargetUrl url;
  sockaddr_storage address{};
  socklen_t address_size = 0;
};

// Throws Error(kUnreachable) when the host does not resolve.
ResolvedTarget resolve_target(const std::string& url);

// Throws Error(kUnreachable) naming the URL when no TCP connection opens within timeout_s.
void check_reachable(const ResolvedTarget& target, const std::string& url, double timeout_s);

struct Exchange {
  int status = 0;
  std::string body;
};
// Sends `request` on a fresh connection and reads one response; throws Error(kUnreachable)
// on any transport failure or timeout.
Exchange exchange_once(const ResolvedTarget& target, const std::string& request, bool head,
                       double timeout_s);

}  // namespace neuro::load
