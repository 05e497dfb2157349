// POST /api/v2/analysis (202 + job_id), GET /api/v2/analysis/{id}, GET /api/v2/jobs/{id}, and
// the analysis job's work.
#include "engine/server/handlers/analysis.hpp"

#include <cmath>

#include "engine/dsp/artifacts.hpp"
#include "engine/dsp/connectivity.hpp"
#include "engine/dsp/features.hpp"
#include "engine/server/api_db.hpp"
#include "engine/server/handlers/common.hpp"
#include "engine/server/handlers/handlers.hpp"
#include "engine/server/jobs.hpp"
#include "engine/store/writers.hpp"

namespace neuro::server {
namespace handlers {

bool known_analysis(const std::string& type) {
  return type == "spectral_analysis" || type == "connectivity_analysis" ||
         type == "artifact_detection";
}

common::SignalBlock block_from_chunks(const std::vector<store::ChunkRow>& chunks, int channels,
                                      double sample_rate_hz) {
  std::vector<std::size_t> lengths(static_cast<std::size_t>(channels), 0);
  for (const auto& c : chunks) {
    if (c.channel >= 0 && c.channel < channels) {
      lengths[static_cast<std::size_t>(c.channel)] += c.samples.size();
    }
  }
  const std::size_t samples = *std::min_element(lengths.begin(), lengths.end());
  if (samples == 0) unprocessable("the session has no stored samples to analyse");
  common::SignalBlock block(static_cast<std::size_t>(channels), samples, sample_rate_hz);
  std::vector<std::size_t> filled(static_cast<std::size_t>(channels), 0);
  for (const auto& c : chunks) {  // ordered by channel, then time
    if (c.channel < 0 || c.channel >= channels) continue;
    const auto ch = static_cast<std::size_t>(c.channel);
    const std::size_t n = std::min(c.samples.size(), samples - filled[ch]);
    std::copy_n(c.samples.begin(), n,
                block.channel(ch).begin() + static_cast<std::ptrdiff_t>(filled[ch]));
    filled[ch] += n;
  }
  return block;
}

std::size_t analysis_nperseg(const common::SignalBlock& block) {
  const auto second = static_cast<std::size_t>(std::lround(block.sample_rate_hz()));
  return std::max<std::size_t>(2, std::min(second, block.samples()));
}

nlohmann::json run_analysis(const std::string& type, const common::SignalBlock& block) {
  nlohmann::json bands = nlohmann::json::array();
  for (const auto& b : dsp::kEegBands) bands.push_back(b.name);
  if (type == "spectral_analysis") {
    dsp::FeatureOptions options;
    options.welch.nperseg = analysis_nperseg(block);
    const auto features = dsp::compute_features(block, options);
    nlohmann::json channels = nlohmann::json::array();
    for (std::size_t c = 0; c < features.size(); ++c) {
      channels.push_back({{"channel", c},
                          {"band_power_uv2", features[c].band_power_uv2},
                          {"relative_band_power", features[c].relative_band_power},
                          {"total_power_uv2", features[c].total_power_uv2},
                          {"spectral_entropy", features[c].spectral_entropy}});
    }
    return {{"type", type},
            {"bands", bands},
            {"nperseg", options.welch.nperseg},
            {"channels", channels}};
  }
  if (type == "connectivity_analysis") {
    dsp::CoherenceOptions options;
    options.welch.nperseg = analysis_nperseg(block);
    const auto coherence = dsp::band_coherence(block, options);
    nlohmann::json matrices = nlohmann::json::object();
    for (std::size_t b = 0; b < coherence.bands.size(); ++b) {
      const auto& m = coherence.matrices[b];
      nlohmann::json rows = nlohmann::json::array();
      for (Eigen::Index i = 0; i < m.rows(); ++i) {
        std::vector<double> row(static_cast<std::size_t>(m.cols()));
        for (Eigen::Index j = 0; j < m.cols(); ++j) row[static_cast<std::size_t>(j)] = m(i, j);
        rows.push_back(row);
      }
      matrices[std::string(coherence.bands[b].name)] = rows;
    }
    return {{"type", type},
            {"bands", bands},
            {"nperseg", options.welch.nperseg},
            {"coherence", matrices}};
  }
  common::SignalBlock copy = block;
  const dsp::ArtifactReport report = dsp::remove_artifacts(copy);
  nlohmann::json reasons = nlohmann::json::object();
  for (std::size_t c : report.bad_channels()) {
    reasons[std::to_string(c)] = dsp::bad_reason_names(report.channels[c].bad_reasons);
  }
  const std::size_t bad = report.bad_channels().size();
  return {{"type", type},
          {"bad_channels", report.bad_channels()},
          {"reasons", reasons},
          {"clipped_samples", report.clipped_samples()},
          {"repaired_samples", bad * block.samples()},
          {"channels", block.channels()},
          {"samples_per_channel", block.samples()}};
}

namespace {

nlohmann::json job_json(const store::Result& r) {
  nlohmann::json j{{"id", r.value(0, 0)},
                   {"job_id", r.value(0, 0)},
                   {"kind", r.value(0, 1)},
                   {"status", r.value(0, 2)},
                   {"progress", std::stod(std::string(r.value(0, 3)))},
                   {"session_id", r.value(0, 4)}};
  j["result"] = r.is_null(0, 5) ? nlohmann::json() : nlohmann::json::parse(r.value(0, 5));
  j["error"] = r.is_null(0, 6) ? nlohmann::json() : nlohmann::json(r.value(0, 6));
  return j;
}

store::Result load_job(store::Connection& db, const std::string& id) {
  return query(db,
               "SELECT id, kind, status, progress, coalesce(session_id, ''), result::text, error "
               "FROM api_jobs WHERE id = $1",
               {id});
}

}  // namespace

StringResponse get_job(RequestContext& request) {
  auto db = request.server->pg.acquire();
  const auto r = load_job(*db, request.param(0));
  if (r.rows() == 0) not_found("no job '" + request.param(0) + "'");
  return json_response(http::status::ok, job_json(r));
}

StringResponse create_analysis(RequestContext& request) {
  const nlohmann::json body = json_body(request);
  const std::string session_id = require_id(body, "session_id");
  const auto it = body.find("analyses");
  if (it == body.end() || !it->is_array() || it->empty()) {
    unprocessable("field 'analyses' must be a non-empty array of {\"type\": ...}");
  }
  nlohmann::json types = nlohmann::json::array();
  for (const auto& a : *it) {
    const std::string type = require_string(a, "type");
    if (!known_analysis(type)) {
      unprocessable("unknown analysis type '" + type +
                    "' (spectral_analysis, connectivity_analysis, artifact_detection)");
    }
    types.push_back(type);
  }
  const std::string id = new_id("ana_");
  {
    auto db = request.server->pg.acquire();
    if (!find_session(*db, session_id)) not_found("no session '" + session_id + "'");
    query(*db,
          "INSERT INTO api_jobs (id, kind, status, session_id, params, created_by) VALUES ($1, "
          "'analysis', 'queued', $2, $3::jsonb, $4)",
          {id, session_id, nlohmann::json{{"analyses", types}}.dump(), request.user});
  }
  enqueue_job(*request.server, id, "analysis");
  return json_response(
      http::status::accepted,
      {{"job_id", id}, {"id", id}, {"status", "queued"}, {"session_id", session_id}});
}

StringResponse get_analysis(RequestContext& request) {
  auto db = request.server->pg.acquire();
  const auto r = load_job(*db, request.param(0));
  if (r.rows() == 0 || r.value(0, 1) != "analysis") {
    not_found("no analysis '" + request.param(0) + "'");
  }
  nlohmann::json j = job_json(r);
  j["results"] = j["result"];
  return json_response(http::status::ok, j);
}

}  // namespace handlers

JobQueueOutcome run_analysis_job(ServerContext& server, const std::string& id,
                                 const std::atomic<bool>& stopping) {
  try {
    set_job_status(server, id, "running", 0.0);
    std::string session_id;
    nlohmann::json params;
    std::vector<store::ChunkRow> chunks;
    handlers::ApiSession session;
    {
      auto db = server.pg.acquire();
      const auto r =
          query(*db, "SELECT session_id, params::text FROM api_jobs WHERE id = $1", {id});
      if (r.rows() == 0) return JobQueueOutcome::kFailed;
      session_id = r.value(0, 0);
      params = nlohmann::json::parse(r.value(0, 1));
      auto s = handlers::find_session(*db, session_id);
      if (!s) throw std::runtime_error("session '" + session_id + "' is gone");
      session = *s;
      chunks = store::read_chunks(*db, session.store_id);
    }
    const common::SignalBlock block =
        handlers::block_from_chunks(chunks, session.channels, session.sample_rate_hz);
    chunks.clear();
    nlohmann::json results = nlohmann::json::object();
    const auto& types = params["analyses"];
    std::size_t done = 0;
    for (const auto& t : types) {
      if (stopping.load()) return JobQueueOutcome::kInterrupted;
      const std::string type = t.get<std::string>();
      results[type] = handlers::run_analysis(type, block);
      set_job_status(server, id, "running",
                     static_cast<double>(++done) / static_cast<double>(types.size()));
    }
    results["session_id"] = session_id;
    results["channels"] = block.channels();
    results["samples_per_channel"] = block.samples();
    set_job_status(server, id, "completed", 1.0, &results);
    return JobQueueOutcome::kCompleted;
  } catch (const std::exception& e) {
    return fail_job(server, id, e.what());
  }
}

}  // namespace neuro::server
