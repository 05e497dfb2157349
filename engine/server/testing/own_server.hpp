// A server of one test's own (port 0, one thread of each kind, services from the environment,
// a schema and data directory named after the test and the pid, no demo data), for tests that
// need limits or timeouts other than the shared fixture's. Stopped, its schema dropped and its
// directory removed when it goes out of scope.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "engine/server/server.hpp"

namespace neuro::server::testing {

// NEUROPERF_PG_URL is set (the tests that need a server skip without it).
bool have_pg();

// Port 0, one thread of each kind, the services from the environment, a schema and a data
// directory (created) named after `name` and the pid, a fixed token secret, no demo data.
ServerOptions test_server_options(const std::string& name);

class OwnServer {
 public:
  // `adjust` may change the options (limits, timeouts) before the server starts.
  explicit OwnServer(const std::string& name,
                     const std::function<void(ServerOptions&)>& adjust = {});
  ~OwnServer();
  OwnServer(const OwnServer&) = delete;
  OwnServer& operator=(const OwnServer&) = delete;

  Server& server() { return *server_; }
  const ServerOptions& options() const { return options_; }
  unsigned short port() const { return server_->port(); }

 private:
  ServerOptions options_;
  std::unique_ptr<Server> server_;
};

}  // namespace neuro::server::testing
