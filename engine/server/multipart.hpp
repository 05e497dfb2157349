// multipart/form-data over a body held in memory or mapped from disk: the boundary from the
// Content-Type, then each part's name, filename, content type and byte range (views into the
// body, no copies, so a 150 MB upload is parsed in place).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace neuro::server {

struct MultipartPart {
  std::string name;
  std::string filename;
  std::string content_type;  // empty when the part has none
  std::string_view data;
  std::size_t offset = 0;  // of data within the body
};

// The boundary parameter of a multipart/form-data Content-Type, or nullopt when the type is
// another one or has no boundary.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// Throws ApiError 400 naming what is wrong (missing boundary line, a part without
// Content-Disposition, a body cut off before the closing boundary).
std::vector<MultipartPart> parse_multipart(std::string_view body, std::string_view boundary);

// The first part named `name`, or null.
const MultipartPart* find_part(const std::vector<MultipartPart>& parts, std::string_view name);

}  // namespace neuro::server
