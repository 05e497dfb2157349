#include "engine/server/api_error.hpp"

#include "engine/base/errors.hpp"

namespace neuro::server {

std::string_view error_name(http::status status) {
  switch (status) {
    case http::status::bad_request:
      return "bad_request";
    case http::status::unauthorized:
      return "unauthorized";
    case http::status::forbidden:
      return "forbidden";
    case http::status::not_found:
      return "not_found";
    case http::status::method_not_allowed:
      return "method_not_allowed";
    case http::status::conflict:
      return "conflict";
    case http::status::payload_too_large:
      return "payload_too_large";
    case http::status::unsupported_media_type:
      return "unsupported_media_type";
    case http::status::unprocessable_entity:
      return "unprocessable_entity";
    case http::status::upgrade_required:
      return "upgrade_required";
    case http::status::request_header_fields_too_large:
      return "header_too_large";
    case http::status::request_timeout:
      return "request_timeout";
    case http::status::service_unavailable:
      return "service_unavailable";
    default:
      return static_cast<unsigned>(status) >= 500 ? "internal_error" : "error";
  }
}

StringResponse json_response(http::status status, const nlohmann::json& body) {
  return json_text_response(status,
                            body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

StringResponse json_text_response(http::status status, std::string body) {
  StringResponse response{status, 11};
  response.set(http::field::server, "neuroperf");
  response.set(http::field::content_type, "application/json");
  response.body() = std::move(body);
  return response;
}

StringResponse error_response(http::status status, std::string_view detail) {
  return json_response(status, {{"error", error_name(status)}, {"detail", detail}});
}

ApiError to_api_error(const std::exception& e) {
  if (const auto* api = dynamic_cast<const ApiError*>(&e)) return *api;
  if (const auto* error = dynamic_cast<const base::Error*>(&e)) {
    if (error->code() == base::ExitCode::kUnreachable) {
      return ApiError(http::status::service_unavailable, error->what());
    }
    if (error->code() == base::ExitCode::kBadInput) {
      return ApiError(http::status::unprocessable_entity, error->what());
    }
  }
  if (dynamic_cast<const nlohmann::json::exception*>(&e)) {
    return ApiError(http::status::bad_request, std::string("JSON: ") + e.what());
  }
  return ApiError(http::status::internal_server_error, e.what());
}

}  // namespace neuro::server
