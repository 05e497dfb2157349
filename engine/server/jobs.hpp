// The durable side of jobs: rows of api_jobs (kind, status, progress, params, result), the
// work each kind runs (upload ingest + DSP pipeline, analyses), and resuming at start-up the
// jobs a previous run left queued or running.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/server/context.hpp"
#include "engine/server/job_queue.hpp"

namespace neuro::server {

void set_job_status(ServerContext& server, const std::string& id, const std::string& status,
                    double progress, const nlohmann::json* result = nullptr,
                    const std::string* error = nullptr);

// Marks job `id` failed with `error`. When the database is gone too, the row stays as it was
// (queued or running) and is resumed at the next start, so this never throws.
JobQueueOutcome fail_job(ServerContext& server, const std::string& id,
                         const std::string& error) noexcept;

// Queues the work of job `id` (kind "upload", "analysis" or "video") on the server's job queue.
void enqueue_job(ServerContext& server, const std::string& id, const std::string& kind);

// Re-queues every job left queued or running; returns how many.
int resume_jobs(ServerContext& server);

// The work itself (jobs_upload.cpp, jobs_analysis.cpp).
JobQueueOutcome run_upload_job(ServerContext& server, const std::string& id,
                               const std::atomic<bool>& stopping);
JobQueueOutcome run_analysis_job(ServerContext& server, const std::string& id,
                                 const std::atomic<bool>& stopping);

}  // namespace neuro::server
