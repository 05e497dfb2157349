#include "load/http/http_request.hpp"

#include <nlohmann/json.hpp>

namespace neuro::load {

std::string serialize_request(const Step& step, const TargetUrl& target,
                              const std::string& auth_header, const Variables& vars) {
  std::string r;
  r.reserve(256 + step.body.size());
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
    r += std::to_string(step.body.size());
    r += "\r\n";
  }
  r += "\r\n";
  r += step.body;
  return r;
}

std::string capture_json(const std::string& body, const std::string& json_path) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded()) return {};
  const nlohmann::json* node = &doc;
  std::size_t from = 0;
  while (from <= json_path.size()) {
    const auto dot = json_path.find('.', from);
    const std::string key = json_path.substr(from, dot == std::string::npos ? dot : dot - from);
    if (node->is_object() && node->contains(key)) {
      node = &(*node)[key];
    } else if (node->is_array() && !key.empty() &&
               key.find_first_not_of("0123456789") == std::string::npos &&
               std::stoul(key) < node->size()) {
      node = &(*node)[std::stoul(key)];
    } else {
      return {};
    }
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  if (node->is_string()) return node->get<std::string>();
  if (node->is_null()) return {};
  return node->dump();
}

}  // namespace neuro::load
