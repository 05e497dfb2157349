// What every resource's handlers share: the JSON body (415 unless application/json, 400 when
// it does not parse), typed field access (422 for a wrong type or a missing field), numbers
// from the query string, and the API session record.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/server/api_error.hpp"
#include "engine/server/context.hpp"
#include "engine/server/router.hpp"
#include "engine/store/connection.hpp"

namespace neuro::server::handlers {

nlohmann::json json_body(const RequestContext& request);
std::string require_string(const nlohmann::json& body, const char* key);
std::optional<std::string> optional_string(const nlohmann::json& body, const char* key);
std::optional<double> optional_number(const nlohmann::json& body, const char* key);
// An id field given as a string or an integer, as a string.
std::string require_id(const nlohmann::json& body, const char* key);
std::int64_t query_integer(const RequestContext& request, const char* key, std::int64_t fallback,
                           std::int64_t low, std::int64_t high);

// A client-chosen or generated session id: 1-128 of [A-Za-z0-9_.-] (422 otherwise).
void check_session_id(const std::string& id);

struct ApiSession {
  std::string id;
  std::int64_t store_id = 0;
  std::string patient_id;
  std::string device_id;
  std::string protocol;
  std::optional<double> duration_s;
  int channels = 0;
  double sample_rate_hz = 0.0;
  std::int64_t start_us = 0;
  std::int64_t samples_stored = 0;
  std::int64_t packets = 0;
  std::string status;
  std::string source;
  std::string created_at;
};

// Channels and rate of a device: its profile when the id names one, else 32 x 250 Hz (what
// the clinical workflow's recordings are).
void device_shape(const std::string& device_id, int& channels, double& sample_rate_hz);

// `for_update` locks the row for the enclosing transaction.
std::optional<ApiSession> find_session(store::Connection& db, const std::string& id,
                                       bool for_update = false);
// A page of sessions, newest first, in one query (a list of 50 was 51 round trips).
std::vector<ApiSession> newest_sessions(store::Connection& db, std::int64_t limit,
                                        std::int64_t offset);
// Inserts (ON CONFLICT DO NOTHING) and returns the row that exists afterwards.
ApiSession ensure_session(store::Connection& db, const ApiSession& wanted, const std::string& user);
nlohmann::json session_json(const ApiSession& session);

// Appends channel-major float32 samples (channels x samples_per_channel, little-endian, any
// alignment) to the session's stored data in chunk rows of `chunk_samples`, starting at
// sample `first_sample`; inside the caller's transaction. `stopping` (may be null) is polled
// between batches: true throws JobInterrupted.
struct JobInterrupted {};
void store_samples(store::Connection& db, const ApiSession& session, const char* bytes,
                   std::size_t samples_per_channel, std::int64_t first_sample,
                   std::size_t chunk_samples, const std::atomic<bool>* stopping = nullptr);

std::int64_t unix_now_us();

}  // namespace neuro::server::handlers
