#include "engine/server/server.hpp"

#include <boost/asio/ip/address.hpp>
#include <filesystem>

#include "engine/base/errors.hpp"
#include "engine/server/api_db.hpp"
#include "engine/server/device_sessions.hpp"
#include "engine/server/handlers/handlers.hpp"
#include "engine/server/http_session.hpp"
#include "engine/server/inference.hpp"
#include "engine/server/job_queue.hpp"
#include "engine/server/jobs.hpp"
#include "engine/server/listener.hpp"
#include "engine/server/websocket_host.hpp"

namespace neuro::server {

Server::Server(ServerOptions options) : options_(std::move(options)), io_(options_.threads) {
  if (options_.users_file.empty()) {
    options_.users_file = std::filesystem::path(NEURO_SOURCE_DIR) / "fixtures" / "users.txt";
  }
  std::filesystem::create_directories(options_.data_dir);
  users_ = std::make_unique<UserStore>(UserStore::load(options_.users_file));
  tokens_ = std::make_unique<TokenSigner>(options_.token_secret.empty()
                                              ? load_or_create_secret(options_.data_dir)
                                              : options_.token_secret,
                                          options_.token_lifetime);
  const std::string schema = options_.schema;
  store::require_identifier(schema, "schema");
  {
    store::Connection setup(options_.pg_url);
    create_api_schema(setup, schema);
  }
  store::ConnectOptions pg_options;
  pg_options.application_name = "neuroperf-server";
  const std::size_t pg_size = static_cast<std::size_t>(options_.handler_threads) +
                              static_cast<std::size_t>(options_.job_workers) + 4;
  pg_ = std::make_unique<store::ConnectionPool>(
      options_.pg_url, pg_size, pg_options,
      [schema](store::Connection& c) { c.set_search_path(schema); });
  const cache::RedisUrl redis_url = cache::parse_redis_url(options_.redis_url, "--redis");
  redis_ = std::make_unique<cache::ConnectionPool>(
      redis_url, cache::ConnectionOptions{}, static_cast<std::size_t>(options_.handler_threads));
  health_ = std::make_unique<HealthMonitor>(options_.pg_url, redis_url, options_.health_interval);
  if (!health_->redis_up()) {
    throw base::Error(base::ExitCode::kUnreachable,
                      "redis " + redis_url.display() + " is unreachable");
  }
  router_ = std::make_unique<Router>(handlers::make_router(options_.limits));
  std::vector<RouteLabel> labels;
  for (const auto& r : router_->routes()) {
    labels.push_back({std::string(http::to_string(r.method)), r.pattern});
  }
  metrics_ = std::make_unique<Metrics>(std::move(labels));
  jobs_ = std::make_unique<JobQueue>(options_.job_workers);
  inference_ = std::make_unique<Inference>();
  device_sessions_ = std::make_unique<ApiDeviceSessions>(*pg_);
  handler_pool_ =
      std::make_unique<net::thread_pool>(static_cast<std::size_t>(options_.handler_threads));
  // An aggregate of references: make_unique's parenthesised aggregate initialisation is C++20
  // that clang-tidy 14 cannot parse, so the new is written out.
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory)
  context_.reset(new ServerContext{options_,
                                   *pg_,
                                   *redis_,
                                   *users_,
                                   *tokens_,
                                   *health_,
                                   *metrics_,
                                   *router_,
                                   *jobs_,
                                   *inference_,
                                   *handler_pool_,
                                   nullptr,
                                   {},
                                   {}});
  if (options_.demo_data) seed_demo_data(*context_);
  beast::error_code ec;
  const auto address = net::ip::make_address(options_.host, ec);
  if (ec) throw base::InvalidArgument("--listen: bad address '" + options_.host + "'");
  listener_ = std::make_shared<Listener>(io_, tcp::endpoint(address, options_.port), *context_);
}

Server::~Server() { drain_and_stop(); }

ws::DeviceSessions& Server::device_sessions() { return *device_sessions_; }

unsigned short Server::port() const { return listener_->port(); }

void Server::start() {
  if (started_) return;
  started_ = true;
  resumed_jobs_ = resume_jobs(*context_);
  listener_->run();
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { io_.run(); });
}

void Server::drain_and_stop() {
  if (stopped_) return;
  stopped_ = true;
  const auto deadline = std::chrono::steady_clock::now() + options_.drain_timeout;
  context_->draining.store(true);
  if (started_) {
    listener_->stop();
    for (const auto& s : context_->sessions.snapshot()) s->close_if_idle();
    if (context_->websocket) {
      context_->websocket->shutdown(std::chrono::duration_cast<std::chrono::milliseconds>(
          (deadline - std::chrono::steady_clock::now()) / 2));
    }
    // In-flight requests finish and their connections close after answering.
    while (metrics_->open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
      for (const auto& s : context_->sessions.snapshot()) s->close_if_idle();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  jobs_->stop();  // running jobs stop at their next check; unfinished rows resume at next start
  handler_pool_->join();
  io_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace neuro::server
