#include "engine/server/response_head.hpp"

namespace neuro::server {

void write_response_head(const StringResponse& response, std::string& out) {
  out.clear();
  const unsigned version = response.version();
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
  out += ' ';
  out += std::to_string(response.result_int());
  out += ' ';
  const auto reason = response.reason();
  out.append(reason.data(), reason.size());
  out += "\r\n";
  for (const auto& field : response) {
    const auto name = field.name_string();
    const auto value = field.value();
    out.append(name.data(), name.size());
    out += ": ";
    out.append(value.data(), value.size());
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace neuro::server
