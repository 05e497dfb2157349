// POST /api/v2/reports {"session_id","analysis_id","template"} (201), GET /api/v2/reports/{id}:
// the report rendered from the session and the analysis's stored results.
#include "engine/server/api_db.hpp"
#include "engine/server/handlers/common.hpp"
#include "engine/server/handlers/handlers.hpp"

namespace neuro::server::handlers {

namespace {

std::string render(const std::string& template_name, const ApiSession& s,
                   const nlohmann::json& results) {
  std::string out = "# EEG report (" + template_name + ")\n\nSession " + s.id + ", device " +
                    s.device_id + ", " + std::to_string(s.channels) + " channels at " +
                    std::to_string(s.sample_rate_hz) + " Hz, " + std::to_string(s.samples_stored) +
                    " samples per channel.\n";
  if (results.contains("spectral_analysis")) {
    out +=
        "\n## Band power (uV^2)\n\n| channel | delta | theta | alpha | beta | gamma |\n"
        "|---|---|---|---|---|---|\n";
    for (const auto& c : results["spectral_analysis"]["channels"]) {
      out += "| " + c["channel"].dump();
      for (const auto& p : c["band_power_uv2"]) out += " | " + p.dump();
      out += " |\n";
    }
  }
  if (results.contains("artifact_detection")) {
    const auto& a = results["artifact_detection"];
    out += "\n## Artifacts\n\nBad channels: " + a["bad_channels"].dump() +
           "; clipped samples: " + a["clipped_samples"].dump() + ".\n";
  }
  if (results.contains("connectivity_analysis")) {
    out += "\n## Connectivity\n\nBand-averaged coherence for " +
           results["connectivity_analysis"]["bands"].dump() + ".\n";
  }
  return out;
}

}  // namespace

StringResponse create_report(RequestContext& request) {
  const nlohmann::json body = json_body(request);
  const std::string session_id = require_id(body, "session_id");
  const std::string analysis_id = require_id(body, "analysis_id");
  const std::string template_name = optional_string(body, "template").value_or("clinical_standard");
  auto db = request.server->pg.acquire();
  if (!find_session(*db, session_id)) not_found("no session '" + session_id + "'");
  const auto a = query(*db,
                       "SELECT session_id, status FROM api_jobs WHERE id = $1 AND kind = "
                       "'analysis'",
                       {analysis_id});
  if (a.rows() == 0) not_found("no analysis '" + analysis_id + "'");
  if (a.value(0, 0) != session_id) {
    unprocessable("analysis '" + analysis_id + "' belongs to session '" +
                  std::string(a.value(0, 0)) + "'");
  }
  if (a.value(0, 1) != "completed") {
    throw ApiError(http::status::conflict,
                   "analysis '" + analysis_id + "' is " + std::string(a.value(0, 1)));
  }
  const std::string id = new_id("rep_");
  const auto r =
      query(*db,
            "INSERT INTO api_reports (id, session_id, analysis_id, template, created_by) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING to_char(created_at AT TIME ZONE "
            "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
            {id, session_id, analysis_id, template_name, request.user});
  return json_response(http::status::created, {{"id", id},
                                               {"report_id", id},
                                               {"session_id", session_id},
                                               {"analysis_id", analysis_id},
                                               {"template", template_name},
                                               {"created_at", r.value(0, 0)}});
}

StringResponse get_report(RequestContext& request) {
  auto db = request.server->pg.acquire();
  const auto r = query(*db,
                       "SELECT r.session_id, r.analysis_id, r.template, j.result::text FROM "
                       "api_reports r JOIN api_jobs j ON j.id = r.analysis_id WHERE r.id = $1",
                       {request.param(0)});
  if (r.rows() == 0) not_found("no report '" + request.param(0) + "'");
  const auto s = find_session(*db, std::string(r.value(0, 0)));
  if (!s) not_found("the report's session is gone");
  const nlohmann::json results =
      r.is_null(0, 3) ? nlohmann::json::object() : nlohmann::json::parse(r.value(0, 3));
  return json_response(http::status::ok,
                       {{"id", request.param(0)},
                        {"session_id", s->id},
                        {"analysis_id", r.value(0, 1)},
                        {"template", r.value(0, 2)},
                        {"session", session_json(*s)},
                        {"results", results},
                        {"content_type", "text/markdown"},
                        {"content", render(std::string(r.value(0, 2)), *s, results)}});
}

}  // namespace neuro::server::handlers
