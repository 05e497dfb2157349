// A load scenario as the runner executes it: the target, an optional auth step, the steps of one
// iteration, the executor (closed or open model) and the thresholds. Built from YAML by
// load_scenario() (scenario_parse.cpp), which validates the whole file first.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "load/scenario/flow_blocks.hpp"
#include "load/scenario/step_flow.hpp"
#include "load/scenario/threshold.hpp"
#include "load/scenario/ws_step.hpp"

namespace neuro::load {

// A value captured from a JSON response ("id" or "data.items.0.id") into ${name}.
struct Capture {
  std::string name;
  std::string json_path;
};

struct Step {
  std::string name;
  std::string method = "GET";
  std::string path = "/";  // may hold ${capture} references
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // bytes as sent (JSON text or binary)
  std::string content_type;
  std::vector<Capture> captures;
  // The first body_template_bytes of the body may hold ${variables} (a JSON or text body: all
  // of it; multipart: its fields, written before any file part).
  std::size_t body_template_bytes = 0;
  StepFlow flow;  // expect, check, until
  // Where the iteration goes after this step succeeds: kFollowing (the next step in the list),
  // or past a choose's other branches; Scenario::steps.size() ends the iteration.
  static constexpr std::size_t kFollowing = static_cast<std::size_t>(-1);
  std::size_t next = kFollowing;
  std::size_t next_of(std::size_t index) const { return next == kFollowing ? index + 1 : next; }
  int choice = -1;              // a choose starts here: Scenario::choices[choice] picks the branch
  int group_start = -1;         // a group starts here: Scenario::groups[group_start]
  std::optional<WsStep> ws;     // a WebSocket session (`ws:`) instead of a request
  bool uses_variables() const;  // path, a header or the body refers to ${...}
  // The transport keeps the answer's body: captures, checks or a polling condition read it.
  bool needs_body() const {
    return !captures.empty() || !flow.checks.empty() || flow.poll.has_value();
  }
  // Sent with a body (and Content-Length): any step with one, and POST/PUT/PATCH always.
  bool has_body() const;
};

enum class ExecutorKind { kConstantUsers, kConstantRate, kRampingRate, kSpike, kStress, kSoak };
const char* executor_name(ExecutorKind kind);

// The arrival rate over time of an open-model run: linear ramps from the previous target.
struct RateStage {
  double duration_s = 0;
  double target_rate = 0;
};

struct Executor {
  ExecutorKind kind = ExecutorKind::kConstantUsers;
  // closed model (constant-users)
  int users = 0;
  double ramp_up_s = 0;
  std::int64_t iterations = 0;  // per user; 0 = until the duration ends
  double duration_s = 0;
  // open model: the rate curve (constant-rate, ramping-rate, spike, soak) starting at start_rate
  double start_rate = 0;
  std::vector<RateStage> stages;
  int max_connections = 0;  // 0 = derived from the rate and timeout
  // stress: step the rate until a threshold fails
  double step_rate = 0;
  double step_duration_s = 0;
  double max_rate = 0;
  // soak: RSS growth over the run above this is a suspected leak
  double leak_threshold_bytes = 50.0 * 1024 * 1024;
  bool open_model() const { return kind != ExecutorKind::kConstantUsers; }
};

// NOLINTNEXTLINE(bugprone-exception-escape): json's noexcept move reads as throwing to tidy 14
struct Scenario {
  std::string name;
  std::string file;
  std::string target;  // http://host:port or https://host:port
  // HTTP/2 ("http: 2" or --http2): ALPN h2 over TLS, prior-knowledge h2c over http://.
  bool http2 = false;
  bool tls_verify = true;  // false (or --insecure) for self-signed servers
  std::string ca_file;     // PEM trust anchors besides the system's, may be empty
  std::optional<Step> auth;
  std::string auth_header;  // "Authorization: Bearer ${token}" once the auth step ran
  std::vector<Step> steps;  // flat: the branches of a choose and a group's steps in place
  std::vector<Choice> choices;
  std::vector<Group> groups;
  std::uint64_t seed = 0;  // `seed:` draws the same choices run after run; 0: a random seed
  // A step refers to ${user}, ${iteration}, ${uuid} or ${now}: the runner sets them.
  bool uses_builtin_variables = false;
  double think_time_s = 0;
  // `think_time_after: iteration`: the pause comes only between iterations, so that a flow's
  // steps run back to back as one user action (default: after every step).
  bool think_per_iteration = false;
  // `quick: {duration, users}`: how --quick runs this file (quick_scale.hpp); 0 = defaults.
  double quick_seconds = 0;
  int quick_users = 0;
  // `read_lag: false`: plain HTTP/1.1 answers are read without the kernel's arrival stamps
  // (no read lag; ~3 % less client CPU per request at wrk's rates).
  bool read_lag = true;
  double timeout_s = 10;
  int threads = 1;
  Executor executor;
  std::vector<Threshold> thresholds;
  bool abort_on_fail = false;
  double abort_grace_s = 5;
  nlohmann::json config;  // the file as parsed, for the result document

  // TLS and HTTP/2 run on the libcurl engine; plain HTTP/1.1 on the faster epoll engine.
  bool uses_libcurl() const;
  bool uses_websocket() const;  // a step is `ws:`
};

// Reads and validates `path`; throws InvalidArgument listing every problem as
// `FILE:LINE: field: problem`, one per line.
// `target_override` (--target) replaces the file's target when not empty.
Scenario load_scenario(const std::string& path, const std::string& target_override = "");
Scenario parse_scenario(const std::string& yaml_text, const std::string& origin,
                        const std::string& target_override = "");

// The duration a closed run bounded only by iterations is given (it ends by count first).
inline constexpr double kIterationsOnlyDurationS = 24 * 3600;

// The whole run's length in seconds (stress: every step up to max_rate).
double planned_duration_s(const Executor& executor);

}  // namespace neuro::load
