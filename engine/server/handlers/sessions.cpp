// POST /api/v2/sessions, GET /api/v2/sessions (newest first, limit/offset), GET .../{id}.
#include "engine/server/api_db.hpp"
#include "engine/server/handlers/common.hpp"
#include "engine/server/handlers/handlers.hpp"

namespace neuro::server::handlers {

StringResponse create_session(RequestContext& request) {
  const nlohmann::json body = json_body(request);
  ApiSession s;
  s.id = optional_string(body, "id").value_or(new_id("ses_"));
  check_session_id(s.id);
  s.patient_id = require_id(body, "patient_id");
  s.device_id = optional_string(body, "device_id").value_or("");
  s.protocol = optional_string(body, "protocol").value_or("");
  s.duration_s = optional_number(body, "duration");
  device_shape(s.device_id, s.channels, s.sample_rate_hz);
  if (const auto c = optional_number(body, "channels")) {
    if (*c < 1 || *c > 4096 || *c != static_cast<int>(*c)) unprocessable("bad 'channels'");
    s.channels = static_cast<int>(*c);
  }
  if (const auto rate = optional_number(body, "sample_rate")) {
    if (!(*rate > 0 && *rate <= 1e6)) unprocessable("bad 'sample_rate'");
    s.sample_rate_hz = *rate;
  }
  s.start_us = unix_now_us();
  auto db = request.server->pg.acquire();
  if (query(*db, "SELECT 1 FROM api_patients WHERE id = $1", {s.patient_id}).rows() == 0) {
    unprocessable("no patient '" + s.patient_id + "'");
  }
  if (find_session(*db, s.id)) {
    throw ApiError(http::status::conflict, "session '" + s.id + "' exists already");
  }
  return json_response(http::status::created, session_json(ensure_session(*db, s, request.user)));
}

StringResponse list_sessions(RequestContext& request) {
  const auto limit = query_integer(request, "limit", 50, 1, 1000);
  const auto offset = query_integer(request, "offset", 0, 0, 1'000'000'000);
  auto db = request.server->pg.acquire();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : newest_sessions(*db, limit, offset)) list.push_back(session_json(s));
  return json_response(http::status::ok,
                       {{"sessions", std::move(list)}, {"limit", limit}, {"offset", offset}});
}

StringResponse get_session(RequestContext& request) {
  auto db = request.server->pg.acquire();
  auto s = find_session(*db, request.param(0));
  if (!s) not_found("no session '" + request.param(0) + "'");
  nlohmann::json j = session_json(*s);
  if (!s->patient_id.empty()) {
    const auto p = query(*db,
                         "SELECT id, name, coalesce(to_char(dob, 'YYYY-MM-DD'), ''), "
                         "coalesce(mrn, '') FROM api_patients WHERE id = $1",
                         {s->patient_id});
    if (p.rows()) {
      j["patient"] = {{"id", p.value(0, 0)},
                      {"name", p.value(0, 1)},
                      {"dob", p.value(0, 2)},
                      {"mrn", p.value(0, 3)}};
    }
  }
  // Devices stream through the WebSocket service, which counts packets, not samples: count
  // what the store holds.
  if (s->source == "device") {
    const auto c = query(*db,
                         "SELECT coalesce(sum(length(samples)), 0) / 4 FROM eeg_chunks WHERE "
                         "session_id = $1",
                         {std::to_string(s->store_id)});
    j["samples_stored"] = std::stoll(std::string(c.value(0, 0))) / std::max(1, s->channels);
  }
  j["device"] = {
      {"id", s->device_id}, {"channels", s->channels}, {"sample_rate", s->sample_rate_hz}};
  j["samples_per_channel"] = j["samples_stored"];
  j["recorded_seconds"] = j["samples_stored"].get<double>() / s->sample_rate_hz;
  return json_response(http::status::ok, j);
}

}  // namespace neuro::server::handlers
