// The validation platform's resources in the store's volume schema: GET/POST /api/projects,
// GET /api/test-sessions (newest first, limit/offset).
#include "engine/server/api_db.hpp"
#include "engine/server/handlers/common.hpp"
#include "engine/server/handlers/handlers.hpp"

namespace neuro::server::handlers {

namespace {
constexpr const char* kProjectColumns =
    "p.id, p.user_id, p.name, coalesce(p.camera_model, ''), coalesce(p.camera_view, ''), "
    "coalesce(p.signal_type, ''), to_char(p.created_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

nlohmann::json project_json(const store::Result& r, int i) {
  return {{"id", r.value(i, 0)},          {"user_id", r.value(i, 1)},
          {"name", r.value(i, 2)},        {"camera_model", r.value(i, 3)},
          {"camera_view", r.value(i, 4)}, {"signal_type", r.value(i, 5)},
          {"created_at", r.value(i, 6)}};
}
}  // namespace

StringResponse list_projects(RequestContext& request) {
  const auto limit = query_integer(request, "limit", 100, 1, 1000);
  const auto offset = query_integer(request, "offset", 0, 0, 1'000'000'000);
  auto db = request.server->pg.acquire();
  const auto r = query(*db,
                       std::string("SELECT ") + kProjectColumns +
                           " FROM projects p ORDER BY p.created_at DESC, p.id DESC LIMIT $1 "
                           "OFFSET $2",
                       {std::to_string(limit), std::to_string(offset)});
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < r.rows(); ++i) list.push_back(project_json(r, i));
  return json_response(http::status::ok, {{"projects", std::move(list)}});
}

StringResponse create_project(RequestContext& request) {
  const nlohmann::json body = json_body(request);
  const std::string name = require_string(body, "name");
  if (name.empty()) unprocessable("field 'name' must not be empty");
  auto db = request.server->pg.acquire();
  query(*db,
        "INSERT INTO users (id, email, created_at) VALUES (nextval('api_volume_ids'), $1, "
        "clock_timestamp()) ON CONFLICT (email) DO NOTHING",
        {request.user});
  const auto r = query(
      *db,
      std::string("WITH p AS (INSERT INTO projects (id, user_id, name, created_at, camera_model, "
                  "camera_view, signal_type) SELECT nextval('api_volume_ids'), u.id, $2, "
                  "clock_timestamp(), $3, $4, $5 FROM users u WHERE u.email = $1 RETURNING *) "
                  "SELECT ") +
          kProjectColumns + " FROM p",
      {request.user, name, optional_string(body, "camera_model"),
       optional_string(body, "camera_view"), optional_string(body, "signal_type")});
  return json_response(http::status::created, project_json(r, 0));
}

StringResponse list_test_sessions(RequestContext& request) {
  const auto limit = query_integer(request, "limit", 100, 1, 1000);
  const auto offset = query_integer(request, "offset", 0, 0, 1'000'000'000);
  auto db = request.server->pg.acquire();
  const auto r = query(*db,
                       "SELECT ts.id, ts.project_id, ts.status, to_char(ts.started_at AT TIME "
                       "ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), p.name FROM "
                       "test_sessions ts JOIN projects p ON p.id = ts.project_id ORDER BY "
                       "ts.started_at DESC, ts.id DESC LIMIT $1 OFFSET $2",
                       {std::to_string(limit), std::to_string(offset)});
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < r.rows(); ++i) {
    list.push_back({{"id", r.value(i, 0)},
                    {"project_id", r.value(i, 1)},
                    {"status", r.value(i, 2)},
                    {"started_at", r.value(i, 3)},
                    {"project_name", r.value(i, 4)}});
  }
  return json_response(http::status::ok, {{"test_sessions", std::move(list)}});
}

}  // namespace neuro::server::handlers
