// The auth step through libcurl, for targets that only the libcurl engine reaches (https://,
// HTTP/2): one blocking request before the run, whose failure stops the run with exit 3.
#pragma once

#include <string>

#include "load/engine/transport_options.hpp"
#include "load/http/blocking_client.hpp"

namespace neuro::load {

// Sends `step` (no variables, no auth header) and returns its status and body; throws
// Error(kUnreachable) naming the URL and libcurl's reason on any transport failure.
Exchange curl_exchange_once(const TargetUrl& target, const TransportOptions& transport,
                            const Step& step, double timeout_s);

}  // namespace neuro::load
