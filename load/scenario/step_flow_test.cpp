// The step fields about answers and bodies (expect, check, until/every/max, multipart) and the
// built-in ${variables}: what they parse to, and each one's problem as FILE:LINE: field: problem.
#include <gtest/gtest.h>

#include "engine/base/errors.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "load/scenario/scenario.hpp"
#include "load/scenario/variables.hpp"

namespace neuro::load {
namespace {

constexpr const char* kExecutor = "executor: {type: constant-users, users: 1, iterations: 1}\n";

std::string problems_of(const std::string& text) {
  try {
    parse_scenario(text, "bad.yaml");
  } catch (const base::InvalidArgument& e) {
    return e.what();
  }
  return "";
}

void expect_problems(const std::string& text, const std::vector<std::string>& expected) {
  const std::string m = problems_of(text);
  for (const auto& line : expected) {
    EXPECT_NE(m.find(line), std::string::npos) << "missing: " << line << "\nin:\n" << m;
  }
  EXPECT_EQ(static_cast<std::size_t>(std::count(m.begin(), m.end(), '\n')) + 1, expected.size())
      << m;
}

TEST(StepFlow, ParsesExpectChecksAndPolling) {
  const auto s = parse_scenario(std::string(R"(target: http://h
steps:
  - path: /a
    expect: 201
    check: {json: data.id, exists: true}
  - path: /b
    expect: [200, 202]
    check:
      - {json: status, equals: done}
      - {json: n, lt: 5}
      - {json: n, gt: 1}
      - {json: status, not_equals: failed}
  - path: /c
    until: {json: status, equals: completed}
    every: 250ms
    max: 30s
)") + kExecutor,
                                "ok.yaml");
  ASSERT_EQ(s.steps.size(), 3u);
  EXPECT_EQ(s.steps[0].flow.expect_status, std::vector<int>{201});
  ASSERT_EQ(s.steps[0].flow.checks.size(), 1u);
  EXPECT_EQ(s.steps[0].flow.checks[0].op, JsonCondition::Op::kExists);
  EXPECT_EQ(s.steps[0].flow.checks[0].json_path, "data.id");
  EXPECT_EQ(s.steps[1].flow.expect_status, (std::vector<int>{200, 202}));
  ASSERT_EQ(s.steps[1].flow.checks.size(), 4u);
  EXPECT_EQ(s.steps[1].flow.checks[1].op, JsonCondition::Op::kLess);
  EXPECT_EQ(s.steps[1].flow.checks[1].value, "5");
  EXPECT_EQ(s.steps[1].flow.checks[3].text, "status not_equals failed");
  EXPECT_TRUE(s.steps[1].needs_body());
  ASSERT_TRUE(s.steps[2].flow.poll.has_value());
  EXPECT_DOUBLE_EQ(s.steps[2].flow.poll->every_s, 0.25);
  EXPECT_DOUBLE_EQ(s.steps[2].flow.poll->max_s, 30.0);
  EXPECT_EQ(s.steps[2].flow.poll->until.value, "completed");
  EXPECT_TRUE(s.steps[2].needs_body());
}

TEST(StepFlow, EveryProblemOfExpectCheckAndPoll) {
  expect_problems(std::string(R"(target: http://h
steps:
  - path: /a
    expect: 700
  - path: /b
    expect: {code: 1}
  - path: /c
    check: {json: status}
  - path: /d
    check: [{json: n, lt: many}]
  - path: /e
    check: {json: n, exists: false, colour: red}
  - path: /f
    every: 1s
  - path: /g
    until: {json: status, equals: done}
    every: 2s
    max: 1s
  - path: /h
    until: {json: status, equals: done}
    max: soon
  - path: /i
    until: {equals: done}
  - path: /j
    check: 5
)") + kExecutor,
                  {
                      "bad.yaml:4: steps[0].expect: expected an HTTP status 100..599, got '700'",
                      "bad.yaml:6: steps[1].expect: expected a status (201) or a list of them",
                      // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one message, wrapped
                      "bad.yaml:8: steps[2].check: expected exactly one of equals, not_equals, "
                      "exists, lt, gt",
                      "bad.yaml:10: steps[3].check[0].lt: expected a number, got 'many'",
                      "bad.yaml:12: steps[4].check.colour: unknown field",
                      "bad.yaml:12: steps[4].check.exists: expected true",
                      "bad.yaml:14: steps[5].every: only with until",
                      "bad.yaml:17: steps[6].every: longer than max",
                      "bad.yaml:21: steps[7].max: expected a positive duration like 500ms, 30s "
                      "or 5m, got 'soon'",
                      "bad.yaml:23: steps[8].until.json: expected a JSON path",
                      "bad.yaml:25: steps[9].check: expected a condition {json: PATH, equals: V} "
                      "or a list of them",
                  });
}

TEST(StepFlow, MultipartBodyFraming) {
  const auto s = parse_scenario(std::string(R"(target: http://h
steps:
  - method: POST
    path: /upload
    multipart:
      fields: {patient: "p-${user}", note: plain}
      files:
        - {name: data, filename: block.bin, synthetic_eeg: {channels: 2, rate: 200, seconds: 1, seed: 3}}
)") + kExecutor,
                                "m.yaml");
  const Step& step = s.steps[0];
  const std::string boundary = "neuroperf-2d6b1f0c9e8a4417";
  EXPECT_EQ(step.content_type, "multipart/form-data; boundary=" + boundary);
  const auto block = common::make_synthetic_eeg(2, 200, 1, 3);
  const std::string eeg(reinterpret_cast<const char*>(block.data()), block.size_bytes());
  // In the file's order.
  const std::string fields =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"patient\"\r\n\r\np-${user}\r\n--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nplain\r\n";
  EXPECT_EQ(step.body, fields + "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"data\"; "
                           "filename=\"block.bin\"\r\nContent-Type: application/octet-stream\r\n"
                           "\r\n" +
                           eeg + "\r\n--" + boundary + "--\r\n");
  // Only the fields are a template: the EEG bytes are sent as they are.
  EXPECT_EQ(step.body_template_bytes, fields.size());
  EXPECT_TRUE(s.uses_builtin_variables);
}

TEST(StepFlow, EveryProblemOfMultipart) {
  expect_problems(std::string(R"(target: http://h
steps:
  - method: POST
    path: /a
    multipart: {}
  - method: POST
    path: /b
    multipart:
      fields: {a: [1]}
      files: [{filename: x.bin, synthetic_eeg: {channels: 1}}]
  - method: POST
    path: /c
    multipart:
      files:
        - {name: f, path: /no/such, synthetic_eeg: {channels: 1}}
        - {name: g, path: /no/such.bin}
        - {name: h}
  - method: POST
    path: /d
    json: {a: 1}
    multipart: {fields: {a: b}}
  - method: POST
    path: /e
    multipart: [1]
  - method: POST
    path: /f
    multipart:
      files: [{name: f, synthetic_eeg: {channels: 1, rate: 10}}]
)") + kExecutor,
                  {
                      "bad.yaml:5: steps[0].multipart: expected at least one field or file",
                      "bad.yaml:9: steps[1].multipart.fields.a: expected a string",
                      // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one message, wrapped
                      "bad.yaml:10: steps[1].multipart.files[0].name: missing: the form field's "
                      "name",
                      "bad.yaml:15: steps[2].multipart.files[0].path: give either synthetic_eeg "
                      "or path, not both",
                      "bad.yaml:16: steps[2].multipart.files[1].path: cannot open '/no/such.bin'",
                      "bad.yaml:17: steps[2].multipart.files[2]: expected synthetic_eeg: {...} "
                      "or path: FILE",
                      "bad.yaml:18: steps[3]: give one of json, body and multipart, not several",
                      "bad.yaml:24: steps[4].multipart: expected {fields: {NAME: VALUE}, files: "
                      "[...]}",
                      "bad.yaml:28: steps[5].multipart.files[0].synthetic_eeg: synthetic eeg: "
                      "line_hz 50",
                  });
}

TEST(StepFlow, EveryProblemOfVariables) {
  expect_problems(std::string(R"(target: http://h
steps:
  - path: /a/${uuid + 1}
  - path: /b/${user % 0}
  - path: /c/${colour}
  - path: /d
    headers: {X-Now: "${now * 2}"}
  - method: POST
    path: /e
    json: {who: "${nobody}"}
auth:
  method: POST
  path: /auth/token
  json: {username: "clinician_${user % 10}"}
  capture: {token: access_token}
)") + kExecutor,
                  {
                      // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one message, wrapped
                      "bad.yaml:3: steps[0].path: ${uuid + 1}: arithmetic needs an integer "
                      "(user, iteration)",
                      "bad.yaml:4: steps[1].path: ${user % 0}: expected NAME OP INTEGER",
                      "bad.yaml:5: steps[2].path: ${colour} is not captured",
                      "bad.yaml:7: steps[3].headers.X-Now: ${now * 2}: arithmetic needs an "
                      "integer",
                      "bad.yaml:10: steps[4].json: ${nobody} is not captured",
                      "bad.yaml:14: auth.json: ${user % 10}: the auth step runs once per run",
                  });
}

TEST(Variables, ArithmeticOnIntegerVariables) {
  const Variables v = {{"user", "23"}, {"iteration", "4"}, {"name", "ann"}};
  EXPECT_EQ(substitute("clinician_${user % 10}", v), "clinician_3");
  EXPECT_EQ(substitute("${iteration + 1}/${iteration - 5}/${user * 2}/${user / 5}", v),
            "5/-1/46/4");
  EXPECT_EQ(substitute("${user%7}", v), "2");  // spaces are optional
  // Not an integer, or not known: left as written, so the mistake shows in the request.
  EXPECT_EQ(substitute("${name + 1}", v), "${name + 1}");
  EXPECT_EQ(substitute("${missing % 3}", v), "${missing % 3}");
  EXPECT_EQ(expression_variable("user % 10"), "user");
  EXPECT_EQ(expression_variable("user"), "");
  EXPECT_EQ(expression_variable("user % 0"), "");
  EXPECT_TRUE(is_builtin_variable("now"));
  EXPECT_FALSE(is_builtin_variable("token"));
}

}  // namespace
}  // namespace neuro::load
