// The connection pool against a real Redis: bounded size, reuse, a timeout when every
// connection stays busy, broken connections replaced, and many threads sharing it.
#include "engine/cache/pool.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "engine/base/errors.hpp"
#include "engine/cache/commands.hpp"
#include "engine/cache/test_support.hpp"

namespace neuro::cache {
namespace {

using base::Error;
using base::ExitCode;
using testing::RedisTest;

std::int64_t client_id(Connection& connection) {
  return connection.command({"CLIENT", "ID"}).integer();
}

TEST_F(RedisTest, PoolReusesConnections) {
  ConnectionPool pool(url(), {}, 2);
  EXPECT_EQ(pool.open_count(), 0u);
  std::int64_t first_id = 0;
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    first_id = client_id(*a);
    EXPECT_NE(first_id, client_id(*b));
    EXPECT_EQ(pool.open_count(), 2u);
    try {
      pool.acquire(std::chrono::milliseconds(50));
      FAIL() << "a third connection from a pool of two";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUnreachable);
      EXPECT_NE(std::string(e.what()).find("all 2 connections stayed busy for 50 ms"),
                std::string::npos);
    }
  }
  EXPECT_EQ(pool.idle_count(), 2u);
  auto again = pool.acquire();
  auto other = pool.acquire();
  const std::int64_t ids[] = {client_id(*again), client_id(*other)};
  EXPECT_TRUE(ids[0] == first_id || ids[1] == first_id) << "no connection was reused";
  EXPECT_EQ(pool.open_count(), 2u);
}

TEST_F(RedisTest, PoolDropsBrokenConnections) {
  ConnectionPool pool(url(), {}, 1);
  std::int64_t killed = 0;
  {
    auto lease = pool.acquire();
    killed = client_id(*lease);
    redis().command({"CLIENT", "KILL", "ID", std::to_string(killed)});
    EXPECT_THROW(lease->command({"PING"}), Error);
    EXPECT_TRUE(lease->broken());
  }
  EXPECT_EQ(pool.open_count(), 0u);
  auto fresh = pool.acquire(std::chrono::milliseconds(100));
  EXPECT_NE(client_id(*fresh), killed);
  EXPECT_EQ(fresh->command({"PING"}).text(), "PONG");
}

TEST_F(RedisTest, PoolFailsAndKeepsNoSlot) {
  ConnectionPool pool(testing::closed_port_url(), {}, 1);
  for (int attempt = 0; attempt < 2; ++attempt) {  // the failed open must free its slot
    try {
      pool.acquire(std::chrono::milliseconds(100));
      FAIL() << "acquired a connection to a closed port";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUnreachable);
      EXPECT_NE(std::string(e.what()).find("cannot connect"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(pool.open_count(), 0u);
  EXPECT_THROW(ConnectionPool(url(), {}, 0), base::InvalidArgument);
}

TEST_F(RedisTest, PoolIsSharedByManyThreads) {
  constexpr int kThreads = 8;
  constexpr int kKeysPerThread = 100;
  ConnectionPool pool(url(), {}, 3);
  std::vector<std::string> keys;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kKeysPerThread; ++i) {
      keys.push_back(key(std::to_string(t * kKeysPerThread + i)));
    }
  }
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kKeysPerThread; ++i) {
        auto lease = pool.acquire(std::chrono::seconds(10));
        set_string(*lease, keys[t * kKeysPerThread + i], std::to_string(t * 1000 + i));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(pool.open_count(), 3u);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kKeysPerThread; ++i) {
      const auto& k = keys[t * kKeysPerThread + i];
      ASSERT_EQ(redis().command({"GET", k}).text(), std::to_string(t * 1000 + i)) << k;
    }
  }
}

}  // namespace
}  // namespace neuro::cache
