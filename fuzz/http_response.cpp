// Fuzz harness: the load runner's HTTP/1.1 response parser on whatever a target sends back,
// fed in pieces whose sizes come from the input's first byte (a response arrives in any
// split), then EOF; for GET and for HEAD. It must end in complete, incomplete or error, with
// every byte it says it used inside the buffer, and never read past what it was given.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "load/http/response_parser.hpp"

namespace {

void parse(const char* data, std::size_t size, std::size_t piece, bool head) {
  neuro::load::ResponseParser parser;
  std::string body;
  parser.reset(head, &body);
  std::size_t at = 0;
  while (at < size) {
    const std::size_t n = std::min(piece, size - at);
    std::size_t used = 0;
    const auto status = parser.feed(data + at, n, &used);
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
  parse(text, size - 1, piece, false);
  parse(text, size - 1, size, (data[0] & 0x80) != 0);
  return 0;
}
