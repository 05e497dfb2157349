#include "load/testing/test_routes.hpp"

#include <chrono>
#include <string_view>
#include <thread>

namespace neuro::load::testing {
namespace {

TestAnswer reply(int status, std::string body) {
  TestAnswer a;
  a.status = status;
  a.body = std::move(body);
  return a;
}

}  // namespace

TestAnswer answer(const TestRequest& r) {
  const std::string& path = r.path;
  if (path == "/reset") {
    TestAnswer a;
    a.reset = true;
    return a;
  }
  if (path == "/ok") return reply(200, "ok");
  if (path.rfind("/delay/", 0) == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::stol(path.substr(7))));
    return reply(200, "ok");
  }
  if (path.rfind("/status/", 0) == 0) return reply(std::stoi(path.substr(8)), "status");
  if (path == "/close") {
    TestAnswer a = reply(200, "bye");
    a.close = true;
    return a;
  }
  if (path == "/chunked") {
    TestAnswer a = reply(200, "hello world");
    a.chunked = true;
    return a;
  }
  if (path == "/token") {
    return reply(200, R"({"access_token": "abc123", "user": {"id": 7}})");
  }
  if (path == "/auth") {
    return r.authorization == "Bearer abc123" ? reply(200, "yes") : reply(401, "no");
  }
  if (path.rfind("/items/", 0) == 0) {
    const std::string id = path.substr(7);
    const bool digits = !id.empty() && id.find_first_not_of("0123456789") == std::string::npos;
    return digits ? reply(200, "{\"id\": \"" + id + "\"}") : reply(404, "bad id");
  }
  if (path.rfind("/check/", 0) == 0) {
    const std::string rest = path.substr(7);
    const auto slash = rest.find('/');
    const bool same = slash != std::string::npos && rest.substr(0, slash) == rest.substr(slash + 1);
    return reply(same ? 200 : 400, same ? "same" : "different");
  }
  if (path.rfind("/big/", 0) == 0) {
    // Large enough to arrive in many reads; brackets, quotes and backslashes inside a string,
    // so that only a reader that honours strings and escapes finds the value whole.
    const std::string rest = path.substr(5);
    const std::string_view bad_suffix = "/mispaired";
    const bool bad =
        rest.size() > bad_suffix.size() &&
        rest.compare(rest.size() - bad_suffix.size(), bad_suffix.size(), bad_suffix) == 0;
    const std::string digits = bad ? rest.substr(0, rest.size() - bad_suffix.size()) : rest;
    if (digits.empty() || digits.size() > 7 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      return reply(404, "bad count");
    }
    const long n = std::stol(digits);
    std::string body = R"({"note": "]}\"[{\\\"}}", "values": [)";
    for (long i = 0; i < n; ++i) body.append(i ? "," : "").append(std::to_string(i) + ".25");
    body.append(bad ? R"(}, "count": )" : R"(], "count": )").append(digits).append("}");
    return reply(200, std::move(body));
  }
  if (path == "/create" && r.method == "POST") {
    return reply(200, "{\"id\": 42, \"bytes\": " + std::to_string(r.body_size) + "}");
  }
  return reply(404, "not found");
}

}  // namespace neuro::load::testing
