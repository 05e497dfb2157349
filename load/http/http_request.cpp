#include "load/http/http_request.hpp"

#include "load/http/json_answer.hpp"

namespace neuro::load {

std::string serialize_request(const Step& step, const TargetUrl& target,
                              const std::string& auth_header, const Variables& vars) {
  const std::string body = request_body(step, vars);
  std::string r;
  r.reserve(256 + body.size());
  r += step.method;
  r += ' ';
  r += substitute(step.path, vars);
  r += " HTTP/1.1\r\nHost: ";
  r += target.host_header;
  r += "\r\n";
  request_header_lines(step, auth_header, vars, [&r](const std::string& line) {
    r += line;
    r += "\r\n";
  });
  if (step.has_body()) {
    r += "Content-Length: ";
    r += std::to_string(body.size());
    r += "\r\n";
  }
  r += "\r\n";
  r += body;
  return r;
}

std::string capture_json(const std::string& body, const std::string& json_path) {
  return JsonAnswer(body).value_at(json_path).value_or(std::string());
}

std::string request_body(const Step& step, const Variables& vars) {
  if (step.body_template_bytes == 0) return step.body;
  return substitute(step.body.substr(0, step.body_template_bytes), vars) +
         step.body.substr(step.body_template_bytes);
}

}  // namespace neuro::load
