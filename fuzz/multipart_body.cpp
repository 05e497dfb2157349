// Fuzz harness: multipart/form-data as the upload and chunk routes read it. The first line of
// the input is the Content-Type header's value, the rest the body, so the boundary parameter is
// fuzzed together with the parts it delimits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/server/api_error.hpp"
#include "engine/server/multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuro::server;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view content_type = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  try {
    const auto boundary = multipart_boundary(content_type);
    if (!boundary) return 0;
    const auto parts = parse_multipart(body, *boundary);
    for (const char* name : {"session_id", "data", "metadata", "chunk_index"}) {
      if (const MultipartPart* part = find_part(parts, name)) (void)part;
    }
  } catch (const ApiError&) {
    // 400 for a malformed body: the expected outcome.
  }
  return 0;
}
