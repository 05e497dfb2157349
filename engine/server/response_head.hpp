// The status line and header fields of a response as bytes, written beside its body in one
// gather write. Beast's serializer reaches the same bytes through a variant of buffer views
// walked at every write; on `GET /health` that walk was a third of the server's own CPU time.
#pragma once

#include <string>

#include "engine/server/beast.hpp"

namespace neuro::server {

// Replaces `out` with the response's head: status line, fields in their order, blank line.
// prepare_payload() must have run (Content-Length or Transfer-Encoding is a field by then).
void write_response_head(const StringResponse& response, std::string& out);

}  // namespace neuro::server
