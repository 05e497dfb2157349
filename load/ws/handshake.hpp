// The client's side of the WebSocket opening handshake: the upgrade request (path with its
// query, e.g. ?token=, extra headers, a subprotocol) and the check of the server's 101 answer,
// including Sec-WebSocket-Accept (base64 of SHA-1 over the key and the protocol's GUID).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace neuro::load::ws {

// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
std::string accept_key(std::string_view key_base64);
// A Sec-WebSocket-Key: 16 bytes from `random` (two 64-bit draws), base64.
std::string make_key(std::uint64_t random_hi, std::uint64_t random_lo);

struct HandshakeRequest {
  std::string host;  // host[:port] for the Host header
  std::string path;  // with its query
  std::string key;   // make_key()
  std::vector<std::pair<std::string, std::string>> headers;
  std::string subprotocol;  // empty: none asked for
};
std::string serialize(const HandshakeRequest& request);

// Where reading the server's answer stands.
struct HandshakeResult {
  enum class State { kNeedMore, kAccepted, kRejected };
  State state = State::kNeedMore;
  int status = 0;              // the HTTP status, once the head is read
  std::size_t head_bytes = 0;  // kAccepted: frames begin here
  std::string problem;         // kRejected: one line, e.g. "status 401", "bad Sec-WebSocket-Accept"
  std::string subprotocol;     // what the server chose
};
// Reads the head of the answer in `data` (all bytes received so far). The answer must be 101
// with Upgrade: websocket, Connection: upgrade, the accept value for `key`, and the asked
// subprotocol (or none, when none was asked). Heads over `max_head_bytes` are rejected.
HandshakeResult read_handshake_response(std::string_view data, std::string_view key,
                                        std::string_view subprotocol,
                                        std::size_t max_head_bytes = 16 << 10);

}  // namespace neuro::load::ws
