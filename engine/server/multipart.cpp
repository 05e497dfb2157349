#include "engine/server/multipart.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "engine/server/api_error.hpp"

namespace neuro::server {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// The value of `key` in "form-data; name="x"; filename="y"" (quoted or bare).
std::string header_parameter(std::string_view header, std::string_view key) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t semi = header.find(';', pos);
    // A quoted value may hold ';': skip over quotes.
    std::size_t quote = header.find('"', pos);
    if (quote != std::string_view::npos && quote < semi) {
      const std::size_t close = header.find('"', quote + 1);
      semi = close == std::string_view::npos ? std::string_view::npos : header.find(';', close);
    }
    const std::string_view item = trim(header.substr(pos, semi - pos));
    const std::size_t eq = item.find('=');
    if (eq != std::string_view::npos && lower(trim(item.substr(0, eq))) == key) {
      std::string_view v = trim(item.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  return {};
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  const std::size_t semi = content_type.find(';');
  if (lower(trim(content_type.substr(0, semi))) != "multipart/form-data") return std::nullopt;
  if (semi == std::string_view::npos) return std::nullopt;
  std::string b = header_parameter(content_type.substr(semi + 1), "boundary");
  if (b.empty() || b.size() > 200) return std::nullopt;
  return b;
}

std::vector<MultipartPart> parse_multipart(std::string_view body, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  std::vector<MultipartPart> parts;
  // The first delimiter may be preceded by a preamble; later ones are preceded by CRLF.
  std::size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) bad_request("multipart: no boundary line in the body");
  const std::string next_delimiter = "\r\n" + delimiter;
  for (;;) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") {
      bad_request("multipart: boundary line not followed by CRLF at byte " + std::to_string(pos));
    }
    pos += 2;
    const std::size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) {
      bad_request("multipart: part " + std::to_string(parts.size()) + " has no end of headers");
    }
    MultipartPart part;
    std::string_view headers = body.substr(pos, headers_end - pos);
    bool disposition = false;
    while (!headers.empty()) {
      const std::size_t eol = headers.find("\r\n");
      const std::string_view line = headers.substr(0, eol);
      const std::size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        const std::string key = lower(trim(line.substr(0, colon)));
        const std::string_view value = trim(line.substr(colon + 1));
        if (key == "content-disposition") {
          disposition = true;
          part.name = header_parameter(value, "name");
          part.filename = header_parameter(value, "filename");
        } else if (key == "content-type") {
          part.content_type = std::string(value);
        }
      }
      if (eol == std::string_view::npos) break;
      headers.remove_prefix(eol + 2);
    }
    if (!disposition || part.name.empty()) {
      bad_request("multipart: part " + std::to_string(parts.size()) +
                  " has no Content-Disposition name");
    }
    const std::size_t data_begin = headers_end + 4;
    const std::size_t data_end = body.find(next_delimiter, data_begin);
    if (data_end == std::string_view::npos) {
      bad_request("multipart: body ends inside part '" + part.name + "' (truncated upload?)");
    }
    part.offset = data_begin;
    part.data = body.substr(data_begin, data_end - data_begin);
    parts.push_back(std::move(part));
    pos = data_end + 2;
  }
}

const MultipartPart* find_part(const std::vector<MultipartPart>& parts, std::string_view name) {
  for (const auto& p : parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace neuro::server
