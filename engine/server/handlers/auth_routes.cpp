// POST /auth/token {"username","password"} and POST /auth/login {"email","password"}.
#include "engine/server/handlers/common.hpp"
#include "engine/server/handlers/handlers.hpp"

namespace neuro::server::handlers {

namespace {
StringResponse login(RequestContext& request, const char* name_field) {
  const nlohmann::json body = json_body(request);
  const std::string name = require_string(body, name_field);
  const std::string password = require_string(body, "password");
  const ServerContext& s = *request.server;
  if (!s.users.verify(name, password)) {
    throw ApiError(http::status::unauthorized, "unknown user or wrong password");
  }
  return json_response(http::status::ok, {{"access_token", s.tokens.issue(name)},
                                          {"token_type", "bearer"},
                                          {"expires_in", s.tokens.lifetime().count()}});
}
}  // namespace

StringResponse auth_token(RequestContext& request) { return login(request, "username"); }
StringResponse auth_login(RequestContext& request) { return login(request, "email"); }

}  // namespace neuro::server::handlers
