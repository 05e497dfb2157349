#include "load/http_request.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "engine/common/errors.hpp"

namespace neuro::load {

namespace {

// Length of the scheme prefix ("http://" or "https://"), 0 for anything else.
std::size_t scheme_length(const std::string& url) {
  if (url.rfind("http://", 0) == 0) return 7;
  if (url.rfind("https://", 0) == 0) return 8;
  return 0;
}

}  // namespace

std::string check_target_url(const std::string& url) {
  const std::size_t scheme = scheme_length(url);
  if (scheme == 0) return "expected http://HOST[:PORT] or https://HOST[:PORT], got '" + url + "'";
  std::string rest = url.substr(scheme);
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    if (rest.substr(slash) != "/") {
      return "the target is scheme://host:port only; put paths in the steps, got '" + url + "'";
    }
    rest.resize(slash);
  }
  if (rest.empty()) return "missing host in '" + url + "'";
  if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return "bad port '" + port + "' in '" + url + "'";
    }
    if (colon == 0) return "missing host in '" + url + "'";
  }
  return "";
}

TargetUrl parse_target_url(const std::string& url) {
  if (const auto problem = check_target_url(url); !problem.empty()) {
    throw common::InvalidArgument("target: " + problem);
  }
  std::string rest = url.substr(scheme_length(url));
  if (const auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  TargetUrl t;
  t.tls = scheme_length(url) == 8;
  t.port = t.tls ? 443 : 80;
  t.host_header = rest;
  t.host = rest;
  if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    t.host = rest.substr(0, colon);
    t.port = static_cast<std::uint16_t>(std::stoi(rest.substr(colon + 1)));
  }
  return t;
}

std::vector<std::string> referenced_variables(const std::string& text) {
  std::vector<std::string> names;
  for (std::size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at + 2)) {
    const auto end = text.find('}', at);
    if (end == std::string::npos) break;
    names.push_back(text.substr(at + 2, end - at - 2));
  }
  return names;
}

std::string substitute(const std::string& text, const Variables& vars) {
  std::string out;
  out.reserve(text.size());
  std::size_t from = 0;
  for (std::size_t at = text.find("${"); at != std::string::npos; at = text.find("${", from)) {
    const auto end = text.find('}', at);
    if (end == std::string::npos) break;
    out.append(text, from, at - from);
    const auto it = vars.find(text.substr(at + 2, end - at - 2));
    if (it != vars.end()) {
      out += it->second;
    } else {
      out.append(text, at, end + 1 - at);
    }
    from = end + 1;
  }
  out.append(text, from, std::string::npos);
  return out;
}

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
