// Fuzz harness: json_container_shape on whatever a target answers, whole and fed to the scanner
// in pieces whose sizes come from the input's first byte (reads split an answer anywhere), must
// agree with the byte-at-a-time rules (load/http/json_structure_reference.hpp).
#include "load/http/json_structure.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "load/http/json_structure_reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 97;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const neuro::load::JsonShape expected = neuro::load::testing::reference_json_shape(body);
  if (neuro::load::json_container_shape(body) != expected) std::abort();
  neuro::load::JsonStructureScanner scanner;
  for (std::size_t at = 0; at < body.size(); at += piece) scanner.feed(body.substr(at, piece));
  if (scanner.finish() != expected) std::abort();
  return 0;
}
