// GET /api/v2/sessions/{id}/data (JSON chunks, or raw float32 with Accept:
// application/octet-stream) and POST (multipart session_id, chunk_index, data): a repeated
// chunk_index is stored once.
#include <cstring>

#include "engine/markup/json_numbers.hpp"
#include "engine/server/api_db.hpp"
#include "engine/server/handlers/common.hpp"
#include "engine/server/handlers/handlers.hpp"
#include "engine/server/multipart.hpp"
#include "engine/store/binary.hpp"

namespace neuro::server::handlers {

namespace {

std::vector<int> parse_channels(const std::string& text, int channels) {
  std::vector<int> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? comma : comma - pos);
    std::size_t used = 0;
    int c = -1;
    try {
      c = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || c < 0 || c >= channels) {
      bad_request("channels: '" + item + "' is not a channel index in [0, " +
                  std::to_string(channels) + ")");
    }
    out.push_back(c);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::optional<double> query_seconds(const RequestContext& request, const char* key) {
  const auto v = request.query_value(key);
  if (!v) return std::nullopt;
  std::size_t used = 0;
  double d = 0;
  try {
    d = std::stod(*v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v->size() || !std::isfinite(d)) {
    bad_request(std::string("query parameter '") + key + "' must be seconds, got '" + *v + "'");
  }
  return d;
}

}  // namespace

StringResponse get_session_data(RequestContext& request) {
  const auto limit = query_integer(request, "limit", 100, 1, 100'000);
  auto db = request.server->pg.acquire();
  const auto s = find_session(*db, request.param(0));
  if (!s) not_found("no session '" + request.param(0) + "'");
  std::string sql =
      "SELECT channel, chunk_start, sample_rate_hz, samples FROM eeg_chunks WHERE session_id = "
      "$1::bigint";
  std::vector<std::optional<std::string>> params{std::to_string(s->store_id)};
  if (const auto c = request.query_value("channels")) {
    std::string array = "{";
    for (int ch : parse_channels(*c, s->channels)) array += std::to_string(ch) + ",";
    array.back() = '}';
    params.push_back(array);
    sql += " AND channel = ANY($" + std::to_string(params.size()) + "::int[])";
  }
  // start and end are seconds from the start of the recording.
  for (const auto& [key, op] : {std::pair{"start", ">="}, std::pair{"end", "<"}}) {
    if (const auto t = query_seconds(request, key)) {
      params.push_back(std::to_string(s->start_us + static_cast<std::int64_t>(*t * 1e6)));
      sql += std::string(" AND chunk_start ") + op + " to_timestamp($" +
             std::to_string(params.size()) + "::bigint / 1e6)";
    }
  }
  params.push_back(std::to_string(limit));
  sql += " ORDER BY channel, chunk_start LIMIT $" + std::to_string(params.size());
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p->c_str());
  store::Params p;
  p.count = static_cast<int>(values.size());
  p.values = values.data();
  const store::Result r = db->exec_params(sql, p, 1);

  const std::string_view accept = to_sv((*request.header)[http::field::accept]);
  if (accept.find("application/octet-stream") != std::string_view::npos) {
    StringResponse response{http::status::ok, 11};
    response.set(http::field::content_type, "application/octet-stream");
    std::string body;
    for (int i = 0; i < r.rows(); ++i) body.append(r.value(i, 3));
    response.set("X-Chunks", std::to_string(r.rows()));
    response.set("X-Channels", std::to_string(s->channels));
    response.set("X-Sample-Rate", std::to_string(s->sample_rate_hz));
    response.body() = std::move(body);
    return response;
  }
  // Written as text rather than through a JSON document: 100 chunks of 1,000 samples as
  // nlohmann values cost ~20 ms per answer, most of the API mix's time. Same keys and order as
  // the document would give; samples in the shortest form that reads back as the same float32.
  std::string body = "{\"channels\":" + std::to_string(s->channels) + ",\"chunks\":[";
  // Room for the longest form of every sample (16 characters) and each chunk's other fields.
  if (r.rows() > 0) {
    body.reserve(static_cast<std::size_t>(r.rows()) * (r.value(0, 3).size() / 4 * 16 + 160));
  }
  std::vector<float> samples;
  for (int i = 0; i < r.rows(); ++i) {
    const std::string_view bytes = r.value(i, 3);
    const std::int64_t start_us = store::binary::get_time(r.value(i, 1).data());
    const double rate = store::binary::get_f64(r.value(i, 2).data());
    if (i != 0) body += ',';
    body += "{\"channel\":" + std::to_string(store::binary::get_i32(r.value(i, 0).data()));
    body += ",\"offset_samples\":" +
            std::to_string(std::llround(static_cast<double>(start_us - s->start_us) * 1e-6 * rate));
    body += ",\"sample_rate\":" + nlohmann::json(rate).dump();
    body += ",\"samples\":";
    samples.resize(bytes.size() / sizeof(float));
    std::memcpy(samples.data(), bytes.data(), samples.size() * sizeof(float));
    markup::append_json_array(body, samples);
    body += ",\"timestamp\":" + nlohmann::json(static_cast<double>(start_us) * 1e-6).dump() + '}';
  }
  body += "],\"sample_rate\":" + nlohmann::json(s->sample_rate_hz).dump();
  body += ",\"session_id\":" +
          nlohmann::json(s->id).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
          '}';
  return json_text_response(http::status::ok, std::move(body));
}

StringResponse post_session_data(RequestContext& request) {
  const auto boundary = multipart_boundary(to_sv((*request.header)[http::field::content_type]));
  if (!boundary) {
    throw ApiError(http::status::unsupported_media_type,
                   "expected Content-Type multipart/form-data with a boundary");
  }
  const auto parts = parse_multipart(request.request->body(), *boundary);
  const MultipartPart* data = find_part(parts, "data");
  const MultipartPart* index = find_part(parts, "chunk_index");
  const MultipartPart* sid = find_part(parts, "session_id");
  if (!data) unprocessable("multipart field 'data' is missing");
  if (!index) unprocessable("multipart field 'chunk_index' is missing");
  if (sid && sid->data != request.param(0)) {
    unprocessable("session_id field '" + std::string(sid->data) + "' differs from the path's '" +
                  request.param(0) + "'");
  }
  std::int64_t chunk_index = -1;
  {
    const std::string text(index->data);
    std::size_t used = 0;
    try {
      chunk_index = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size() || chunk_index < 0) {
      unprocessable("chunk_index must be a non-negative integer, got '" + text + "'");
    }
  }
  auto db = request.server->pg.acquire();
  store::Transaction transaction(*db);
  const auto s = find_session(*db, request.param(0), true);
  if (!s) not_found("no session '" + request.param(0) + "'");
  const std::size_t frame = static_cast<std::size_t>(s->channels) * sizeof(float);
  if (data->data.empty() || data->data.size() % frame != 0) {
    unprocessable("data of " + std::to_string(data->data.size()) +
                  " bytes is not a whole number of float32 frames of " +
                  std::to_string(s->channels) + " channels");
  }
  const std::size_t samples = data->data.size() / frame;
  const auto inserted = query(*db,
                              "INSERT INTO api_session_chunks (session_id, chunk_index, "
                              "first_sample, samples) VALUES ($1, $2, $3, $4) ON CONFLICT DO "
                              "NOTHING RETURNING first_sample",
                              {s->id, std::to_string(chunk_index),
                               std::to_string(s->samples_stored), std::to_string(samples)});
  const bool stored = inserted.rows() == 1;
  if (stored) {
    store_samples(*db, *s, data->data.data(), samples, s->samples_stored,
                  request.server->options.ingest_chunk_samples);
    query(*db,
          "UPDATE api_sessions SET samples_stored = samples_stored + $2, status = "
          "'recording' WHERE id = $1",
          {s->id, std::to_string(samples)});
  }
  transaction.commit();
  return json_response(http::status::ok, {{"session_id", s->id},
                                          {"chunk_index", chunk_index},
                                          {"samples_per_channel", samples},
                                          {"stored", stored},
                                          {"duplicate", !stored}});
}

}  // namespace neuro::server::handlers
