// The validation platform's video routes (videos.cpp, test_sessions.cpp): uploads (POST
// /api/videos, durable before the 200, then a processing job that decodes the whole file) and test
// sessions (POST/GET /api/test-sessions/{id}: detection on the video, validation against its ground
// truth, the events in the volume schema's detection_events).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "engine/server/context.hpp"
#include "engine/server/job_queue.hpp"
#include "engine/server/router.hpp"
#include "engine/store/connection.hpp"

namespace neuro::server {

// api_videos, and the columns test sessions and detection events need beyond the volume
// schema (IF NOT EXISTS; inside create_api_schema's lock).
void create_video_schema(store::Connection& connection);

// The processing job of an uploaded video (api_jobs kind "video").
JobQueueOutcome run_video_job(ServerContext& server, const std::string& id,
                              const std::atomic<bool>& stopping);

namespace handlers {
std::unique_ptr<BodySink> upload_video(RequestContext& request);
StringResponse get_video(RequestContext& request);
StringResponse create_test_session(RequestContext& request);
StringResponse get_test_session(RequestContext& request);
}  // namespace handlers

}  // namespace neuro::server
