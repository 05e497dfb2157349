// POST /api/v2/inference/{movement|emotion}: raw float32 (application/octet-stream, examples
// back to back) or JSON {"data": [...]} (one example as nested or flat numbers, or a list).
#include "engine/server/inference.hpp"

#include <cstring>

#include "engine/server/handlers/common.hpp"
#include "engine/server/handlers/handlers.hpp"

namespace neuro::server::handlers {

namespace {
void flatten(const nlohmann::json& j, std::vector<float>& out) {
  if (j.is_number()) {
    out.push_back(j.get<float>());
  } else if (j.is_array()) {
    for (const auto& v : j) flatten(v, out);
  } else {
    unprocessable("inference data must hold numbers only");
  }
}
}  // namespace

StringResponse inference(RequestContext& request) {
  const std::string model = request.param(0);
  Inference& engine = request.server->inference;
  const std::size_t per = engine.example_size(model);
  if (per == 0) not_found("no model '" + model + "' (movement, emotion)");
  const std::string_view type = to_sv((*request.header)[http::field::content_type]);
  std::vector<float> values;
  if (type.substr(0, type.find(';')) == "application/octet-stream") {
    const std::string& body = request.request->body();
    if (body.size() % sizeof(float)) unprocessable("body is not a whole number of float32 values");
    values.resize(body.size() / sizeof(float));
    std::memcpy(values.data(), body.data(), body.size());
  } else {
    const nlohmann::json body = json_body(request);
    if (!body.is_object() || !body.contains("data")) unprocessable("missing field 'data'");
    flatten(body["data"], values);
  }
  if (values.empty() || values.size() % per) {
    unprocessable("expected a whole number of examples of 8 x 250 values, got " +
                  std::to_string(values.size()) + " values");
  }
  return json_response(http::status::ok, engine.predict(model, values));
}

}  // namespace neuro::server::handlers
