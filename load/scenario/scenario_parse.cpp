// Scenario YAML -> Scenario. Every problem of the file is collected before anything is thrown,
// so that one run lists them all with their lines.
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/base/errors.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "load/scenario/scenario.hpp"
#include "load/scenario/target_url.hpp"
#include "load/scenario/units.hpp"
#include "load/scenario/variables.hpp"
#include "load/scenario/yaml_reader.hpp"

namespace neuro::load {
namespace {

using detail::check_fields;
using detail::Problems;
using detail::Reader;

nlohmann::json to_json(const YAML::Node& node) {
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& item : node) out[item.first.Scalar()] = to_json(item.second);
    return out;
  }
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : node) out.push_back(to_json(item));
    return out;
  }
  if (!node.IsScalar()) return nullptr;
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted in the file: keep it a string
  if (s == "true") return true;
  if (s == "false") return false;
  if (s == "null" || s == "~") return nullptr;
  if (const auto v = parse_plain_number(s);
      v && s.find_first_not_of("0123456789.-+eE") == std::string::npos) {
    // A whole number int64 holds stays an integer; a longer one is a double (casting it would
    // be undefined: fuzz_scenario_yaml found a 98-digit "target").
    if (s.find_first_of(".eE") == std::string::npos && std::fabs(*v) < 9.2e18) {
      return static_cast<std::int64_t>(*v);
    }
    return *v;
  }
  return s;
}

// http, tls_verify, ca_file: how the libcurl engine talks to the target.
void read_transport(const YAML::Node& root, Scenario& s, Reader& read) {
  if (const auto h = root["http"]) {
    const std::string version = h.IsScalar() ? h.Scalar() : "";
    if (version == "2" || version == "2.0") {
      s.http2 = true;
    } else if (version != "1.1") {
      read.problems.add(h, "http", "expected \"1.1\" or \"2\", got '" + version + "'");
    }
  }
  if (root["tls_verify"]) s.tls_verify = read.boolean(root["tls_verify"], "tls_verify");
  if (const auto c = root["ca_file"]) {
    s.ca_file = c.IsScalar() ? c.Scalar() : "";
    if (s.ca_file.empty()) {
      read.problems.add(c, "ca_file", "expected the path of a PEM file");
    } else if (!std::ifstream(s.ca_file)) {
      read.problems.add(c, "ca_file", "cannot open '" + s.ca_file + "'");
    }
  }
}

}  // namespace

namespace detail {

Step read_step(const YAML::Node& node, const std::string& where, Reader& read,
               std::set<std::string>& captured, bool is_auth, bool& builtins) {
  Step step;
  auto& problems = read.problems;
  if (!node.IsMap()) {
    problems.add(node, where, "expected a mapping with method, path, ...");
    return step;
  }
  if (node["ws"] && !is_auth) return detail::read_ws_step(node, where, read, captured, builtins);
  std::set<std::string> known = {"name",  "method",  "path",     "headers", "json",
                                 "body",  "capture", "expect",   "check",   "until",
                                 "every", "max",     "multipart"};
  if (is_auth) known.insert("header");
  check_fields(node, where, known, problems);
  step.name = node["name"] ? Reader::scalar(node["name"]) : "";
  if (node["method"]) {
    step.method = Reader::scalar(node["method"]);
    static const std::set<std::string> methods = {"GET",    "POST", "PUT",    "PATCH",
                                                  "DELETE", "HEAD", "OPTIONS"};
    if (!methods.count(step.method)) {
      problems.add(
          node["method"], where + ".method",
          "expected GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS, got '" + step.method + "'");
    }
  }
  if (!node["path"] || !node["path"].IsScalar() || node["path"].Scalar().empty() ||
      node["path"].Scalar()[0] != '/') {
    problems.add(node["path"] ? node["path"] : node, where + ".path",
                 "expected a path starting with '/'");
  } else {
    step.path = node["path"].Scalar();
  }
  if (step.name.empty()) step.name = step.method + " " + step.path;
  if (const auto h = node["headers"]) {
    if (!h.IsMap()) {
      problems.add(h, where + ".headers", "expected a mapping NAME: VALUE");
    } else {
      for (const auto& item : h) {
        if (!item.second.IsScalar()) {
          problems.add(item.second, where + ".headers." + item.first.Scalar(), "expected a string");
        } else {
          step.headers.emplace_back(item.first.Scalar(), item.second.Scalar());
        }
      }
    }
  }
  if ((node["json"] ? 1 : 0) + (node["body"] ? 1 : 0) + (node["multipart"] ? 1 : 0) > 1) {
    problems.add(node, where, "give one of json, body and multipart, not several");
  } else if (const auto m = node["multipart"]) {
    detail::read_multipart(m, where + ".multipart", read, step);
  } else if (const auto j = node["json"]) {
    try {
      step.body = to_json(j).dump();
    } catch (const nlohmann::json::type_error&) {
      problems.add(j, where + ".json", "not valid UTF-8 text");  // what JSON text must be
    }
    step.content_type = "application/json";
  } else if (const auto b = node["body"]) {
    if (b.IsScalar()) {
      step.body = b.Scalar();
      step.content_type = "text/plain";
    } else if (b.IsMap() && b["synthetic_eeg"]) {
      check_fields(b, where + ".body", {"synthetic_eeg"}, problems);
      step.body =
          detail::synthetic_eeg_bytes(b["synthetic_eeg"], where + ".body.synthetic_eeg", read);
      step.content_type = "application/octet-stream";
    } else {
      problems.add(b, where + ".body", "expected a string or {synthetic_eeg: {...}}");
    }
  }
  if ((node["json"] || (node["body"] && node["body"].IsScalar())) &&
      !referenced_variables(step.body).empty()) {
    step.body_template_bytes = step.body.size();
  }
  detail::read_step_flow(node, where, read, step);
  // References must name a value captured by the auth step or an earlier step.
  auto check_refs = [&](const std::string& text, const YAML::Node& at, const std::string& f) {
    for (const auto& reference : referenced_variables(text)) {
      const std::string operand = expression_variable(reference);
      const std::string name = operand.empty() ? reference : operand;
      if (operand.empty() && reference.find_first_of("+-*/%") != std::string::npos) {
        problems.add(at, f,
                     "${" + reference +
                         "}: expected NAME OP INTEGER (OP one of + - * / %, no division by 0)");
      } else if (!operand.empty() && (name == "uuid" || name == "now")) {
        problems.add(at, f, "${" + reference + "}: arithmetic needs an integer (user, iteration)");
      } else if (is_builtin_variable(name) && is_auth) {
        problems.add(at, f,
                     "${" + reference +
                         "}: the auth step runs once per run, before any user (log in per user "
                         "with a first step that captures the token)");
      } else if (is_builtin_variable(name)) {
        builtins = true;
      } else if (!captured.count(name)) {
        problems.add(at, f,
                     "${" + reference +
                         "} is not captured by the auth step or an earlier step (built in: "
                         "user, iteration, uuid, now)");
      }
    }
  };
  if (node["path"]) check_refs(step.path, node["path"], where + ".path");
  if (step.body_template_bytes > 0) {
    const char* body_field = node["json"] ? "json" : node["body"] ? "body" : "multipart";
    check_refs(step.body.substr(0, step.body_template_bytes), node[body_field],
               where + "." + body_field);
  }
  for (const auto& [name, value] : step.headers) {
    std::string field = where;
    field.append(".headers.").append(name);
    check_refs(value, node["headers"][name], field);
  }
  if (const auto c = node["capture"]) {
    if (!c.IsMap()) {
      problems.add(c, where + ".capture", "expected a mapping VARIABLE: json.path");
    } else {
      for (const auto& item : c) {
        if (!item.second.IsScalar() || item.second.Scalar().empty()) {
          problems.add(item.second, where + ".capture." + item.first.Scalar(),
                       "expected a JSON path like id or data.token");
        } else {
          step.captures.push_back({item.first.Scalar(), item.second.Scalar()});
          captured.insert(item.first.Scalar());
        }
      }
    }
  }
  return step;
}

// Field readers: each reports its own problem and returns a fallback.

std::string synthetic_eeg_bytes(const YAML::Node& node, const std::string& field, Reader& read) {
  if (!node.IsMap()) {
    read.problems.add(node, field, "expected {channels, rate, seconds[, seed]}");
    return {};
  }
  check_fields(node, field, {"channels", "rate", "seconds", "seed"}, read.problems);
  const double channels =
      node["channels"] ? read.number(node["channels"], field + ".channels", 1, 0) : 8;
  const double rate = node["rate"] ? read.number(node["rate"], field + ".rate", 1, 0) : 250;
  const double seconds =
      node["seconds"] ? read.duration(node["seconds"], field + ".seconds", 0, true) : 1;
  const double seed = node["seed"] ? read.number(node["seed"], field + ".seed", 0, 1) : 1;
  if (channels < 1 || rate < 1 || seconds <= 0) return {};
  if (channels * rate * seconds > 64e6) {
    read.problems.add(node, field, "block larger than 64 M samples");
    return {};
  }
  try {
    const auto block = common::make_synthetic_eeg(static_cast<std::size_t>(channels), rate, seconds,
                                                  static_cast<std::uint64_t>(seed));
    return std::string(reinterpret_cast<const char*>(block.data()), block.size_bytes());
  } catch (const std::exception& e) {
    // The generator's own limits (a rate too low for its mains line): one problem, no crash.
    read.problems.add(node, field, e.what());
    return {};
  }
}

}  // namespace detail

Scenario parse_scenario(const std::string& yaml_text, const std::string& origin,
                        const std::string& target_override) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw base::InvalidArgument(origin + ":" + std::to_string(e.mark.line + 1) +
                                ": not valid YAML: " + e.msg);
  }
  Problems problems(origin);
  Reader read{problems};
  Scenario s;
  s.file = origin;
  if (!root.IsMap()) {
    problems.add(root, "(top)", "expected a mapping with target, steps, executor");
    problems.throw_if_any();
  }
  s.config = to_json(root);
  check_fields(root, "",
               {"name", "target", "http", "tls_verify", "ca_file", "threads", "timeout",
                "think_time", "auth", "steps", "executor", "thresholds", "abort_on_fail",
                "abort_grace", "seed", "think_time_after", "quick", "read_lag"},
               problems);
  s.name = root["name"] ? Reader::scalar(root["name"]) : origin;
  s.target = target_override;
  if (s.target.empty() && root["target"]) s.target = Reader::scalar(root["target"]);
  if (s.target.empty()) {
    problems.add(root, "target", "missing (write it in the file or pass --target URL)");
  } else if (const auto problem = check_target_url(s.target); !problem.empty()) {
    problems.add(root["target"] && target_override.empty() ? root["target"] : root, "target",
                 problem);
  }
  read_transport(root, s, read);
  if (root["threads"]) s.threads = static_cast<int>(read.number(root["threads"], "threads", 1, 1));
  if (root["timeout"]) s.timeout_s = read.duration(root["timeout"], "timeout", 10, true);
  if (root["think_time"])
    s.think_time_s = read.duration(root["think_time"], "think_time", 0, false);
  if (const auto t = root["think_time_after"]) {
    const std::string v = Reader::scalar(t);
    if (v == "iteration") {
      s.think_per_iteration = true;
    } else if (v != "step") {
      problems.add(t, "think_time_after", "expected step or iteration, got '" + v + "'");
    }
  }
  if (const auto q = root["quick"]) {
    if (!q.IsMap()) {
      problems.add(q, "quick", "expected {duration: 20s, users: N}");
    } else {
      check_fields(q, "quick", {"duration", "users"}, problems);
      if (q["duration"]) s.quick_seconds = read.duration(q["duration"], "quick.duration", 0, true);
      if (q["users"])
        s.quick_users = static_cast<int>(read.number(q["users"], "quick.users", 1, 0));
    }
  }
  if (root["abort_on_fail"]) s.abort_on_fail = read.boolean(root["abort_on_fail"], "abort_on_fail");
  if (root["read_lag"]) s.read_lag = read.boolean(root["read_lag"], "read_lag");
  if (root["abort_grace"]) {
    s.abort_grace_s = read.duration(root["abort_grace"], "abort_grace", 5, false);
  }
  std::set<std::string> captured;
  if (const auto a = root["auth"]) {
    s.auth = detail::read_step(a, "auth", read, captured, true, s.uses_builtin_variables);
    if (s.auth->captures.empty()) {
      problems.add(a, "auth.capture", "missing: the auth step must capture its token");
    } else {
      s.auth_header = a["header"] && a["header"].IsScalar()
                          ? a["header"].Scalar()
                          : "Authorization: Bearer ${" + s.auth->captures[0].name + "}";
      if (s.auth_header.find(':') == std::string::npos) {
        problems.add(a["header"], "auth.header", "expected 'Name: value ${token}'");
      }
    }
  }
  if (root["seed"]) {
    s.seed = static_cast<std::uint64_t>(read.number(root["seed"], "seed", 1, 1));
  }
  detail::read_step_list(root, s, read, captured);
  detail::read_executor(root["executor"], s, read);
  if (const auto t = root["thresholds"]) {
    if (!t.IsSequence()) {
      problems.add(t, "thresholds", "expected a list like ['p95 < 200ms', 'error_rate < 1%']");
    } else {
      for (std::size_t i = 0; i < t.size(); ++i) {
        const std::string f = "thresholds[" + std::to_string(i) + "]";
        if (!t[i].IsScalar()) {
          problems.add(t[i], f, "expected a string like 'p95 < 200ms'");
          continue;
        }
        const auto parsed = parse_threshold(t[i].Scalar());
        if (parsed.threshold) {
          s.thresholds.push_back(*parsed.threshold);
        } else {
          problems.add(t[i], f, parsed.problem);
        }
      }
    }
  }
  if (s.executor.kind == ExecutorKind::kStress && s.thresholds.empty() && root["executor"]) {
    problems.add(root["executor"], "thresholds",
                 "a stress executor needs thresholds: they decide where the knee is");
  }
  if (s.uses_websocket() && s.http2 && root["steps"]) {
    problems.add(root["http"] ? root["http"] : root["steps"], "http", kWsOverHttp2);
  }
  problems.throw_if_any();
  return s;
}

Scenario load_scenario(const std::string& path, const std::string& target_override) {
  std::ifstream file(path);
  if (!file) throw base::InvalidArgument(path + ": cannot open: " + std::strerror(errno));
  std::stringstream text;
  text << file.rdbuf();
  return parse_scenario(text.str(), path, target_override);
}

}  // namespace neuro::load
