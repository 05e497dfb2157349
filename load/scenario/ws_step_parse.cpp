// A `ws:` step of the scenario file (ws_step.hpp), validated like every other field: each
// problem as `FILE:LINE: field: problem`.
#include <cmath>
#include <set>

#include "engine/common/device_profiles.hpp"
#include "load/scenario/variables.hpp"
#include "load/scenario/yaml_reader.hpp"

namespace neuro::load::detail {
namespace {

using Op = JsonCondition::Op;

// {json: PATH, equals: V} or {json: PATH, exists: true}: what a streamed message is tested on.
std::optional<JsonCondition> read_message_condition(const YAML::Node& node,
                                                    const std::string& where, Reader& read) {
  if (!node.IsMap() || !node["json"] || !node["json"].IsScalar() ||
      (!node["equals"] && !node["exists"])) {
    read.problems.add(node, where,
                      "expected {json: FIELD, equals: VALUE} or {json: FIELD, exists: true}");
    return std::nullopt;
  }
  check_fields(node, where, {"json", "equals", "exists"}, read.problems);
  JsonCondition c;
  c.json_path = node["json"].Scalar();
  if (const auto e = node["equals"]) {
    c.op = Op::kEquals;
    c.value = e.IsScalar() ? e.Scalar() : "";
    c.text = c.json_path + " equals " + c.value;
  } else {
    c.op = Op::kExists;
    c.value = "true";
    c.text = c.json_path + " exists";
  }
  return c;
}

std::vector<std::string> read_messages(const YAML::Node& node, const std::string& where,
                                       Reader& read) {
  std::vector<std::string> out;
  auto one = [&](const YAML::Node& m, const std::string& field) {
    if (m.IsScalar()) {
      out.push_back(m.Scalar());
    } else {
      read.problems.add(m, field, "expected a message (JSON text, may hold ${variables})");
    }
  };
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      one(node[i], where + "[" + std::to_string(i) + "]");
    }
  } else {
    one(node, where);
  }
  return out;
}

std::vector<WsEeg> read_eeg(const YAML::Node& node, const std::string& where, Reader& read) {
  WsEeg eeg;
  if (!node.IsMap()) {
    read.problems.add(
        node, where, "expected {channels, rate[, format: json|binary, seed]} or {profiles: [...]}");
    return {eeg};
  }
  check_fields(node, where, {"channels", "rate", "format", "seed", "profiles"}, read.problems);
  if (node["channels"]) {
    eeg.channels = static_cast<int>(read.number(node["channels"], where + ".channels", 1, 8));
  }
  if (node["rate"]) eeg.sample_rate_hz = read.number(node["rate"], where + ".rate", 1, 250);
  if (node["seed"]) {
    eeg.seed = static_cast<std::uint64_t>(read.number(node["seed"], where + ".seed", 0, 1));
  }
  if (const auto f = node["format"]) {
    const std::string format = f.IsScalar() ? f.Scalar() : "";
    if (format != "json" && format != "binary") {
      read.problems.add(f, where + ".format", "expected json or binary, got '" + format + "'");
    }
    eeg.binary = format == "binary";
  }
  if (eeg.channels > 1024) read.problems.add(node, where + ".channels", "at most 1024");
  const auto profiles = node["profiles"];
  if (!profiles) return {eeg};
  if (node["channels"] || node["rate"]) {
    read.problems.add(profiles, where + ".profiles",
                      "give profiles or channels and rate, not both");
  }
  if (!profiles.IsSequence() || profiles.size() == 0) {
    read.problems.add(profiles, where + ".profiles", "expected a list of device profiles");
    return {eeg};
  }
  std::vector<WsEeg> out;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    const std::string name = Reader::scalar(profiles[i]);
    try {
      const auto& p = common::find_device_profile(name);
      WsEeg e = eeg;
      e.profile = std::string(p.name);
      e.channels = static_cast<int>(p.channels);
      e.sample_rate_hz = p.sample_rate_hz;
      out.push_back(e);
    } catch (const base::InvalidArgument& error) {
      read.problems.add(profiles[i], where + ".profiles[" + std::to_string(i) + "]", error.what());
    }
  }
  if (out.empty()) out.push_back(eeg);
  return out;
}

}  // namespace

Step read_ws_step(const YAML::Node& node, const std::string& where, Reader& read,
                  const std::set<std::string>& captured, bool& builtins) {
  Step step;
  auto& problems = read.problems;
  check_fields(node, where, {"name", "ws"}, problems);
  const auto ws = node["ws"];
  const std::string at = where + ".ws";
  WsStep w;
  if (!ws.IsMap()) {
    problems.add(ws, at, "expected a mapping with path, send, every, receive, ...");
    step.ws = w;
    return step;
  }
  check_fields(ws, at,
               {"path", "headers", "subprotocol", "devices", "send", "every", "phase", "message",
                "eeg", "packets", "receive", "close", "max_message"},
               problems);
  step.method = "GET";
  if (!ws["path"] || !ws["path"].IsScalar() || ws["path"].Scalar().empty() ||
      ws["path"].Scalar()[0] != '/') {
    const std::string path = ws["path"] && ws["path"].IsScalar() ? ws["path"].Scalar() : "";
    // A URL here would name a second host: the sessions go to the target, as HTTP steps do.
    const bool url = path.rfind("ws://", 0) == 0 || path.rfind("wss://", 0) == 0;
    problems.add(ws["path"] ? ws["path"] : ws, at + ".path",
                 url ? "expected a path starting with '/': the scheme and host are the "
                       "target's (an https:// target makes the sessions wss://)"
                     : "expected a path starting with '/' (the query may carry ?token=${token})");
  } else {
    step.path = ws["path"].Scalar();
  }
  step.name = node["name"] ? Reader::scalar(node["name"]) : "WS " + step.path;
  if (const auto h = ws["headers"]) {
    if (!h.IsMap()) {
      problems.add(h, at + ".headers", "expected a mapping NAME: VALUE");
    } else {
      for (const auto& item : h) {
        if (item.second.IsScalar()) {
          step.headers.emplace_back(item.first.Scalar(), item.second.Scalar());
        } else {
          problems.add(item.second, at + ".headers." + item.first.Scalar(), "expected a string");
        }
      }
    }
  }
  if (const auto p = ws["subprotocol"]) w.subprotocol = Reader::scalar(p);
  if (const auto d = ws["devices"]) {
    if (d.IsSequence() && d.size() == 2) {
      w.devices_min = static_cast<int>(read.number(d[0], at + ".devices", 1, 1));
      w.devices_max = static_cast<int>(read.number(d[1], at + ".devices", 1, 1));
      if (w.devices_max < w.devices_min) {
        problems.add(d, at + ".devices", "expected [MIN, MAX] with MIN <= MAX");
      }
    } else {
      w.devices_min = w.devices_max = static_cast<int>(read.number(d, at + ".devices", 1, 1));
    }
    if (w.devices_max > 64) problems.add(d, at + ".devices", "at most 64 sessions per user");
  }
  if (const auto s = ws["send"]) w.on_open = read_messages(s, at + ".send", read);
  if (const auto e = ws["every"]) {
    w.every_s = read.duration(e, at + ".every", 0, true);
    if (!ws["message"] && !(ws["eeg"] && ws["eeg"]["format"] && ws["eeg"]["format"].IsScalar() &&
                            ws["eeg"]["format"].Scalar() == "binary")) {
      problems.add(e, at + ".every", "needs a message (or eeg: {format: binary})");
    }
  }
  if (const auto ph = ws["phase"]) {
    const std::string phase = ph.IsScalar() ? ph.Scalar() : "";
    if (phase == "spread") {
      w.phase_spread = true;
    } else if (phase != "aligned") {
      problems.add(ph, at + ".phase", "expected aligned or spread");
    }
    if (!ws["every"]) problems.add(ph, at + ".phase", "only with every");
  }
  if (const auto m = ws["message"]) {
    if (!ws["every"]) problems.add(m, at + ".message", "only with every");
    w.message = Reader::scalar(m);
  }
  if (const auto e = ws["eeg"]) {
    w.eeg = read_eeg(e, at + ".eeg", read);
    if (!w.eeg.front().binary && w.message.find("${eeg}") == std::string::npos && ws["message"]) {
      problems.add(e, at + ".eeg", "a json packet goes where the message says ${eeg}");
    }
  }
  if (const auto p = ws["packets"]) {
    w.max_packets = static_cast<std::int64_t>(read.number(p, at + ".packets", 1, 0));
  }
  if (const auto m = ws["max_message"]) {
    const auto bytes = m.IsScalar() ? parse_bytes(m.Scalar()) : std::nullopt;
    if (!bytes || *bytes < 126) {
      problems.add(m, at + ".max_message", "expected a size (64KB, 16MB)");
    } else {
      w.max_message_bytes = static_cast<std::size_t>(*bytes);
    }
  }
  const auto r = ws["receive"];
  if (!r || !r.IsMap()) {
    problems.add(r ? r : ws, at + ".receive",
                 "expected {duration[, until, match, latency_from, reply_to, seq_field]}");
  } else {
    const std::string rat = at + ".receive";
    check_fields(r, rat, {"duration", "until", "match", "latency_from", "reply_to", "seq_field"},
                 problems);
    if (!r["duration"]) {
      problems.add(r, rat + ".duration",
                   "expected how long to receive (30s; with until: the most)");
    } else {
      w.duration_s = read.duration(r["duration"], rat + ".duration", 0, true);
    }
    if (r["until"]) w.until = read_message_condition(r["until"], rat + ".until", read);
    if (r["match"]) w.match = read_message_condition(r["match"], rat + ".match", read);
    if (r["latency_from"]) w.latency_from = Reader::scalar(r["latency_from"]);
    if (r["reply_to"]) w.reply_to = Reader::scalar(r["reply_to"]);
    if (r["seq_field"]) w.seq_field = Reader::scalar(r["seq_field"]);
    if (!w.latency_from.empty() && !w.reply_to.empty()) {
      problems.add(r, rat, "give latency_from or reply_to, not both");
    }
    if (!w.reply_to.empty() && w.every_s <= 0) {
      problems.add(r["reply_to"], rat + ".reply_to", "needs messages sent on a schedule (every)");
    }
  }
  if (const auto c = ws["close"]) {
    const std::string cat = at + ".close";
    if (!c.IsMap()) {
      problems.add(c, cat, "expected {send[, until, max]}");
    } else {
      check_fields(c, cat, {"send", "until", "max"}, problems);
      if (c["send"]) w.on_close = read_messages(c["send"], cat + ".send", read);
      if (c["until"]) w.close_until = read_message_condition(c["until"], cat + ".until", read);
      if (c["max"]) w.close_wait_s = read.duration(c["max"], cat + ".max", 5, true);
    }
  }
  // ${device}, ${packet}, ${eeg} are the session's own; the rest as in any step.
  auto check_refs = [&](const std::string& text, const YAML::Node& where_node,
                        const std::string& field, bool scheduled) {
    for (const auto& reference : referenced_variables(text)) {
      const std::string operand = expression_variable(reference);
      const std::string name = operand.empty() ? reference : operand;
      if (name == "device" || (scheduled && (name == "packet" || name == "eeg"))) continue;
      if (!w.eeg.empty() && (name == "profile" || name == "channels" || name == "rate")) continue;
      if (is_builtin_variable(name)) {
        builtins = true;
      } else if (!captured.count(name)) {
        problems.add(where_node, field,
                     "${" + reference +
                         "} is not captured by the auth step or an earlier step (built in: user, "
                         "iteration, uuid, now, device" +
                         (scheduled ? ", packet, eeg" : "") +
                         (w.eeg.empty() ? ")" : ", profile, channels, rate)"));
      }
    }
  };
  if (ws["path"]) check_refs(step.path, ws["path"], at + ".path", false);
  for (const auto& [name, value] : step.headers) {
    std::string field = at;
    field.append(".headers.").append(name);
    check_refs(value, ws["headers"][name], field, false);
  }
  for (const auto& m : w.on_open) check_refs(m, ws["send"], at + ".send", false);
  for (const auto& m : w.on_close) check_refs(m, ws["close"], at + ".close.send", false);
  if (!w.message.empty()) check_refs(w.message, ws["message"], at + ".message", true);
  // ${now} in a scheduled message is the send time: the runner sets it per message. Devices
  // and profiles follow the user's number across threads and shards: the runner must set it.
  if (w.devices_min != w.devices_max || w.eeg.size() > 1) builtins = true;
  step.ws = std::move(w);
  return step;
}

}  // namespace neuro::load::detail
