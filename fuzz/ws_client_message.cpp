// Fuzz harness: a WebSocket text message from a client of /ws/stream or /ws/devices, through
// the parsers the sessions call: the envelope, then subscribe, register or data by its type.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/common/errors.hpp"
#include "engine/server/ws/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuro::server::ws;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const ClientMessage message = parse_client_message(text);
    if (message.type == "subscribe") {
      (void)parse_subscribe(message.body);
    } else if (message.type == "register") {
      const RegisterRequest device = parse_register(message.body);
      (void)parse_data(message.body, static_cast<std::size_t>(device.channels),
                       device.sample_rate_hz);
    } else {
      // An OpenBCI Cyton's shape, the commonest device of the documents' tests.
      (void)parse_data(message.body, 8, 250.0);
    }
  } catch (const neuro::common::InvalidArgument&) {
    // Answered {"type":"error"} with the connection kept open.
  }
  return 0;
}
