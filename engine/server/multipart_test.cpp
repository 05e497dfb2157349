#include "engine/server/multipart.hpp"

#include <gtest/gtest.h>

#include "engine/server/api_error.hpp"

namespace neuro::server {
namespace {

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; charset=x; boundary=\"a;b\""), "a;b");
  EXPECT_EQ(multipart_boundary("application/json"), std::nullopt);
  EXPECT_EQ(multipart_boundary("multipart/form-data"), std::nullopt);
}

TEST(Multipart, PartsAreViewsIntoTheBody) {
  // As aiohttp's FormData writes it.
  static constexpr char kBody[] =
      "--XX\r\nContent-Disposition: form-data; name=\"session_id\"\r\n\r\nperf_test_0\r\n"
      "--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: form-data; "
      "name=\"data\"; filename=\"data\"\r\n\r\n\r\n--X\0\r\n"
      "--XX--\r\n";
  const std::string full(kBody, sizeof kBody - 1);
  const auto parts = parse_multipart(full, "XX");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "session_id");
  EXPECT_EQ(parts[0].data, "perf_test_0");
  EXPECT_EQ(parts[1].name, "data");
  EXPECT_EQ(parts[1].content_type, "application/octet-stream");
  EXPECT_EQ(parts[1].data, std::string_view("\r\n--X\0", 6));
  EXPECT_EQ(full.substr(parts[1].offset, parts[1].data.size()), parts[1].data);
  EXPECT_EQ(find_part(parts, "data"), &parts[1]);
  EXPECT_EQ(find_part(parts, "metadata"), nullptr);
}

TEST(Multipart, TruncatedBodiesAreRefused) {
  EXPECT_THROW(
      parse_multipart("--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc", "XX"),
      ApiError);
  EXPECT_THROW(parse_multipart("no boundary here", "XX"), ApiError);
  EXPECT_THROW(parse_multipart("--XX\r\nX-Other: 1\r\n\r\nabc\r\n--XX--", "XX"), ApiError);
}

}  // namespace
}  // namespace neuro::server
