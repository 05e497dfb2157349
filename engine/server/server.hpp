// The engine server: opens the pools, creates the schema, loads users, seeds demo data,
// resumes unfinished jobs, listens, and drains on stop (stop accepting, finish in-flight
// requests, close WebSockets, exit within the drain timeout).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "engine/server/context.hpp"
#include "engine/server/options.hpp"
#include "engine/server/ws/websocket_service.hpp"

namespace neuro::server {

class Listener;
class ApiDeviceSessions;

class Server {
 public:
  // Throws base::Error: kUnreachable when PostgreSQL or Redis cannot be reached, kBadInput for
  // a bad users file or an address that cannot be bound.
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // For wiring the WebSocket service before start(): it stores into pg() and asks
  // device_sessions() for the session each device streams into.
  store::ConnectionPool& pg() { return *pg_; }
  ws::DeviceSessions& device_sessions();
  void set_websocket(WebSocketHost* host) { context_->websocket = host; }

  void start();           // I/O threads run; returns at once
  void drain_and_stop();  // idempotent; returns when everything stopped
  unsigned short port() const;
  ServerContext& context() { return *context_; }
  int resumed_jobs() const noexcept { return resumed_jobs_; }

 private:
  ServerOptions options_;
  std::unique_ptr<store::ConnectionPool> pg_;
  std::unique_ptr<cache::ConnectionPool> redis_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<TokenSigner> tokens_;
  std::unique_ptr<HealthMonitor> health_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<JobQueue> jobs_;
  std::unique_ptr<Inference> inference_;
  std::unique_ptr<ApiDeviceSessions> device_sessions_;
  std::unique_ptr<net::thread_pool> handler_pool_;
  std::unique_ptr<ServerContext> context_;
  net::io_context io_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  int resumed_jobs_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

// Demo patients, sessions with synthetic EEG and validation-platform projects, once
// (idempotent: fixed ids, nothing a user wrote is touched).
void seed_demo_data(ServerContext& server);

}  // namespace neuro::server
