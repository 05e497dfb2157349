// The test server's routes (the list is in test_server.hpp), apart from how they travel: the
// HTTP/1.1 loop and the HTTP/2 session both ask answer() what to send.
#pragma once

#include <cstddef>
#include <string>

namespace neuro::load::testing {

struct TestRequest {
  std::string method;
  std::string path;
  std::string authorization;  // the Authorization header's value, may be empty
  std::size_t body_size = 0;
  std::string content_type;  // HTTP/1.1 only
  std::string body;          // HTTP/1.1 only
};

struct TestAnswer {
  int status = 200;
  std::string body;
  bool close = false;    // HTTP/1.1: Connection: close, then close
  bool reset = false;    // reset the connection (HTTP/2: the stream) instead of answering
  bool chunked = false;  // HTTP/1.1: chunked body
};

// What to send for `request`; sleeps first for /delay/MS.
TestAnswer answer(const TestRequest& request);

}  // namespace neuro::load::testing
