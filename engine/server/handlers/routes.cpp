#include "engine/server/handlers/handlers.hpp"
#include "engine/server/handlers/videos.hpp"

namespace neuro::server::handlers {

Router make_router(const Limits& limits) {
  using http::verb;
  Router r;
  const std::size_t json = limits.json_body_bytes;
  auto add = [&](verb method, const char* pattern, bool auth, Handler handler,
                 Execution execution = Execution::kBlocking, BodyMode body = BodyMode::kBuffered,
                 std::size_t limit = 0, bool store = true) {
    Route route;
    route.method = method;
    route.pattern = pattern;
    route.auth_required = auth;
    route.handler = std::move(handler);
    route.execution = execution;
    route.body = body;
    route.body_limit_bytes = limit ? limit : json;
    route.needs_store = store;
    r.add(std::move(route));
  };
  add(verb::get, "/health", false, health, Execution::kInline, BodyMode::kNone, 0, false);
  add(verb::get, "/metrics", false, metrics, Execution::kInline, BodyMode::kNone, 0, false);
  add(verb::post, "/auth/token", false, auth_token, Execution::kBlocking, BodyMode::kBuffered, 0,
      false);
  add(verb::post, "/auth/login", false, auth_login, Execution::kBlocking, BodyMode::kBuffered, 0,
      false);
  add(verb::get, "/api/v2/devices", true, devices, Execution::kInline, BodyMode::kNone, 0, false);
  add(verb::post, "/api/v2/patients", true, create_patient);
  add(verb::get, "/api/v2/patients", true, list_patients);
  add(verb::get, "/api/v2/patients/{id}", true, get_patient);
  add(verb::post, "/api/v2/sessions", true, create_session);
  add(verb::get, "/api/v2/sessions", true, list_sessions);
  add(verb::get, "/api/v2/sessions/{id}", true, get_session);
  add(verb::get, "/api/v2/sessions/{id}/data", true, get_session_data);
  add(verb::post, "/api/v2/sessions/{id}/data", true, post_session_data, Execution::kBlocking,
      BodyMode::kBuffered, limits.chunk_body_bytes);
  {
    Route route;
    route.method = verb::post;
    route.pattern = "/api/v2/data/upload";
    route.body = BodyMode::kStreamed;
    route.body_limit_bytes = limits.upload_body_bytes;
    route.streamed = upload;
    route.needs_store = true;
    r.add(std::move(route));
  }
  add(verb::get, "/api/v2/jobs/{id}", true, get_job);
  add(verb::post, "/api/v2/analysis", true, create_analysis);
  add(verb::get, "/api/v2/analysis/{id}", true, get_analysis);
  add(verb::post, "/api/v2/reports", true, create_report);
  add(verb::get, "/api/v2/reports/{id}", true, get_report);
  add(verb::post, "/api/v2/inference/{model}", true, inference, Execution::kBlocking,
      BodyMode::kBuffered, limits.inference_body_bytes, false);
  add(verb::get, "/api/projects", true, list_projects);
  add(verb::post, "/api/projects", true, create_project);
  add(verb::get, "/api/test-sessions", true, list_test_sessions);
  add(verb::post, "/api/test-sessions", true, create_test_session);
  add(verb::get, "/api/test-sessions/{id}", true, get_test_session);
  add(verb::get, "/api/videos/{id}", true, get_video);
  {
    Route route;
    route.method = verb::post;
    route.pattern = "/api/videos";
    route.body = BodyMode::kStreamed;
    route.body_limit_bytes = limits.upload_body_bytes;
    route.streamed = upload_video;
    route.needs_store = true;
    r.add(std::move(route));
  }
  for (const char* path : {"/ws/stream", "/ws/devices"}) {
    Route route;
    route.method = verb::get;
    route.pattern = path;
    route.websocket = true;
    route.body = BodyMode::kNone;
    r.add(std::move(route));
  }
  return r;
}

}  // namespace neuro::server::handlers
