// POST /api/test-sessions runs engine/video's detector and validation on a ready video and
// writes every labelled event (TP, FP, FN) into detection_events in one transaction;
// GET /api/test-sessions/{id} reads the session and counts its events from the table.
#include <cstdio>

#include "engine/base/errors.hpp"
#include "engine/server/api_db.hpp"
#include "engine/server/handlers/common.hpp"
#include "engine/server/handlers/videos.hpp"
#include "engine/video/ground_truth.hpp"
#include "engine/video/session.hpp"
#include "engine/video/validation.hpp"

namespace neuro::server::handlers {
namespace {

constexpr const char* kSessionColumns =
    "ts.id, ts.project_id, coalesce(ts.video_id, ''), ts.status, coalesce(ts.tolerance_ms, 0), "
    "to_char(ts.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "coalesce(ts.frames, 0), coalesce(ts.processing_ms, 0), ts.precision, ts.recall, "
    "coalesce(ts.error, '')";

// The session row and its events counted by validation_result, straight from the tables.
nlohmann::json test_session_json(store::Connection& db, const std::string& id) {
  const auto r = query(
      db,
      std::string("SELECT ") + kSessionColumns + " FROM test_sessions ts WHERE ts.id = $1::bigint",
      {id});
  if (r.rows() == 0) not_found("no test session '" + id + "'");
  nlohmann::json j{{"id", std::stoll(std::string(r.value(0, 0)))},
                   {"project_id", std::stoll(std::string(r.value(0, 1)))},
                   {"video_id", r.value(0, 2)},
                   {"status", r.value(0, 3)},
                   {"tolerance_ms", std::stoll(std::string(r.value(0, 4)))},
                   {"started_at", r.value(0, 5)},
                   {"frames", std::stoll(std::string(r.value(0, 6)))},
                   {"processing_ms", std::stod(std::string(r.value(0, 7)))}};
  j["precision"] =
      r.is_null(0, 8) ? nlohmann::json() : nlohmann::json(std::stod(std::string(r.value(0, 8))));
  j["recall"] =
      r.is_null(0, 9) ? nlohmann::json() : nlohmann::json(std::stod(std::string(r.value(0, 9))));
  if (!r.value(0, 10).empty()) j["error"] = r.value(0, 10);
  const auto counts = query(db,
                            "SELECT validation_result, count(*) FROM detection_events WHERE "
                            "session_id = $1::bigint GROUP BY validation_result",
                            {id});
  nlohmann::json by_result{{"TP", 0}, {"FP", 0}, {"FN", 0}};
  std::int64_t detections = 0;
  for (int i = 0; i < counts.rows(); ++i) {
    const std::string label(counts.value(i, 0));
    const std::int64_t n = std::stoll(std::string(counts.value(i, 1)));
    by_result[label] = n;
    if (label != "FN") detections += n;
  }
  j["event_counts"] = by_result;
  j["detections"] = detections;
  return j;
}

// PostgreSQL array literal of numbers: {1,2,3}.
template <typename T, typename F>
std::string array_of(const std::vector<T>& items, std::size_t from, std::size_t to, F field) {
  std::string out = "{";
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) out += ',';
    out += field(items[i]);
  }
  out += '}';
  return out;
}

void insert_events(store::Connection& db, const std::string& session_id,
                   const std::vector<video::LabelledEvent>& events) {
  constexpr std::size_t kBatch = 4096;
  for (std::size_t from = 0; from < events.size(); from += kBatch) {
    const std::size_t to = std::min(events.size(), from + kBatch);
    using E = video::LabelledEvent;
    const auto num = [](double v) {
      char text[32];
      std::snprintf(text, sizeof text, "%.17g", v);
      return std::string(text);
    };
    query(db,
          "INSERT INTO detection_events (id, session_id, event_type, confidence, detected_at, "
          "validation_result, frame_index, video_time_ms, box_x, box_y, box_width, box_height) "
          "SELECT nextval('api_volume_ids'), $1::bigint, 'moving_object', u.c, "
          "(SELECT started_at FROM test_sessions WHERE id = $1::bigint) + u.t * interval '1 "
          "millisecond', u.v, u.f, u.t, u.x, u.y, u.w, u.h FROM unnest($2::float8[], $3::text[], "
          "$4::bigint[], $5::float8[], $6::int[], $7::int[], $8::int[], $9::int[]) AS u(c, v, f, "
          "t, x, y, w, h)",
          {session_id, array_of(events, from, to, [&](const E& e) { return num(e.confidence); }),
           array_of(events, from, to,
                    [](const E& e) { return std::string(video::outcome_name(e.outcome)); }),
           array_of(events, from, to, [](const E& e) { return std::to_string(e.frame); }),
           array_of(events, from, to,
                    [&](const E& e) { return num(static_cast<double>(e.time_us) / 1000.0); }),
           array_of(events, from, to, [](const E& e) { return std::to_string(e.box.x); }),
           array_of(events, from, to, [](const E& e) { return std::to_string(e.box.y); }),
           array_of(events, from, to, [](const E& e) { return std::to_string(e.box.width); }),
           array_of(events, from, to, [](const E& e) { return std::to_string(e.box.height); })});
  }
}

}  // namespace

StringResponse create_test_session(RequestContext& request) {
  const nlohmann::json body = json_body(request);
  const std::string project_id = require_id(body, "project_id");
  const std::string video_id = require_id(body, "video_id");
  const auto tolerance = optional_number(body, "tolerance_ms");
  if (tolerance && !(*tolerance >= 0 && *tolerance <= 60'000)) {
    unprocessable("field 'tolerance_ms' must be a number in [0, 60000]");
  }
  const auto tolerance_ms = static_cast<std::int64_t>(tolerance.value_or(100.0));
  if (project_id.empty() || project_id.find_first_not_of("0123456789") != std::string::npos ||
      project_id.size() > 18) {
    unprocessable("field 'project_id' must be a project's integer id");
  }
  std::string session_id, video_path, truth_path;
  {
    auto db = request.server->pg.acquire();
    if (query(*db, "SELECT 1 FROM projects WHERE id = $1::bigint", {project_id}).rows() == 0) {
      not_found("no project " + project_id);
    }
    const auto v = query(*db,
                         "SELECT status, file_path, coalesce(truth_path, ''), coalesce(error, "
                         "'') FROM api_videos WHERE id = $1",
                         {video_id});
    if (v.rows() == 0) not_found("no video '" + video_id + "'");
    const std::string status(v.value(0, 0));
    if (status == "failed") {
      throw ApiError(http::status::conflict,
                     "video '" + video_id + "' failed processing: " + std::string(v.value(0, 3)));
    }
    if (status != "ready") {
      throw ApiError(http::status::conflict,
                     "video '" + video_id + "' is still processing (status " + status + ")");
    }
    video_path = v.value(0, 1);
    truth_path = v.value(0, 2);
    if (truth_path.empty()) {
      unprocessable("video '" + video_id + "' was uploaded without a ground_truth part");
    }
    session_id = query(*db,
                       "INSERT INTO test_sessions (id, project_id, status, started_at, video_id, "
                       "tolerance_ms, created_by) VALUES (nextval('api_volume_ids'), $1::bigint, "
                       "'running', clock_timestamp(), $2, $3, $4) RETURNING id",
                       {project_id, video_id, std::to_string(tolerance_ms), request.user})
                     .value(0, 0);
  }
  try {
    const video::SessionResult run = video::run_session(video_path);
    const auto truth = video::read_ground_truth(truth_path);
    const auto validation =
        video::validate(run.events, truth, video::ValidationOptions{tolerance_ms, 0.5});
    auto db = request.server->pg.acquire();
    store::Transaction transaction(*db);
    insert_events(*db, session_id, validation.events);
    query(*db,
          "UPDATE test_sessions SET status = 'completed', frames = $2, processing_ms = $3, "
          "precision = $4, recall = $5 WHERE id = $1::bigint",
          {session_id, std::to_string(run.frames), std::to_string(run.processing_seconds * 1e3),
           std::to_string(validation.precision), std::to_string(validation.recall)});
    transaction.commit();
    return json_response(http::status::created, test_session_json(*db, session_id));
  } catch (const base::InvalidArgument& e) {
    auto db = request.server->pg.acquire();
    query(*db, "UPDATE test_sessions SET status = 'failed', error = $2 WHERE id = $1::bigint",
          {session_id, e.what()});
    unprocessable(e.what());
  }
}

StringResponse get_test_session(RequestContext& request) {
  const std::string& id = request.param(0);
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) {
    not_found("no test session '" + id + "'");
  }
  auto db = request.server->pg.acquire();
  return json_response(http::status::ok, test_session_json(*db, id));
}

}  // namespace neuro::server::handlers
