// The test server's routes that keep state between requests, for the scenario-flow tests:
//   /record...          200 {"ok": true}; the request (path, Content-Type, body) is kept
//   /poll/KEY/N         200 {"status": "running", "calls": C} until the Nth call for KEY,
//                       then {"status": "completed", "calls": C}
//   /json/VALUE         200 {"status": "VALUE", "n": <VALUE's length>} (checks read it)
// Everything else goes to answer() (test_routes.hpp).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "load/testing/test_routes.hpp"

namespace neuro::load::testing {

struct RecordedRequest {
  std::string method;
  std::string path;
  std::string content_type;
  std::string body;
};

class RecordingRoutes {
 public:
  TestAnswer answer(const TestRequest& request);
  // Every /record request so far, in arrival order.
  std::vector<RecordedRequest> recorded() const;
  // Calls of /poll/KEY/N so far for KEY.
  int poll_calls(const std::string& key) const;

 private:
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> recorded_;
  std::map<std::string, int> poll_calls_;
};

}  // namespace neuro::load::testing
