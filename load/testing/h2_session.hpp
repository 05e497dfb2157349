// HTTP/2 on one test-server connection (nghttp2 server session over a blocking Channel), for
// the libcurl engine's h2 and h2c tests. Streams are answered in the order their requests end,
// one at a time: a /delay holds the connection, which the tests do not mind.
#pragma once

#include <functional>
#include <string>

#include "load/testing/channel.hpp"
#include "load/testing/test_routes.hpp"

namespace neuro::load::testing {

// Returns the answer for a request and counts it (the server's responses and resets).
using Responder = std::function<TestAnswer(const TestRequest&)>;

// Serves until the client goes away; `already_read` holds bytes read before the protocol was
// known (the h2c connection preface).
void serve_http2(Channel& channel, const std::string& already_read, const Responder& respond);

}  // namespace neuro::load::testing
