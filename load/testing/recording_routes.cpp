#include "load/testing/recording_routes.hpp"

namespace neuro::load::testing {

TestAnswer RecordingRoutes::answer(const TestRequest& r) {
  TestAnswer a;
  if (r.path.rfind("/record", 0) == 0) {
    std::lock_guard lock(mutex_);
    recorded_.push_back({r.method, r.path, r.content_type, r.body});
    a.body = R"({"ok": true})";
    return a;
  }
  if (r.path.rfind("/poll/", 0) == 0) {
    const std::string rest = r.path.substr(6);
    const auto slash = rest.find('/');
    const std::string key = rest.substr(0, slash);
    const int after = slash == std::string::npos ? 1 : std::stoi(rest.substr(slash + 1));
    int calls = 0;
    {
      std::lock_guard lock(mutex_);
      calls = ++poll_calls_[key];
    }
    a.body = std::string(R"({"status": ")") + (calls >= after ? "completed" : "running") +
             R"(", "calls": )" + std::to_string(calls) + "}";
    return a;
  }
  if (r.path.rfind("/json/", 0) == 0) {
    const std::string value = r.path.substr(6);
    a.body = R"({"status": ")" + value + R"(", "n": )" + std::to_string(value.size()) + "}";
    return a;
  }
  return testing::answer(r);
}

std::vector<RecordedRequest> RecordingRoutes::recorded() const {
  std::lock_guard lock(mutex_);
  return recorded_;
}

int RecordingRoutes::poll_calls(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto it = poll_calls_.find(key);
  return it == poll_calls_.end() ? 0 : it->second;
}

}  // namespace neuro::load::testing
