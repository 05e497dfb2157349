// Every route's handler, one file per resource (system, auth, patients, sessions, session
// data, uploads, jobs and analyses, reports, projects, inference), and the table that wires
// them to methods, paths, limits and auth.
#pragma once

#include <memory>

#include "engine/server/options.hpp"
#include "engine/server/router.hpp"

namespace neuro::server::handlers {

StringResponse health(RequestContext& request);
StringResponse metrics(RequestContext& request);
StringResponse devices(RequestContext& request);

StringResponse auth_token(RequestContext& request);
StringResponse auth_login(RequestContext& request);

StringResponse create_patient(RequestContext& request);
StringResponse list_patients(RequestContext& request);
StringResponse get_patient(RequestContext& request);

StringResponse create_session(RequestContext& request);
StringResponse list_sessions(RequestContext& request);
StringResponse get_session(RequestContext& request);

StringResponse get_session_data(RequestContext& request);
StringResponse post_session_data(RequestContext& request);

std::unique_ptr<BodySink> upload(RequestContext& request);

StringResponse get_job(RequestContext& request);
StringResponse create_analysis(RequestContext& request);
StringResponse get_analysis(RequestContext& request);

StringResponse create_report(RequestContext& request);
StringResponse get_report(RequestContext& request);

StringResponse list_projects(RequestContext& request);
StringResponse create_project(RequestContext& request);
StringResponse list_test_sessions(RequestContext& request);

StringResponse inference(RequestContext& request);

// The whole route table.
Router make_router(const Limits& limits);

}  // namespace neuro::server::handlers
