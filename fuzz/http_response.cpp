// Fuzz harness: the load runner's HTTP/1.1 response parser on whatever a target sends back,
// fed in pieces whose sizes come from the input's first byte (a response arrives in any
// split), then EOF; for GET and for HEAD, and with a body of stated length taken through feed()
// or put straight into the parser's body room as the epoll transport does. It must end in
// complete, incomplete or error, with every byte it says it used inside the buffer, never read
// past what it was given, and never offer room past the body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

#include "load/http/response_parser.hpp"

namespace {

void parse(const char* data, std::size_t size, std::size_t piece, bool head, bool in_place) {
  neuro::load::ResponseParser parser;
  neuro::load::BodyBuffer body;
  parser.reset(head, &body);
  std::size_t at = 0;
  while (at < size) {
    const std::size_t n = std::min(piece, size - at);
    std::size_t used = 0;
    const std::span<char> room = in_place ? parser.body_room() : std::span<char>();
    neuro::load::ResponseParser::Status status;
    if (!room.empty()) {
      used = std::min(n, room.size());
      std::memcpy(room.data(), data + at, used);
      status = parser.body_read(used);
    } else {
      status = parser.feed(data + at, n, &used);
    }
    if (used > n) std::abort();  // a parser that claims bytes it was not given
    at += used;
    if (status == neuro::load::ResponseParser::Status::kError) return;
    if (used == 0) break;  // nothing taken: it cannot go further on this input
    if (status == neuro::load::ResponseParser::Status::kComplete) {
      body.clear();
      parser.reset(head, &body);  // keep-alive: the next response follows
    }
  }
  (void)parser.on_eof();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  const char* text = reinterpret_cast<const char*>(data + 1);
  const bool in_place = (data[0] & 0x40) != 0;
  parse(text, size - 1, piece, false, in_place);
  parse(text, size - 1, size, (data[0] & 0x80) != 0, in_place);
  return 0;
}
