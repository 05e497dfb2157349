// Request bytes: the target URL, ${variable} substitution and HTTP/1.1 serialisation. A step
// whose path and headers hold no variables is serialised once for the whole run. The libcurl
// engine takes the same header lines (request_header_lines) and lets libcurl frame them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "load/scenario.hpp"

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

using Variables = std::map<std::string, std::string>;

// The names referenced as ${name} in `text`, in order.
std::vector<std::string> referenced_variables(const std::string& text);
// `text` with each ${name} replaced by its value (unknown names are left as written).
std::string substitute(const std::string& text, const Variables& vars);

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

// The value at a dotted path ("data.items.0.id") of a JSON text, as text (strings unquoted);
// empty when the body is not JSON or the path is absent.
std::string capture_json(const std::string& body, const std::string& json_path);

}  // namespace neuro::load
