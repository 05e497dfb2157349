#include "engine/server/api_db.hpp"

#include <openssl/rand.h>

#include "engine/server/auth.hpp"
#include "engine/server/handlers/videos.hpp"
#include "engine/store/schema.hpp"
#include "engine/store/volume.hpp"

namespace neuro::server {

void create_api_schema(store::Connection& c, const std::string& schema) {
  store::SchemaOptions options;
  options.schema = schema;
  // Serialise concurrent start-ups on the same schema (CREATE ... IF NOT EXISTS races).
  c.exec("SELECT pg_advisory_lock(hashtext('neuroperf_api_schema'))");
  try {
    store::create_sample_schema(c, options);
    store::create_volume_schema(c);
    create_video_schema(c);
    c.exec(
        "ALTER TABLE projects ADD COLUMN IF NOT EXISTS camera_model text, "
        "ADD COLUMN IF NOT EXISTS camera_view text, ADD COLUMN IF NOT EXISTS signal_type text");
    c.exec("CREATE SEQUENCE IF NOT EXISTS api_volume_ids START 1000000000");
    c.exec(
        "CREATE TABLE IF NOT EXISTS api_patients (id text PRIMARY KEY, seq bigserial UNIQUE, "
        "name text NOT NULL, dob date, mrn text, created_by text, "
        "created_at timestamptz NOT NULL DEFAULT clock_timestamp())");
    c.exec(
        "CREATE TABLE IF NOT EXISTS api_sessions (id text PRIMARY KEY, "
        "store_id bigserial UNIQUE NOT NULL, patient_id text REFERENCES api_patients, "
        "device_id text, protocol text, duration_s double precision, channels integer NOT NULL, "
        "sample_rate_hz double precision NOT NULL, start_us bigint NOT NULL, "
        "samples_stored bigint NOT NULL DEFAULT 0, packets bigint NOT NULL DEFAULT 0, "
        "status text NOT NULL DEFAULT 'created', source text NOT NULL DEFAULT 'api', "
        "created_by text, created_at timestamptz NOT NULL DEFAULT clock_timestamp())");
    c.exec(
        "CREATE TABLE IF NOT EXISTS api_session_chunks (session_id text NOT NULL REFERENCES "
        "api_sessions, chunk_index bigint NOT NULL, first_sample bigint NOT NULL, "
        "samples bigint NOT NULL, PRIMARY KEY (session_id, chunk_index))");
    c.exec(
        "CREATE TABLE IF NOT EXISTS api_jobs (id text PRIMARY KEY, kind text NOT NULL, "
        "status text NOT NULL, progress double precision NOT NULL DEFAULT 0, session_id text, "
        "params jsonb NOT NULL DEFAULT '{}', result jsonb, error text, file_path text, "
        "created_by text, created_at timestamptz NOT NULL DEFAULT clock_timestamp(), "
        "updated_at timestamptz NOT NULL DEFAULT clock_timestamp())");
    c.exec(
        "CREATE TABLE IF NOT EXISTS api_reports (id text PRIMARY KEY, session_id text NOT NULL "
        "REFERENCES api_sessions, analysis_id text NOT NULL REFERENCES api_jobs, template text "
        "NOT NULL, created_by text, created_at timestamptz NOT NULL DEFAULT clock_timestamp())");
  } catch (...) {
    PQclear(PQexec(c.get(), "SELECT pg_advisory_unlock(hashtext('neuroperf_api_schema'))"));
    throw;
  }
  c.exec("SELECT pg_advisory_unlock(hashtext('neuroperf_api_schema'))");
}

store::Result query(store::Connection& connection, const std::string& sql,
                    const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    values[i] = params[i] ? params[i]->c_str() : nullptr;
  }
  store::Params p;
  p.count = static_cast<int>(params.size());
  p.values = values.data();
  return connection.exec_params(sql, p);
}

std::string new_id(const std::string& prefix) {
  unsigned char bytes[8];
  RAND_bytes(bytes, sizeof bytes);
  return prefix + to_hex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

}  // namespace neuro::server
