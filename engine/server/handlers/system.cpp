// GET /health, GET /metrics, GET /api/v2/devices: answered from memory on the I/O thread.
#include "engine/common/device_profiles.hpp"
#include "engine/server/handlers/common.hpp"
#include "engine/server/handlers/handlers.hpp"
#include "engine/server/job_queue.hpp"
#include "engine/server/websocket_host.hpp"

namespace neuro::server::handlers {

StringResponse health(RequestContext& request) {
  // Formatted by hand, not through a JSON object: the hottest route, asked many times a second.
  const HealthMonitor& h = request.server->health;
  const bool pg = h.postgres_up();
  const bool redis = h.redis_up();
  const bool ok = pg && redis;
  StringResponse response{ok ? http::status::ok : http::status::service_unavailable, 11};
  response.set(http::field::server, "neuroperf");
  response.set(http::field::content_type, "application/json");
  std::string& body = response.body();
  body.reserve(96);
  body += "{\"checked_ms_ago\":";
  body += std::to_string(h.age_ms());
  body += pg ? ",\"postgres\":\"up\"" : ",\"postgres\":\"down\"";
  body += redis ? ",\"redis\":\"up\"" : ",\"redis\":\"down\"";
  body += ok ? ",\"status\":\"ok\"}" : ",\"status\":\"degraded\"}";
  return response;
}

namespace {
void gauge(std::string& out, const char* name, const char* type, const char* help,
           std::int64_t value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
         name + " " + std::to_string(value) + "\n";
}
}  // namespace

StringResponse metrics(RequestContext& request) {
  ServerContext& s = *request.server;
  std::string out;
  out.reserve(16 << 10);
  s.metrics.render(out);
  const JobCounts jobs = s.jobs.counts();
  out += "# HELP neuroperf_jobs Jobs by state (queued and running now; the others since start).\n";
  out += "# TYPE neuroperf_jobs gauge\n";
  out += "neuroperf_jobs{state=\"queued\"} " + std::to_string(jobs.queued) + "\n";
  out += "neuroperf_jobs{state=\"running\"} " + std::to_string(jobs.running) + "\n";
  out += "neuroperf_jobs{state=\"completed\"} " + std::to_string(jobs.completed) + "\n";
  out += "neuroperf_jobs{state=\"failed\"} " + std::to_string(jobs.failed) + "\n";
  out += "neuroperf_jobs{state=\"interrupted\"} " + std::to_string(jobs.interrupted) + "\n";
  gauge(out, "neuroperf_postgres_up", "gauge", "PostgreSQL answered the last health check.",
        s.health.postgres_up());
  gauge(out, "neuroperf_redis_up", "gauge", "Redis answered the last health check.",
        s.health.redis_up());
  if (s.websocket) {
    const ws::WebSocketStats w = s.websocket->stats();
    gauge(out, "neuroperf_ws_stream_sessions", "gauge", "Open /ws/stream connections.",
          w.stream_sessions);
    gauge(out, "neuroperf_ws_device_sessions", "gauge", "Open /ws/devices connections.",
          w.device_sessions);
    gauge(out, "neuroperf_ws_queued_messages", "gauge", "Messages in all send queues now.",
          w.queued_messages);
    gauge(out, "neuroperf_ws_max_queue_depth", "gauge", "Deepest single send queue now.",
          w.max_queue_depth);
    gauge(out, "neuroperf_ws_messages_sent_total", "counter", "WebSocket messages sent.",
          w.messages_sent_total);
    gauge(out, "neuroperf_ws_messages_dropped_total", "counter",
          "Pushes dropped by a full send queue.", w.messages_dropped_total);
    gauge(out, "neuroperf_ws_packets_acked_total", "counter", "Device packets acknowledged.",
          w.packets_acked_total);
    gauge(out, "neuroperf_ws_packets_stored_total", "counter", "Device packets stored.",
          w.packets_stored_total);
    gauge(out, "neuroperf_ws_protocol_errors_total", "counter", "Bad WebSocket messages.",
          w.protocol_errors_total);
  }
  StringResponse response{http::status::ok, 11};
  response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  response.body() = std::move(out);
  return response;
}

StringResponse devices(RequestContext& request) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : common::kDeviceProfiles) {
    list.push_back({{"id", p.name},
                    {"device_id", p.name},
                    {"type", p.name},
                    {"channels", p.channels},
                    {"sample_rate", p.sample_rate_hz},
                    {"status", "available"},
                    {"live", false}});
  }
  if (request.server->websocket) {
    for (const auto& d : request.server->websocket->live_devices()) {
      list.push_back({{"id", d.device_id},
                      {"device_id", d.device_id},
                      {"type", d.device_type},
                      {"channels", d.channels},
                      {"sample_rate", d.sample_rate_hz},
                      {"status", "streaming"},
                      {"live", true},
                      {"packets", d.packets}});
    }
  }
  return json_response(http::status::ok, {{"devices", std::move(list)}});
}

}  // namespace neuro::server::handlers
