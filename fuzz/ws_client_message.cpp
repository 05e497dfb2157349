// Fuzz harness: a WebSocket text message from a client of /ws/stream or /ws/devices, through
// the parsers the sessions call: the envelope, then subscribe, register or data by its type; and
// the fast data reader, which must read a packet exactly as the full parser does or leave it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "engine/base/errors.hpp"
#include "engine/server/ws/data_message.hpp"
#include "engine/server/ws/messages.hpp"

namespace {

// Aborts (a finding) when the fast reader took a message the full parser reads otherwise.
void check_fast_reader(std::string_view text, std::size_t channels, double rate) {
  using namespace neuro::server::ws;
  const auto fast = parse_data_message(text, channels, rate);
  if (!fast) return;
  const ClientMessage message = parse_client_message(text);  // throws: a finding too
  const DataPacket full = parse_data(message.body, channels, rate);
  bool same = message.type == "data" && full.device_id == fast->device_id &&
              full.timestamp_s == fast->timestamp_s &&
              full.packet_id.dump() == fast->packet_id.dump() &&
              full.block.channels() == fast->block.channels() &&
              full.block.samples() == fast->block.samples();
  for (std::size_t c = 0; same && c < full.block.channels(); ++c) {
    same = std::memcmp(full.block.channel(c).data(), fast->block.channel(c).data(),
                       full.block.samples() * sizeof(float)) == 0;
  }
  if (!same) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuro::server::ws;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_fast_reader(text, 8, 250.0);
  check_fast_reader(text, 2, 250.0);
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
  } catch (const neuro::base::InvalidArgument&) {
    // Answered {"type":"error"} with the connection kept open.
  }
  return 0;
}
