// The validation platform's volume test: users, their projects, test sessions and detection events;
// a deterministic generator, a loader, and the four queries (user's projects, join, aggregation,
// pagination) as prepared statements.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/store/connection.hpp"

namespace neuro::store {

struct VolumeSpec {
  int users = 500;
  int projects_per_user = 3;
  int sessions = 100;
  int events_per_session = 200;
  std::uint64_t seed = 1;
};

struct User {
  std::int64_t id;
  std::string email;
  std::int64_t created_us;
};
struct Project {
  std::int64_t id;
  std::int64_t user_id;
  std::string name;
  std::int64_t created_us;
};
struct TestSession {
  std::int64_t id;
  std::int64_t project_id;
  std::string status;
  std::int64_t started_us;
};
struct DetectionEvent {
  std::int64_t id;
  std::int64_t session_id;
  std::string event_type;
  double confidence;
  std::int64_t detected_us;
};

struct VolumeData {
  std::vector<User> users;
  std::vector<Project> projects;
  std::vector<TestSession> sessions;
  std::vector<DetectionEvent> events;
};

// Deterministic for a spec (ids start at 1, in order). Throws InvalidArgument for a
// non-positive count.
VolumeData make_volume_data(const VolumeSpec& spec);

// Tables and indexes in the connection's current schema (IF NOT EXISTS).
void create_volume_schema(Connection& connection);
// COPYs every row in one transaction (tables are expected empty).
void load_volume_data(Connection& connection, const VolumeData& data);

struct SessionOwner {
  std::int64_t session_id;
  std::string status;
  std::string project_name;
  std::string user_email;
  bool operator==(const SessionOwner&) const = default;
};
struct EventTypeStats {
  std::string event_type;
  std::int64_t count;
  double mean_confidence;
};

class VolumeQueries {
 public:
  explicit VolumeQueries(Connection& connection);

  // A user's projects, newest first (ties by id).
  std::vector<Project> user_projects(std::int64_t user_id);
  // The newest sessions with their project and owner (three-table join), ties by id.
  std::vector<SessionOwner> recent_sessions(std::int64_t limit);
  // Events of all sessions of a project by type: count and mean confidence, by type.
  std::vector<EventTypeStats> project_event_stats(std::int64_t project_id);
  // One page of a session's events, newest first (ties by id, descending).
  std::vector<DetectionEvent> events_page(std::int64_t session_id, std::int64_t limit,
                                          std::int64_t offset);

 private:
  Connection& connection_;
};

}  // namespace neuro::store
