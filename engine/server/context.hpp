// Everything a handler or session may use, owned by the Server and passed by reference: the
// pools, auth, health, metrics, the job queue, the handler pool and the WebSocket seam.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "engine/cache/pool.hpp"
#include "engine/server/auth.hpp"
#include "engine/server/health.hpp"
#include "engine/server/metrics.hpp"
#include "engine/server/options.hpp"
#include "engine/server/router.hpp"
#include "engine/store/pool.hpp"

namespace neuro::server {

class HttpSession;
class JobQueue;
class WebSocketHost;
class Inference;

// Open sessions, so a drain can close the idle ones.
class SessionRegistry {
 public:
  void add(HttpSession* session, std::weak_ptr<HttpSession> weak);
  void remove(HttpSession* session);
  std::vector<std::shared_ptr<HttpSession>> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions_;
};

struct ServerContext {
  const ServerOptions& options;
  store::ConnectionPool& pg;
  cache::ConnectionPool& redis;
  const UserStore& users;
  const TokenSigner& tokens;
  HealthMonitor& health;
  Metrics& metrics;
  const Router& router;
  JobQueue& jobs;
  Inference& inference;
  net::thread_pool& handler_pool;
  WebSocketHost* websocket = nullptr;  // null: upgrades get 503
  SessionRegistry sessions;
  std::atomic<bool> draining{false};
};

}  // namespace neuro::server
