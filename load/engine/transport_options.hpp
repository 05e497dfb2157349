// How the libcurl engine talks to the target: HTTP/2, certificate checks, extra trust anchors,
// taken from the scenario (the epoll engine speaks plain HTTP/1.1 and ignores them).
#pragma once

#include <string>

#include "load/scenario/scenario.hpp"

namespace neuro::load {

struct TransportOptions {
  bool http2 = false;      // ALPN h2 over TLS, prior-knowledge h2c over http://
  bool tls_verify = true;  // false for self-signed test servers
  std::string ca_file;     // extra trust anchor, may be empty
};

inline TransportOptions transport_of(const Scenario& s) {
  return {s.http2, s.tls_verify, s.ca_file};
}

}  // namespace neuro::load
