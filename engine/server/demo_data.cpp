// The demo content an empty engine starts with, so the API load test (list sessions, read the
// first, query its data) has something to read: patients, sessions with synthetic EEG, and a
// validation-platform project with test sessions.
#include "engine/common/synthetic_eeg.hpp"
#include "engine/server/api_db.hpp"
#include "engine/server/handlers/common.hpp"
#include "engine/server/server.hpp"

namespace neuro::server {

void seed_demo_data(ServerContext& server) {
  struct Demo {
    const char* patient;
    const char* name;
    const char* device;
    double seconds;
  };
  static constexpr Demo kDemos[] = {
      {"demo_patient_1", "Demo Patient One", "openbci_cyton", 60.0},
      {"demo_patient_2", "Demo Patient Two", "emotiv_epoc", 60.0},
      {"demo_patient_3", "Demo Patient Three", "ant_neuro", 10.0},
  };
  auto db = server.pg.acquire();
  int n = 0;
  for (const Demo& d : kDemos) {
    ++n;
    const std::string session_id = "demo_session_" + std::to_string(n);
    store::Transaction transaction(*db);
    query(*db,
          "INSERT INTO api_patients (id, name, dob, mrn, created_by) VALUES ($1, $2, "
          "'1980-01-01', $3, 'demo') ON CONFLICT (id) DO NOTHING",
          {d.patient, d.name, "DEMO-" + std::to_string(n)});
    if (handlers::find_session(*db, session_id)) continue;  // seeded by an earlier start
    const auto& profile = common::find_device_profile(d.device);
    handlers::ApiSession s;
    s.id = session_id;
    s.patient_id = d.patient;
    s.device_id = d.device;
    s.protocol = "resting_state";
    s.duration_s = d.seconds;
    s.channels = static_cast<int>(profile.channels);
    s.sample_rate_hz = profile.sample_rate_hz;
    s.start_us = handlers::unix_now_us();
    s.source = "demo";
    const auto session = handlers::ensure_session(*db, s, "demo");
    const auto block = common::make_synthetic_eeg(
        common::options_for(profile, d.seconds, static_cast<unsigned>(n)));
    handlers::store_samples(*db, session, reinterpret_cast<const char*>(block.data()),
                            block.samples(), 0, server.options.ingest_chunk_samples);
    query(*db, "UPDATE api_sessions SET samples_stored = $2, status = 'recorded' WHERE id = $1",
          {session_id, std::to_string(block.samples())});
    transaction.commit();
  }
  // The validation platform's demo project and test sessions (ids below the API's sequence).
  store::Transaction transaction(*db);
  query(*db,
        "INSERT INTO users (id, email, created_at) VALUES (1, 'demo@example.com', "
        "clock_timestamp()) ON CONFLICT DO NOTHING");
  query(*db,
        "INSERT INTO projects (id, user_id, name, created_at, camera_model, camera_view, "
        "signal_type) SELECT 1, id, 'Demo Project', clock_timestamp(), 'FLIR Blackfly S', "
        "'Front-facing VRU', 'GPIO' FROM users WHERE email = 'demo@example.com' ON CONFLICT DO "
        "NOTHING");
  for (int i = 1; i <= 3; ++i) {
    query(*db,
          "INSERT INTO test_sessions (id, project_id, status, started_at) SELECT $1, 1, $2, "
          "clock_timestamp() WHERE EXISTS (SELECT 1 FROM projects WHERE id = 1) ON CONFLICT DO "
          "NOTHING",
          {std::to_string(i), i == 3 ? "running" : "completed"});
  }
  transaction.commit();
}

}  // namespace neuro::server
