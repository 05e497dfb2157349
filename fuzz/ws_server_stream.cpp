// Fuzz harness: the bytes a WebSocket server sends the load runner, through what its transport
// runs on them: the 101 answer's check, then the frame reader (fed in two pieces, so frames
// split across reads are covered) and the top-level field scan of every text message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "load/ws/frame.hpp"
#include "load/ws/handshake.hpp"
#include "load/ws/json_field.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuro::load::ws;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  const auto head = read_handshake_response(bytes, "dGhlIHNhbXBsZSBub25jZQ==", "");
  std::size_t at = head.state == HandshakeResult::State::kAccepted ? head.head_bytes : 0;
  FrameReader reader(1 << 16);
  std::size_t seen = 0;
  auto on = [&](const Message& m) {
    seen += m.payload.size();
    if (m.opcode == Opcode::kText) {
      (void)number_field(m.payload, "timestamp");
      (void)top_level_field(m.payload, "type");
    }
  };
  const std::size_t half = at + (size - at) / 2;
  if (reader.feed(bytes.data() + at, half - at, on) == ReadError::kNone) {
    reader.feed(bytes.data() + half, size - half, on);
  }
  return seen > (1u << 30) ? 1 : 0;
}
