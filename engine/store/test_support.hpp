// For the store's integration tests: a connection to NEUROPERF_PG_URL and a schema of the
// test's own (unique per process and test), dropped afterwards, so tests run in parallel and
// leave nothing behind.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "engine/store/connection.hpp"
#include "engine/store/schema.hpp"

namespace neuro::store::testing {

inline std::string unique_schema(const std::string& tag) {
  static int counter = 0;
  return "neuro_test_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A server that is down fails the test with the one-line reason (the integration label
    // promises a running server; scripts/test starts one).
    connection_ = std::make_unique<Connection>(pg_url_from_env());
    options_.schema = unique_schema("t");
    options_.partitioning = Partitioning::kAuto;
    create_sample_schema(*connection_, options_);
  }
  void TearDown() override {
    if (connection_ && connection_->ok()) {
      try {
        Connection cleaner(pg_url_from_env());
        drop_schema(cleaner, options_.schema);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "cleanup: " << e.what();
      }
    }
  }
  Connection& db() { return *connection_; }

  std::unique_ptr<Connection> connection_;
  SchemaOptions options_;
};

}  // namespace neuro::store::testing
