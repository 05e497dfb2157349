#include "engine/server/testing/own_server.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "engine/store/connection.hpp"

namespace neuro::server::testing {

bool have_pg() {
  const char* pg = std::getenv("NEUROPERF_PG_URL");
  return pg != nullptr && *pg != '\0';
}

ServerOptions test_server_options(const std::string& name) {
  ServerOptions o;
  o.port = 0;
  o.threads = 1;
  o.handler_threads = 1;
  o.job_workers = 1;
  o.pg_url = store::pg_url_from_env();
  const char* redis = std::getenv("NEUROPERF_REDIS_URL");
  o.redis_url = redis != nullptr && *redis != '\0' ? redis : "redis://127.0.0.1:63799";
  o.schema = "neuro_server_" + name + "_" + std::to_string(::getpid());
  o.data_dir = std::filesystem::temp_directory_path() /
               ("neuroperf-server-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(o.data_dir);
  o.token_secret = "0123456789abcdef0123456789abcdef";
  o.demo_data = false;
  return o;
}

OwnServer::OwnServer(const std::string& name, const std::function<void(ServerOptions&)>& adjust)
    : options_(test_server_options(name)) {
  auto& o = options_;
  if (adjust) adjust(o);
  server_ = std::make_unique<Server>(o);
  server_->start();
}

OwnServer::~OwnServer() {
  server_->drain_and_stop();
  server_.reset();
  try {
    store::Connection c(store::pg_url_from_env());
    c.exec("DROP SCHEMA IF EXISTS " + options_.schema + " CASCADE");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "dropping " << options_.schema << ": " << e.what();
  }
  std::error_code ec;
  std::filesystem::remove_all(options_.data_dir, ec);
}

}  // namespace neuro::server::testing
