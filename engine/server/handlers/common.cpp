#include "engine/server/handlers/common.hpp"

#include <chrono>
#include <cstring>

#include "engine/common/device_profiles.hpp"
#include "engine/server/api_db.hpp"
#include "engine/store/rows.hpp"
#include "engine/store/writers.hpp"

namespace neuro::server::handlers {

nlohmann::json json_body(const RequestContext& request) {
  const auto& header = *request.header;
  const std::string_view type = to_sv(header[http::field::content_type]);
  if (type.substr(0, type.find(';')) != "application/json") {
    throw ApiError(http::status::unsupported_media_type,
                   "expected Content-Type application/json, got '" + std::string(type) + "'");
  }
  try {
    return nlohmann::json::parse(request.request->body());
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number past double's range ("1e999"): both 400.
    bad_request(std::string("body is not valid JSON: ") + e.what());
  }
}

std::string require_string(const nlohmann::json& body, const char* key) {
  if (!body.is_object()) unprocessable("body must be a JSON object");
  const auto it = body.find(key);
  if (it == body.end()) unprocessable(std::string("missing field '") + key + "'");
  if (!it->is_string()) unprocessable(std::string("field '") + key + "' must be a string");
  return it->get<std::string>();
}

std::optional<std::string> optional_string(const nlohmann::json& body, const char* key) {
  if (!body.is_object()) unprocessable("body must be a JSON object");
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) unprocessable(std::string("field '") + key + "' must be a string");
  return it->get<std::string>();
}

std::optional<double> optional_number(const nlohmann::json& body, const char* key) {
  if (!body.is_object()) unprocessable("body must be a JSON object");
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) unprocessable(std::string("field '") + key + "' must be a number");
  return it->get<double>();
}

std::string require_id(const nlohmann::json& body, const char* key) {
  if (!body.is_object()) unprocessable("body must be a JSON object");
  const auto it = body.find(key);
  if (it == body.end()) unprocessable(std::string("missing field '") + key + "'");
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  unprocessable(std::string("field '") + key + "' must be a string id");
}

std::int64_t query_integer(const RequestContext& request, const char* key, std::int64_t fallback,
                           std::int64_t low, std::int64_t high) {
  const auto v = request.query_value(key);
  if (!v) return fallback;
  std::size_t used = 0;
  std::int64_t n = 0;
  try {
    n = std::stoll(*v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v->size() || n < low || n > high) {
    bad_request(std::string("query parameter '") + key + "' must be an integer in [" +
                std::to_string(low) + ", " + std::to_string(high) + "], got '" + *v + "'");
  }
  return n;
}

void check_session_id(const std::string& id) {
  if (id.empty() || id.size() > 128) unprocessable("session_id must have 1 to 128 characters");
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
      unprocessable("session_id '" + id + "' may only hold letters, digits, '_', '-' and '.'");
    }
  }
}

void device_shape(const std::string& device_id, int& channels, double& sample_rate_hz) {
  for (const auto& p : common::kDeviceProfiles) {
    if (device_id == p.name) {
      channels = static_cast<int>(p.channels);
      sample_rate_hz = p.sample_rate_hz;
      return;
    }
  }
  channels = 32;
  sample_rate_hz = 250.0;
}

namespace {
constexpr const char* kSessionColumns =
    "id, store_id, coalesce(patient_id, ''), coalesce(device_id, ''), coalesce(protocol, ''), "
    "duration_s, channels, sample_rate_hz, start_us, samples_stored, packets, status, source, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

ApiSession session_from(const store::Result& r, int row) {
  ApiSession s;
  s.id = r.value(row, 0);
  s.store_id = std::stoll(std::string(r.value(row, 1)));
  s.patient_id = r.value(row, 2);
  s.device_id = r.value(row, 3);
  s.protocol = r.value(row, 4);
  if (!r.is_null(row, 5)) s.duration_s = std::stod(std::string(r.value(row, 5)));
  s.channels = std::stoi(std::string(r.value(row, 6)));
  s.sample_rate_hz = std::stod(std::string(r.value(row, 7)));
  s.start_us = std::stoll(std::string(r.value(row, 8)));
  s.samples_stored = std::stoll(std::string(r.value(row, 9)));
  s.packets = std::stoll(std::string(r.value(row, 10)));
  s.status = r.value(row, 11);
  s.source = r.value(row, 12);
  s.created_at = r.value(row, 13);
  return s;
}
}  // namespace

std::optional<ApiSession> find_session(store::Connection& db, const std::string& id,
                                       bool for_update) {
  const auto r = query(db,
                       std::string("SELECT ") + kSessionColumns +
                           " FROM api_sessions WHERE id = $1" + (for_update ? " FOR UPDATE" : ""),
                       {id});
  if (r.rows() == 0) return std::nullopt;
  return session_from(r, 0);
}

std::vector<ApiSession> newest_sessions(store::Connection& db, std::int64_t limit,
                                        std::int64_t offset) {
  const auto r = query(db,
                       std::string("SELECT ") + kSessionColumns +
                           " FROM api_sessions ORDER BY store_id DESC LIMIT $1 OFFSET $2",
                       {std::to_string(limit), std::to_string(offset)});
  std::vector<ApiSession> sessions;
  sessions.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) sessions.push_back(session_from(r, i));
  return sessions;
}

ApiSession ensure_session(store::Connection& db, const ApiSession& w, const std::string& user) {
  query(db,
        "INSERT INTO api_sessions (id, patient_id, device_id, protocol, duration_s, channels, "
        "sample_rate_hz, start_us, source, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9, $10) ON CONFLICT (id) DO NOTHING",
        {w.id, w.patient_id.empty() ? std::nullopt : std::optional<std::string>(w.patient_id),
         w.device_id, w.protocol,
         w.duration_s ? std::optional<std::string>(std::to_string(*w.duration_s)) : std::nullopt,
         std::to_string(w.channels), std::to_string(w.sample_rate_hz), std::to_string(w.start_us),
         w.source.empty() ? "api" : w.source, user});
  auto s = find_session(db, w.id);
  if (!s) throw ApiError(http::status::internal_server_error, "session vanished: " + w.id);
  return *s;
}

nlohmann::json session_json(const ApiSession& s) {
  nlohmann::json j{
      {"id", s.id},
      {"session_id", s.id},
      {"patient_id", s.patient_id.empty() ? nlohmann::json() : nlohmann::json(s.patient_id)},
      {"device_id", s.device_id},
      {"protocol", s.protocol},
      {"channels", s.channels},
      {"sample_rate", s.sample_rate_hz},
      {"samples_stored", s.samples_stored},
      {"status", s.status},
      {"source", s.source},
      {"created_at", s.created_at},
      {"start_time", static_cast<double>(s.start_us) * 1e-6}};
  j["duration"] = s.duration_s ? nlohmann::json(*s.duration_s) : nlohmann::json();
  return j;
}

std::int64_t unix_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void store_samples(store::Connection& db, const ApiSession& session, const char* bytes,
                   std::size_t samples_per_channel, std::int64_t first_sample,
                   std::size_t chunk_samples, const std::atomic<bool>* stopping) {
  constexpr std::size_t kBatchValues = 2 << 20;  // ~8 MB of samples per COPY
  std::vector<store::ChunkRow> batch;
  std::size_t batch_values = 0;
  const auto flush = [&] {
    if (batch.empty()) return;
    if (stopping && stopping->load()) throw JobInterrupted{};
    store::copy_chunks(db, batch);
    batch.clear();
    batch_values = 0;
  };
  const std::size_t channels = static_cast<std::size_t>(session.channels);
  for (std::size_t c = 0; c < channels; ++c) {
    const char* channel = bytes + c * samples_per_channel * sizeof(float);
    for (std::size_t s = 0; s < samples_per_channel; s += chunk_samples) {
      const std::size_t n = std::min(chunk_samples, samples_per_channel - s);
      store::ChunkRow row;
      row.session_id = session.store_id;
      row.channel = static_cast<std::int32_t>(c);
      row.chunk_start_us = store::sample_time_us(
          session.start_us, static_cast<std::size_t>(first_sample) + s, session.sample_rate_hz);
      row.sample_rate_hz = session.sample_rate_hz;
      row.samples.resize(n);
      std::memcpy(row.samples.data(), channel + s * sizeof(float), n * sizeof(float));
      batch_values += n;
      batch.push_back(std::move(row));
      if (batch_values >= kBatchValues) flush();
    }
  }
  flush();
}

}  // namespace neuro::server::handlers
