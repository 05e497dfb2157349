#include "load/scenario/variables.hpp"

namespace neuro::load {

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

}  // namespace neuro::load
