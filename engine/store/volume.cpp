#include "engine/store/volume.hpp"

#include <charconv>
#include <random>

#include "engine/store/param_buffer.hpp"

namespace neuro::store {

namespace {

constexpr std::int64_t kBaseUs = 1'767'225'600'000'000;  // 2026-01-01 UTC
constexpr std::int64_t kMinuteUs = 60'000'000;
const char* const kStatuses[] = {"completed", "running", "failed"};
const char* const kEventTypes[] = {"blink", "muscle", "seizure_like", "spike", "electrode_pop"};

}  // namespace

VolumeData make_volume_data(const VolumeSpec& spec) {
  if (spec.users <= 0 || spec.projects_per_user <= 0 || spec.sessions <= 0 ||
      spec.events_per_session <= 0) {
    throw base::InvalidArgument("volume spec: every count must be positive");
  }
  std::mt19937_64 rng(spec.seed);
  auto uniform = [&](std::int64_t n) {
    return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n));
  };
  VolumeData d;
  for (int u = 0; u < spec.users; ++u) {
    d.users.push_back({u + 1, "user" + std::to_string(u + 1) + "@example.org",
                       kBaseUs + uniform(std::int64_t{365} * 24 * 60) * kMinuteUs});
    for (int p = 0; p < spec.projects_per_user; ++p) {
      const auto id = static_cast<std::int64_t>(d.projects.size() + 1);
      // Minute resolution makes equal created_at values likely: the id tie-break is exercised.
      d.projects.push_back({id, u + 1, "project " + std::to_string(id),
                            kBaseUs + uniform(std::int64_t{60} * 24) * kMinuteUs});
    }
  }
  // Sessions concentrate on a few projects (a project holds several), as in real use.
  const std::int64_t hot_projects = std::max<std::int64_t>(1, spec.sessions / 3);
  for (int s = 0; s < spec.sessions; ++s) {
    const std::int64_t project =
        1 + (uniform(hot_projects) * 37) % static_cast<std::int64_t>(d.projects.size());
    d.sessions.push_back({s + 1, project, kStatuses[uniform(3)],
                          kBaseUs + uniform(std::int64_t{30} * 24 * 60) * kMinuteUs});
    for (int e = 0; e < spec.events_per_session; ++e) {
      const auto id = static_cast<std::int64_t>(d.events.size() + 1);
      d.events.push_back({id, s + 1, kEventTypes[uniform(5)],
                          static_cast<double>(uniform(1'000'000)) / 1e6,
                          d.sessions.back().started_us + uniform(3600) * 1'000'000});
    }
  }
  return d;
}

void create_volume_schema(Connection& c) {
  c.exec(
      "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, "
      "created_at timestamptz NOT NULL)");
  c.exec(
      "CREATE TABLE IF NOT EXISTS projects (id bigint PRIMARY KEY, user_id bigint NOT NULL "
      "REFERENCES users, name text NOT NULL, created_at timestamptz NOT NULL)");
  c.exec(
      "CREATE TABLE IF NOT EXISTS test_sessions (id bigint PRIMARY KEY, project_id bigint NOT "
      "NULL REFERENCES projects, status text NOT NULL, started_at timestamptz NOT NULL)");
  c.exec(
      "CREATE TABLE IF NOT EXISTS detection_events (id bigint PRIMARY KEY, session_id bigint "
      "NOT NULL REFERENCES test_sessions, event_type text NOT NULL, confidence double "
      "precision NOT NULL, detected_at timestamptz NOT NULL)");
  c.exec(
      "CREATE INDEX IF NOT EXISTS projects_user_created ON projects (user_id, created_at DESC, "
      "id)");
  // The API lists every user's projects newest first (LIMIT 100): without this each list read
  // and sorted the whole table (~15 ms with 26,000 projects, p95 385 ms under 50 users).
  c.exec("CREATE INDEX IF NOT EXISTS projects_newest ON projects (created_at DESC, id DESC)");
  c.exec("CREATE INDEX IF NOT EXISTS test_sessions_project ON test_sessions (project_id)");
  c.exec("CREATE INDEX IF NOT EXISTS test_sessions_started ON test_sessions (started_at DESC, id)");
  c.exec(
      "CREATE INDEX IF NOT EXISTS detection_events_session_time ON detection_events (session_id, "
      "detected_at DESC, id DESC)");
}

namespace {

// COPY in text format: our generated strings hold no tabs, newlines or backslashes.
void copy_text(Connection& connection, const std::string& sql, const std::string& payload) {
  PGconn* conn = connection.get();
  Result start(PQexec(conn, sql.c_str()));
  if (!start || start.status() != PGRES_COPY_IN) connection.fail("COPY start", start.get());
  if (PQputCopyData(conn, payload.data(), static_cast<int>(payload.size())) != 1 ||
      PQputCopyEnd(conn, nullptr) != 1) {
    connection.fail("COPY data");
  }
  Result done(PQgetResult(conn));
  while (Result extra{PQgetResult(conn)}) {
  }
  connection.check(std::move(done), "COPY");
}

std::string exact(double v) {
  char text[32];
  return std::string(text, std::to_chars(text, text + sizeof text, v).ptr);
}

}  // namespace

void load_volume_data(Connection& connection, const VolumeData& d) {
  Transaction transaction(connection);
  std::string out;
  for (const auto& u : d.users) {
    out += std::to_string(u.id) + '\t' + u.email + '\t' + format_timestamp(u.created_us) + '\n';
  }
  copy_text(connection, "COPY users (id, email, created_at) FROM STDIN", out);
  out.clear();
  for (const auto& p : d.projects) {
    out += std::to_string(p.id) + '\t' + std::to_string(p.user_id) + '\t' + p.name + '\t' +
           format_timestamp(p.created_us) + '\n';
  }
  copy_text(connection, "COPY projects (id, user_id, name, created_at) FROM STDIN", out);
  out.clear();
  for (const auto& s : d.sessions) {
    out += std::to_string(s.id) + '\t' + std::to_string(s.project_id) + '\t' + s.status + '\t' +
           format_timestamp(s.started_us) + '\n';
  }
  copy_text(connection, "COPY test_sessions (id, project_id, status, started_at) FROM STDIN", out);
  out.clear();
  for (const auto& e : d.events) {
    out += std::to_string(e.id) + '\t' + std::to_string(e.session_id) + '\t' + e.event_type + '\t' +
           exact(e.confidence) + '\t' + format_timestamp(e.detected_us) + '\n';
  }
  copy_text(connection,
            "COPY detection_events (id, session_id, event_type, confidence, detected_at) FROM "
            "STDIN",
            out);
  transaction.commit();
  connection.exec("ANALYZE users, projects, test_sessions, detection_events");
}

namespace {

constexpr const char* kUserProjects = "neuro_v_user_projects";
constexpr const char* kRecentSessions = "neuro_v_recent_sessions";
constexpr const char* kProjectStats = "neuro_v_project_stats";
constexpr const char* kEventsPage = "neuro_v_events_page";

std::string text(const Result& r, int row, int column) { return std::string(r.value(row, column)); }

}  // namespace

VolumeQueries::VolumeQueries(Connection& connection) : connection_(connection) {
  const Oid types[] = {binary::kInt8Oid, binary::kInt8Oid, binary::kInt8Oid};
  connection_.prepare(kUserProjects,
                      "SELECT id, user_id, name, created_at FROM projects WHERE user_id = $1 "
                      "ORDER BY created_at DESC, id",
                      1, types);
  connection_.prepare(kRecentSessions,
                      "SELECT ts.id, ts.status, p.name, u.email FROM test_sessions ts JOIN "
                      "projects p ON p.id = ts.project_id JOIN users u ON u.id = p.user_id "
                      "ORDER BY ts.started_at DESC, ts.id LIMIT $1",
                      1, types);
  connection_.prepare(kProjectStats,
                      "SELECT e.event_type, count(*), avg(e.confidence) FROM detection_events e "
                      "JOIN test_sessions ts ON ts.id = e.session_id WHERE ts.project_id = $1 "
                      "GROUP BY e.event_type ORDER BY e.event_type",
                      1, types);
  connection_.prepare(kEventsPage,
                      "SELECT id, session_id, event_type, confidence, detected_at FROM "
                      "detection_events WHERE session_id = $1 ORDER BY detected_at DESC, id DESC "
                      "LIMIT $2 OFFSET $3",
                      3, types);
}

std::vector<Project> VolumeQueries::user_projects(std::int64_t user_id) {
  ParamBuffer p;
  p.add_i64(user_id);
  const Result r = connection_.exec_prepared(kUserProjects, p.params(), 1);
  std::vector<Project> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({binary::get_i64(r.value(i, 0).data()), binary::get_i64(r.value(i, 1).data()),
                   text(r, i, 2), binary::get_time(r.value(i, 3).data())});
  }
  return out;
}

std::vector<SessionOwner> VolumeQueries::recent_sessions(std::int64_t limit) {
  ParamBuffer p;
  p.add_i64(limit);
  const Result r = connection_.exec_prepared(kRecentSessions, p.params(), 1);
  std::vector<SessionOwner> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(
        {binary::get_i64(r.value(i, 0).data()), text(r, i, 1), text(r, i, 2), text(r, i, 3)});
  }
  return out;
}

std::vector<EventTypeStats> VolumeQueries::project_event_stats(std::int64_t project_id) {
  ParamBuffer p;
  p.add_i64(project_id);
  const Result r = connection_.exec_prepared(kProjectStats, p.params(), 1);
  std::vector<EventTypeStats> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({text(r, i, 0), binary::get_i64(r.value(i, 1).data()),
                   binary::get_f64(r.value(i, 2).data())});
  }
  return out;
}

std::vector<DetectionEvent> VolumeQueries::events_page(std::int64_t session_id, std::int64_t limit,
                                                       std::int64_t offset) {
  ParamBuffer p;
  p.add_i64(session_id);
  p.add_i64(limit);
  p.add_i64(offset);
  const Result r = connection_.exec_prepared(kEventsPage, p.params(), 1);
  std::vector<DetectionEvent> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({binary::get_i64(r.value(i, 0).data()), binary::get_i64(r.value(i, 1).data()),
                   text(r, i, 2), binary::get_f64(r.value(i, 3).data()),
                   binary::get_time(r.value(i, 4).data())});
  }
  return out;
}

}  // namespace neuro::store
