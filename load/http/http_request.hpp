// Request bytes: HTTP/1.1 serialisation of a step with its ${variables} substituted, and the
// captures read from responses. A step whose path and headers hold no variables is serialised
// once for the whole run. The libcurl
// engine takes the same header lines (request_header_lines) and lets libcurl frame them.
#pragma once

#include <string>

#include "load/scenario/scenario.hpp"
#include "load/scenario/target_url.hpp"
#include "load/scenario/variables.hpp"

namespace neuro::load {

// "Name: value" lines of a request besides Host and framing: the step's headers (substituted),
// the auth header (already substituted, may be empty) and, for requests with a body,
// Content-Type. Both engines send exactly these.
template <class Emit>
void request_header_lines(const Step& step, const std::string& auth_header, const Variables& vars,
                          Emit&& emit) {
  for (const auto& [name, value] : step.headers) emit(name + ": " + substitute(value, vars));
  if (!auth_header.empty()) emit(auth_header);
  if (step.has_body() && !step.content_type.empty()) emit("Content-Type: " + step.content_type);
}

// The full request: request line, Host, Content-Length/Type, the step's headers, the auth
// header (already substituted, may be empty), keep-alive, body.
std::string serialize_request(const Step& step, const TargetUrl& target,
                              const std::string& auth_header, const Variables& vars);

// The body as sent: its template part (body_template_bytes) with ${variables} substituted.
std::string request_body(const Step& step, const Variables& vars);

// The value at a dotted path ("data.items.0.id") of a JSON text, as text (strings unquoted);
// empty when the body is not JSON or the path is absent.
std::string capture_json(const std::string& body, const std::string& json_path);

}  // namespace neuro::load
