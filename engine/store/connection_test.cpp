// Connections against a real server and against ones that are not there: an unreachable port,
// a listener that never answers (connect_timeout must end the wait), a backend killed under a
// live connection (detected and reported as unreachable, and replaced by the pool), and the
// schema's partitioning.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "engine/base/errors.hpp"
#include "engine/store/pool.hpp"
#include "engine/store/test_support.hpp"

namespace neuro::store {
namespace {

using base::Error;
using base::ExitCode;

// A TCP port on 127.0.0.1 that accepts connections into its backlog but never speaks.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd_, 4) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot open a listening socket";
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A port that refuses: bind one, remember it, close it.
int closed_port() {
  SilentListener listener;
  return listener.port();
}

TEST(Connection, UnreachableIsOneLineWithoutPassword) {
  const std::string url =
      "postgresql://neuroperf:topsecret@127.0.0.1:" + std::to_string(closed_port()) + "/neuroperf";
  try {
    Connection connection(url);
    FAIL() << "connected to a closed port";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.code(), ExitCode::kUnreachable);
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(message.find("topsecret"), std::string::npos) << message;
    EXPECT_NE(message.find("postgresql://neuroperf@127.0.0.1:"), std::string::npos) << message;
  }
}

TEST(Connection, SilentServerEndsAtConnectTimeout) {
  SilentListener listener;
  ConnectOptions options;
  options.connect_timeout_s = 2;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(
      {
        try {
          Connection connection(
              "postgresql://neuroperf@127.0.0.1:" + std::to_string(listener.port()) + "/x",
              options);
        } catch (const Error& e) {
          EXPECT_EQ(e.code(), ExitCode::kUnreachable);
          throw;
        }
      },
      Error);
  // Not a speed check: a generous bound that only a hang (no timeout applied) can exceed.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST(Connection, RejectedStatementIsBadInput) {
  Connection connection(pg_url_from_env());
  try {
    connection.exec("SELECT * FROM no_such_table_here");
    FAIL() << "query on a missing table succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("no_such_table_here"), std::string::npos) << e.what();
  }
  EXPECT_EQ(connection.exec("SELECT 41 + 1").value(0, 0), "42");
}

TEST(Connection, StatementTimeoutApplies) {
  ConnectOptions options;
  options.statement_timeout_ms = 200;
  Connection connection(pg_url_from_env(), options);
  EXPECT_EQ(connection.exec("SHOW statement_timeout").value(0, 0), "200ms");
  EXPECT_THROW(connection.exec("SELECT pg_sleep(5)"), Error);
}

TEST(Connection, KilledBackendIsDetectedAndReported) {
  Connection victim(pg_url_from_env());
  Connection killer(pg_url_from_env());
  killer.exec("SELECT pg_terminate_backend(" + std::to_string(victim.backend_pid()) + ")");
  try {
    victim.exec("SELECT 1");
    FAIL() << "query on a terminated connection succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUnreachable) << e.what();
  }
  EXPECT_FALSE(victim.ok());
}

TEST(ConnectionPool, ReplacesABrokenConnection) {
  ConnectionPool pool(pg_url_from_env(), 2, {},
                      [](Connection& c) { c.exec("SET application_name = 'neuro_pool_test'"); });
  EXPECT_EQ(pool.idle(), 2u);
  Connection killer(pg_url_from_env());
  {
    auto lease = pool.acquire();
    EXPECT_EQ(pool.idle(), 1u);
    killer.exec("SELECT pg_terminate_backend(" + std::to_string(lease->backend_pid()) + ")");
    EXPECT_THROW(lease->exec("SELECT 1"), Error);
  }
  EXPECT_EQ(pool.idle(), 2u);
  // Both connections work afterwards, and the replacement ran the on-connect hook.
  auto a = pool.acquire();
  auto b = pool.acquire();
  EXPECT_EQ(a->exec("SHOW application_name").value(0, 0), "neuro_pool_test");
  EXPECT_EQ(b->exec("SHOW application_name").value(0, 0), "neuro_pool_test");
  EXPECT_EQ(pool.reconnects(), 1u);
}

TEST(ConnectionPool, LeasesBlockUntilReturned) {
  ConnectionPool pool(pg_url_from_env(), 1);
  auto first = std::make_unique<ConnectionPool::Lease>(pool.acquire());
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto second = pool.acquire();
    got = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(got.load());
  first.reset();
  waiter.join();
  EXPECT_TRUE(got.load());
  EXPECT_THROW(ConnectionPool(pg_url_from_env(), 0), base::InvalidArgument);
}

using SchemaTest = testing::StoreTest;

// The embedded server has no TimescaleDB: the native path must have made real partitions.
TEST_F(SchemaTest, PartitionsMatchTheServer) {
  const bool timescale = timescaledb_available(db());
  const Result parts = db().exec(
      "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent JOIN "
      "pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'eeg_samples' AND n.nspname "
      "= '" +
      options_.schema + "'");
  if (timescale) {
    GTEST_SKIP() << "timescaledb present: partitions are hypertable chunks";
  }
  // 7 daily partitions plus the default one.
  EXPECT_EQ(parts.value(0, 0), "8");
  const Result indexes = db().exec("SELECT count(*) FROM pg_indexes WHERE schemaname = '" +
                                   options_.schema + "' AND tablename = 'eeg_samples'");
  EXPECT_EQ(indexes.value(0, 0), "2");
  SchemaOptions bad = options_;
  bad.schema = "bad name";
  EXPECT_THROW(create_sample_schema(db(), bad), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::store
