// Fuzz harness: json_container_shape on whatever a target answers, whole and fed to the scanner
// in pieces whose sizes come from the input's first byte (reads split an answer anywhere), must
// agree with the byte-at-a-time rules (load/http/json_structure_reference.hpp): the shape, and on
// whole bodies whether they are plain and where the outermost value's children lie.
#include "load/http/json_structure.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "load/http/json_structure_reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 97;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto expected = neuro::load::testing::reference_json_structure(body);
  if (neuro::load::json_container_shape(body) != expected.shape) std::abort();
  neuro::load::JsonStructureScanner scanner;
  for (std::size_t at = 0; at < body.size(); at += piece) scanner.feed(body.substr(at, piece));
  const neuro::load::JsonStructure found = scanner.finish();
  if (found.shape != expected.shape) std::abort();
  if (found.shape != neuro::load::JsonShape::kWhole) return 0;
  if (found.plain != expected.plain) std::abort();
  if (found.children.has_value() != expected.children.has_value()) std::abort();
  if (found.children && std::vector<neuro::load::JsonSpan>(
                            found.children->begin(), found.children->end()) != *expected.children) {
    std::abort();
  }
  return 0;
}
