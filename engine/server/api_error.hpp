// The server's one error shape: an HTTP status with a JSON body {"error","detail"}. Handlers
// throw ApiError; the session turns it (and any other exception) into the response.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "engine/server/beast.hpp"

namespace neuro::server {

class ApiError : public std::runtime_error {
 public:
  // `detail` is the one-line human explanation (what and where).
  ApiError(http::status status, const std::string& detail)
      : std::runtime_error(detail), status_(status) {}
  http::status status() const noexcept { return status_; }

 private:
  http::status status_;
};

// Short machine-readable name of a status: "bad_request", "unauthorized", ...
std::string_view error_name(http::status status);

// A JSON answer with Content-Type: application/json and the server's name.
StringResponse json_response(http::status status, const nlohmann::json& body);
// A JSON answer whose text the route wrote itself (bodies too large to build as a document).
StringResponse json_text_response(http::status status, std::string body);
StringResponse error_response(http::status status, std::string_view detail);

// The ApiError for whatever a handler threw: ApiError as is, an unreachable store or cache as
// 503, bad input from a library as 422, anything else as 500.
ApiError to_api_error(const std::exception& e);

// Shorthands for handlers.
[[noreturn]] inline void bad_request(const std::string& d) {
  throw ApiError(http::status::bad_request, d);
}
[[noreturn]] inline void not_found(const std::string& d) {
  throw ApiError(http::status::not_found, d);
}
[[noreturn]] inline void unprocessable(const std::string& d) {
  throw ApiError(http::status::unprocessable_entity, d);
}

}  // namespace neuro::server
