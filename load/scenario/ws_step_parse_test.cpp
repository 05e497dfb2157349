#include <gtest/gtest.h>

#include <algorithm>

#include "engine/base/errors.hpp"
#include "load/scenario/scenario.hpp"
#include "load/scenario/ws_quick.hpp"

namespace neuro::load {
namespace {

std::string problems_of(const std::string& yaml) {
  try {
    parse_scenario(yaml, "w.yaml");
  } catch (const base::InvalidArgument& e) {
    return e.what();
  }
  return "";
}

TEST(WsStepParse, ReadsEveryField) {
  const auto s = parse_scenario(R"(target: http://127.0.0.1:1
auth: {method: POST, path: /auth/token, json: {u: 1}, capture: {token: access_token}}
steps:
  - name: devices
    ws:
      path: /ws/devices?token=${token}
      headers: {X-Run: 'r${user}'}
      subprotocol: eeg.v1
      devices: [2, 4]
      send: ['{"type":"register","device_id":"d${user}-${device}"}']
      every: 100ms
      phase: spread
      eeg: {channels: 8, rate: 250}
      message: '{"packet_id":${packet},"t":${now},"data":${eeg}}'
      packets: 50
      max_message: 1MB
      receive:
        duration: 30s
        match: {json: type, equals: ack}
        reply_to: packet_id
        seq_field: seq
      close: {send: '{"type":"unregister"}', until: {json: type, equals: unregistered}, max: 3s}
executor: {type: constant-users, users: 5, duration: 1m}
thresholds: ['ws_p99 < 5ms', 'gaps == 0', 'ws_msgs_in > 100', 'ws_connect_p99 < 1s',
             'ws_read_lag_p99 < 2ms']
)",
                                "w.yaml");
  ASSERT_EQ(s.steps.size(), 1u);
  const Step& st = s.steps[0];
  ASSERT_TRUE(st.ws);
  const WsStep& w = *st.ws;
  EXPECT_TRUE(s.uses_websocket());
  EXPECT_TRUE(s.uses_builtin_variables);
  // [MIN, MAX] devices read the user's number even where no message names ${user}.
  EXPECT_TRUE(parse_scenario("target: http://127.0.0.1:1\nsteps: [{ws: {path: /w, devices: [2, 4], "
                             "receive: {duration: 1s}}}]\nexecutor: {type: constant-users, "
                             "users: 1, duration: 1s}\n",
                             "d.yaml")
                  .uses_builtin_variables);
  EXPECT_EQ(st.name, "devices");
  EXPECT_EQ(st.path, "/ws/devices?token=${token}");
  EXPECT_EQ(st.headers.at(0).second, "r${user}");
  EXPECT_EQ(w.subprotocol, "eeg.v1");
  EXPECT_EQ(w.devices_for(0), 2);
  EXPECT_EQ(w.devices_for(1), 3);
  EXPECT_EQ(w.devices_for(2), 4);
  EXPECT_EQ(w.devices_for(3), 2);
  EXPECT_EQ(w.on_open.size(), 1u);
  EXPECT_DOUBLE_EQ(w.every_s, 0.1);
  EXPECT_TRUE(w.phase_spread);
  ASSERT_EQ(w.eeg.size(), 1u);
  EXPECT_EQ(w.eeg[0].channels, 8);
  EXPECT_FALSE(w.eeg[0].binary);
  EXPECT_EQ(w.max_packets, 50);
  EXPECT_EQ(w.max_message_bytes, 1024u * 1024u);  // MB is 2^20 in scenario sizes
  EXPECT_DOUBLE_EQ(w.duration_s, 30);
  EXPECT_EQ(w.match->value, "ack");
  EXPECT_EQ(w.reply_to, "packet_id");
  EXPECT_EQ(w.seq_field, "seq");
  EXPECT_EQ(w.on_close.size(), 1u);
  EXPECT_EQ(w.close_until->value, "unregistered");
  EXPECT_DOUBLE_EQ(w.close_wait_s, 3);
  ASSERT_EQ(s.thresholds.size(), 5u);
  EXPECT_DOUBLE_EQ(s.thresholds[4].limit, 2);
  EXPECT_EQ(s.thresholds[1].comparison, Comparison::kEqual);
  EXPECT_TRUE(s.thresholds[1].passes(0));
  EXPECT_FALSE(s.thresholds[1].passes(1));
  EXPECT_DOUBLE_EQ(s.thresholds[0].limit, 5);
}

TEST(WsStepParse, EveryProblemWithItsLine) {
  const auto m = problems_of(R"(target: http://127.0.0.1:1
steps:
  - ws:
      path: ws/no-slash
      devices: [3, 2]
      every: 100ms
      recieve: {duration: 1s}
      send: '{"id":"${missing}"}'
  - ws:
      path: /ok
      message: '{"p":${packet}}'
      phase: staggered
      receive: {latency_from: t, reply_to: id, until: {json: type}}
executor: {type: constant-users, users: 1, duration: 1s}
thresholds: ['gaps = 0', 'ws_p99 < 5']
)");
  for (const char* expected :
       {"w.yaml:4: steps[0].ws.path: expected a path starting with '/'",
        "w.yaml:5: steps[0].ws.devices: expected [MIN, MAX] with MIN <= MAX",
        "w.yaml:6: steps[0].ws.every: needs a message",
        "w.yaml:7: steps[0].ws.recieve: unknown field", "steps[0].ws.receive: expected {duration",
        "w.yaml:8: steps[0].ws.send: ${missing} is not captured",
        "w.yaml:11: steps[1].ws.message: only with every",
        "w.yaml:12: steps[1].ws.phase: expected aligned or spread",
        "w.yaml:12: steps[1].ws.phase: only with every",
        "steps[1].ws.receive.duration: expected how long to receive",
        "steps[1].ws.receive: give latency_from or reply_to, not both",
        "steps[1].ws.receive.reply_to: needs messages sent on a schedule",
        "steps[1].ws.receive.until: expected {json: FIELD, equals: VALUE}",
        "thresholds[0]: expected 'METRIC < VALUE'", "thresholds[1]: expected a duration"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << expected << "\nin:\n" << m;
  }
}

// phase: spread puts 1,000 sessions (100 users x 10 devices) evenly over the period: every
// phase inside it, none twice, and no gap between neighbours wider than 3 / 1,000 of it (the
// golden-ratio sequence leaves gaps of at most three sizes, the largest ~2.6 / n); aligned
// sessions all start at their open.
TEST(WsStepPhase, SpreadCoversThePeriodEvenly) {
  WsStep w;
  w.every_s = 0.1;
  w.devices_min = w.devices_max = 10;
  EXPECT_EQ(w.phase_ns(7, 3), 0);
  w.phase_spread = true;
  std::vector<std::int64_t> phases;
  for (std::int64_t user = 0; user < 100; ++user) {
    for (std::uint32_t device = 0; device < 10; ++device) {
      phases.push_back(w.phase_ns(user, device));
    }
  }
  std::sort(phases.begin(), phases.end());
  EXPECT_GE(phases.front(), 0);
  EXPECT_LT(phases.back(), 100'000'000);
  EXPECT_EQ(std::adjacent_find(phases.begin(), phases.end()), phases.end()) << "a phase twice";
  std::int64_t widest = 100'000'000 - phases.back() + phases.front();  // around the period's end
  for (std::size_t i = 1; i < phases.size(); ++i) {
    widest = std::max(widest, phases[i] - phases[i - 1]);
  }
  EXPECT_LT(widest, 300'000) << "ns";
  // The same from run to run.
  EXPECT_EQ(w.phase_ns(42, 5), WsStep(w).phase_ns(42, 5));
}

// wss:// is the target's scheme, as https:// is for HTTP steps; HTTP/2 stays refused.
TEST(WsStepParse, HttpsIsWssHttp2Refused) {
  const auto s = parse_scenario(R"(target: https://127.0.0.1:1
tls_verify: false
steps:
  - {name: login, path: /health}
  - ws: {path: /ws, receive: {duration: 1s}}
executor: {type: constant-users, users: 1, duration: 1s}
)",
                                "w.yaml");
  EXPECT_TRUE(s.uses_websocket());
  EXPECT_FALSE(s.tls_verify);
  const auto h2 = problems_of(R"(target: https://127.0.0.1:1
http: "2"
steps: [{ws: {path: /ws, receive: {duration: 1s}}}]
executor: {type: constant-users, users: 1, duration: 1s}
)");
  EXPECT_NE(h2.find(std::string("w.yaml:2: http: ") + kWsOverHttp2), std::string::npos) << h2;
  const auto m = problems_of(R"(target: http://127.0.0.1:1
steps: [{ws: {path: 'wss://other:443/ws', receive: {duration: 1s}}}]
executor: {type: constant-users, users: 1, duration: 1s}
)");
  EXPECT_NE(m.find("steps[0].ws.path: expected a path starting with '/': the scheme and host are "
                   "the target's (an https:// target makes the sessions wss://)"),
            std::string::npos)
      << m;
}

}  // namespace
}  // namespace neuro::load

namespace neuro::load {
namespace {

TEST(WsQuick, ScalesTheReceiveWithTheTimeline) {
  auto s = parse_scenario(R"(target: http://127.0.0.1:1
steps:
  - {name: http, path: /health}
  - ws: {path: /a, every: 100ms, message: x, packets: 300, receive: {duration: 30s}}
  - ws: {path: /b, receive: {duration: 2s}}
executor: {type: constant-users, users: 1, duration: 3m}
)",
                          "q.yaml");
  scale_ws_steps(s, 10.0 / 180.0);
  EXPECT_NEAR(s.steps[1].ws->duration_s, 30.0 * 10 / 180, 1e-9);
  EXPECT_EQ(s.steps[1].ws->max_packets, 17);         // ceil(300 x 10 / 180)
  EXPECT_DOUBLE_EQ(s.steps[1].ws->every_s, 0.1);     // the rate as written
  EXPECT_DOUBLE_EQ(s.steps[2].ws->duration_s, 1.0);  // at least 1 s
  scale_ws_steps(s, 1.0);
  EXPECT_DOUBLE_EQ(s.steps[2].ws->duration_s, 1.0);
}

}  // namespace
}  // namespace neuro::load
