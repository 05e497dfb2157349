#include "load/ws/handshake.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cctype>
#include <cstdlib>

namespace neuro::load::ws {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A comma-separated header value holds `token` (case-insensitive): "keep-alive, Upgrade".
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (iequals(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

HandshakeResult rejected(HandshakeResult r, std::string problem) {
  r.state = HandshakeResult::State::kRejected;
  r.problem = std::move(problem);
  return r;
}

}  // namespace

std::string accept_key(std::string_view key_base64) {
  std::string text(key_base64);
  text.append(kGuid);
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return base64(digest, sizeof digest);
}

std::string make_key(std::uint64_t random_hi, std::uint64_t random_lo) {
  unsigned char bytes[16];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<unsigned char>(random_hi >> (8 * i));
    bytes[8 + i] = static_cast<unsigned char>(random_lo >> (8 * i));
  }
  return base64(bytes, sizeof bytes);
}

std::string serialize(const HandshakeRequest& request) {
  std::string out;
  out.reserve(256);
  out.append("GET ").append(request.path.empty() ? "/" : request.path).append(" HTTP/1.1\r\n");
  out.append("Host: ").append(request.host).append("\r\n");
  out.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
  out.append("Sec-WebSocket-Key: ").append(request.key).append("\r\n");
  out.append("Sec-WebSocket-Version: 13\r\n");
  if (!request.subprotocol.empty()) {
    out.append("Sec-WebSocket-Protocol: ").append(request.subprotocol).append("\r\n");
  }
  for (const auto& [name, value] : request.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out.append("\r\n");
  return out;
}

HandshakeResult read_handshake_response(std::string_view data, std::string_view key,
                                        std::string_view subprotocol, std::size_t max_head_bytes) {
  HandshakeResult r;
  const auto end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (data.size() > max_head_bytes) return rejected(r, "answer head over the limit");
    return r;
  }
  r.head_bytes = end + 4;
  std::string_view head = data.substr(0, end + 2);
  const auto line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/" ||
      !std::isdigit(static_cast<unsigned char>(status_line[9]))) {
    return rejected(r, "not an HTTP answer");
  }
  r.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  if (r.status != 101) return rejected(r, "status " + std::to_string(r.status));
  bool upgrade = false, connection = false, accepted = false;
  bool chose_protocol = false;
  head.remove_prefix(line_end + 2);
  while (!head.empty()) {
    const auto eol = head.find("\r\n");
    const std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return rejected(r, "malformed header line");
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "upgrade")) {
      upgrade = iequals(value, "websocket");
    } else if (iequals(name, "connection")) {
      connection = has_token(value, "upgrade");
    } else if (iequals(name, "sec-websocket-accept")) {
      accepted = value == accept_key(key);
      if (!accepted) return rejected(r, "bad Sec-WebSocket-Accept");
    } else if (iequals(name, "sec-websocket-protocol")) {
      chose_protocol = true;
      r.subprotocol = std::string(value);
    } else if (iequals(name, "sec-websocket-extensions")) {
      return rejected(r, "an extension the client did not ask for");
    }
  }
  if (!upgrade) return rejected(r, "no 'Upgrade: websocket'");
  if (!connection) return rejected(r, "no 'Connection: upgrade'");
  if (!accepted) return rejected(r, "no Sec-WebSocket-Accept");
  if (!subprotocol.empty() && !has_token(subprotocol, r.subprotocol)) {
    return rejected(r, chose_protocol ? "subprotocol '" + r.subprotocol + "' not asked for"
                                      : "no subprotocol chosen");
  }
  if (subprotocol.empty() && chose_protocol) return rejected(r, "a subprotocol not asked for");
  r.state = HandshakeResult::State::kAccepted;
  return r;
}

}  // namespace neuro::load::ws
