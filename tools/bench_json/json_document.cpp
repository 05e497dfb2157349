#include "tools/bench_json/json_document.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

namespace neuro::bench_json {

bool replace_bare_non_finite(std::string_view text, std::string& out) {
  if (text.find("NaN") == std::string_view::npos &&
      text.find("Infinity") == std::string_view::npos) {
    return false;
  }
  out.clear();
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      out += ch;
      if (ch == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (ch == '"') {
        in_string = false;
      }
      continue;
    }
    if (ch == '"') in_string = true;
    if (ch == 'N' && text.compare(i, 3, "NaN") == 0) {
      out += "null";
      i += 2;
    } else if (ch == '-' && text.compare(i, 9, "-Infinity") == 0) {
      out += "null";
      i += 8;
    } else if (ch == 'I' && text.compare(i, 8, "Infinity") == 0) {
      out += "null";
      i += 7;
    } else {
      out += ch;
    }
  }
  return true;
}

std::string json_path_join(const std::string& path, const std::string& key) {
  bool plain = !key.empty();
  for (const char c : key) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  }
  return plain ? path + "." + key
               : path + "[" +
                     nlohmann::json(key).dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace) +
                     "]";
}

}  // namespace neuro::bench_json
