#include "engine/server/jobs.hpp"

#include "engine/server/api_db.hpp"
#include "engine/server/handlers/videos.hpp"
#include "engine/server/job_queue.hpp"

namespace neuro::server {

void set_job_status(ServerContext& server, const std::string& id, const std::string& status,
                    double progress, const nlohmann::json* result, const std::string* error) {
  auto db = server.pg.acquire();
  query(*db,
        "UPDATE api_jobs SET status = $2, progress = $3, result = coalesce($4::jsonb, result), "
        "error = coalesce($5, error), updated_at = clock_timestamp() WHERE id = $1",
        {id, status, std::to_string(progress),
         result ? std::optional<std::string>(result->dump()) : std::nullopt,
         error ? std::optional<std::string>(*error) : std::nullopt});
}

JobQueueOutcome fail_job(ServerContext& server, const std::string& id,
                         const std::string& error) noexcept {
  try {
    set_job_status(server, id, "failed", 1.0, nullptr, &error);
  } catch (const std::exception&) {
    // The database is gone too: the row stays as it was and is resumed at the next start.
  }
  return JobQueueOutcome::kFailed;
}

void enqueue_job(ServerContext& server, const std::string& id, const std::string& kind) {
  ServerContext* s = &server;
  server.jobs.submit([s, id, kind](const std::atomic<bool>& stopping) {
    if (kind == "video") return run_video_job(*s, id, stopping);
    return kind == "upload" ? run_upload_job(*s, id, stopping) : run_analysis_job(*s, id, stopping);
  });
}

int resume_jobs(ServerContext& server) {
  std::vector<std::pair<std::string, std::string>> jobs;
  {
    auto db = server.pg.acquire();
    const auto r = query(*db,
                         "SELECT id, kind FROM api_jobs WHERE status IN ('queued', 'running') "
                         "ORDER BY created_at");
    for (int i = 0; i < r.rows(); ++i) jobs.emplace_back(r.value(i, 0), r.value(i, 1));
  }
  for (const auto& [id, kind] : jobs) enqueue_job(server, id, kind);
  return static_cast<int>(jobs.size());
}

}  // namespace neuro::server
