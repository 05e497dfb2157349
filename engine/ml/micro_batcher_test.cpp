#include "engine/ml/micro_batcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace neuro::ml {
namespace {

using namespace std::chrono_literals;

// A generous deadlock guard, never a speed assertion: a correct batcher answers in microseconds.
constexpr auto kHang = 60s;

struct Tagged {
  int caller;
  int value;
};

// The response is computed from the request alone (value squared, tagged with its caller), so
// a caller that received another's response, or a response from the wrong position, is caught.
std::vector<Tagged> square_all(std::vector<Tagged>& requests) {
  std::vector<Tagged> out;
  out.reserve(requests.size());
  for (const auto& r : requests) out.push_back({r.caller, r.value * r.value});
  return out;
}

TEST(MicroBatcher, EveryCallerGetsItsOwnResult) {
  constexpr int kCallers = 10;
  constexpr int kPerCaller = 200;
  std::atomic<std::size_t> oversized{0};
  MicroBatcher<Tagged, Tagged> batcher({.max_batch = 8, .max_wait = 500us},
                                       [&](std::vector<Tagged>& requests) {
                                         if (requests.size() > 8) ++oversized;
                                         return square_all(requests);
                                       });
  std::vector<std::thread> callers;
  callers.reserve(kCallers);
  std::vector<int> wrong(kCallers, 0);
  std::latch start(kCallers);
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerCaller; ++i) {
        const int value = c * 1000 + i;
        auto future = batcher.submit({c, value});
        if (future.wait_for(kHang) != std::future_status::ready) {
          ++wrong[c];
          return;
        }
        const auto got = future.get();
        if (got.caller != c || got.value != value * value) ++wrong[c];
      }
    });
  }
  for (auto& t : callers) t.join();
  for (int c = 0; c < kCallers; ++c) EXPECT_EQ(wrong[c], 0) << "caller " << c;
  const auto stats = batcher.stats();
  EXPECT_EQ(stats.requests, static_cast<std::size_t>(kCallers * kPerCaller));  // none lost
  EXPECT_LE(stats.largest_batch, 8u);
  EXPECT_EQ(oversized.load(), 0u);
}

// The worker is held inside a batch while more requests queue up; once released it must serve
// them in batches of at most max_batch, and gather them (fewer batches than requests).
TEST(MicroBatcher, QueuedRequestsLeaveInFullBatches) {
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<bool> first{true};
  std::vector<std::size_t> sizes;
  std::mutex sizes_mutex;
  MicroBatcher<Tagged, Tagged> batcher({.max_batch = 4, .max_wait = 1h},
                                       [&](std::vector<Tagged>& requests) {
                                         if (first.exchange(false)) released.wait();
                                         std::lock_guard lock(sizes_mutex);
                                         sizes.push_back(requests.size());
                                         return square_all(requests);
                                       });
  std::vector<std::future<Tagged>> futures;
  // The first batch of 4 (one caller's) leaves at once and blocks in the batch function.
  futures = batcher.submit_all({{0, 0}, {0, 1}, {0, 2}, {0, 3}});
  while (batcher.stats().batches == 0) std::this_thread::yield();
  for (int i = 4; i < 12; ++i) futures.push_back(batcher.submit({0, i}));
  release.set_value();
  for (int i = 0; i < 12; ++i) {
    ASSERT_EQ(futures[i].wait_for(kHang), std::future_status::ready) << i;
    EXPECT_EQ(futures[i].get().value, i * i);
  }
  std::lock_guard lock(sizes_mutex);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 4, 4}));
}

// With max_wait of an hour and max_batch 4, three requests of a caller that is still
// submitting cannot leave (no timer has expired, the batch is not full, a caller is not yet in
// it): their futures stay pending, whatever the machine's speed. The fourth fills the batch and
// all four are answered.
TEST(MicroBatcher, WaitsWhileACallerIsSubmitting) {
  using Batcher = MicroBatcher<Tagged, Tagged>;
  Batcher batcher({.max_batch = 4, .max_wait = 1h}, square_all);
  Batcher::Caller caller(batcher);
  std::vector<std::future<Tagged>> futures;
  futures.reserve(3);
  for (int i = 0; i < 3; ++i) futures.push_back(caller.submit({0, i}));
  EXPECT_EQ(futures[0].wait_for(50ms), std::future_status::timeout);
  futures.push_back(caller.submit({0, 3}));
  for (auto& f : futures) ASSERT_EQ(f.wait_for(kHang), std::future_status::ready);
  EXPECT_EQ(batcher.stats().batches, 1u);
}

// The flush on completeness: one caller, an hour's timer and room for 64. A timer-only batcher
// would hold the request for the hour (the 60 s guard fails); this one answers at once.
TEST(MicroBatcher, ALoneCallerDoesNotWaitForTimer) {
  MicroBatcher<Tagged, Tagged> batcher({.max_batch = 64, .max_wait = 1h}, square_all);
  auto future = batcher.submit({3, 4});
  ASSERT_EQ(future.wait_for(kHang), std::future_status::ready);
  EXPECT_EQ(future.get().value, 16);
}

// A caller's several requests leave in one batch once the last is in, not before.
TEST(MicroBatcher, ACallerLeavesWhenItFinishes) {
  using Batcher = MicroBatcher<Tagged, Tagged>;
  Batcher batcher({.max_batch = 64, .max_wait = 1h}, square_all);
  std::vector<std::future<Tagged>> futures;
  {
    Batcher::Caller caller(batcher);
    for (int i = 0; i < 5; ++i) futures.push_back(caller.submit({1, i}));
    EXPECT_EQ(futures[4].wait_for(50ms), std::future_status::timeout);
    caller.finish();
    EXPECT_THROW(caller.submit({1, 9}), std::logic_error);
  }
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(futures[i].wait_for(kHang), std::future_status::ready) << i;
    EXPECT_EQ(futures[i].get().value, i * i);
  }
  const auto stats = batcher.stats();
  EXPECT_EQ(stats.batches, 1u);
  EXPECT_EQ(stats.largest_batch, 5u);
}

// submit_all queues a caller's requests at once: one batch, each its own answer.
TEST(MicroBatcher, SubmitAllIsOneCaller) {
  MicroBatcher<Tagged, Tagged> batcher({.max_batch = 64, .max_wait = 1h}, square_all);
  auto futures = batcher.submit_all({{0, 1}, {0, 2}, {0, 3}});
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(futures[i].wait_for(kHang), std::future_status::ready);
    EXPECT_EQ(futures[i].get().value, (i + 1) * (i + 1));
  }
  EXPECT_EQ(batcher.stats().batches, 1u);
}

// Callers that queue while a batch runs are all in the next batch (the worker takes every
// waiting caller at once, it does not wait for a timer that never expires here).
TEST(MicroBatcher, QueuedCallersLeaveTogether) {
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<bool> first{true};
  std::vector<std::size_t> sizes;
  std::mutex sizes_mutex;
  MicroBatcher<Tagged, Tagged> batcher({.max_batch = 64, .max_wait = 1h},
                                       [&](std::vector<Tagged>& requests) {
                                         if (first.exchange(false)) released.wait();
                                         std::lock_guard lock(sizes_mutex);
                                         sizes.push_back(requests.size());
                                         return square_all(requests);
                                       });
  std::vector<std::future<Tagged>> futures;
  futures.push_back(batcher.submit({0, 0}));
  while (batcher.stats().batches == 0) std::this_thread::yield();
  for (int i = 1; i < 6; ++i) futures.push_back(batcher.submit({i, i}));
  release.set_value();
  for (auto& f : futures) ASSERT_EQ(f.wait_for(kHang), std::future_status::ready);
  std::lock_guard lock(sizes_mutex);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 5}));
}

// A caller that never finishes holds its batch only until the timer.
TEST(MicroBatcher, AnOpenCallerIsBoundedByMaxWait) {
  using Batcher = MicroBatcher<Tagged, Tagged>;
  Batcher batcher({.max_batch = 64, .max_wait = 1ms}, square_all);
  Batcher::Caller caller(batcher);
  auto future = caller.submit({7, 5});
  ASSERT_EQ(future.wait_for(kHang), std::future_status::ready);
  EXPECT_EQ(future.get().value, 25);
}

// A lone request with a large max_batch leaves alone.
TEST(MicroBatcher, ALoneRequestLeavesAlone) {
  MicroBatcher<Tagged, Tagged> batcher({.max_batch = 64, .max_wait = 1ms}, square_all);
  auto future = batcher.submit({7, 5});
  ASSERT_EQ(future.wait_for(kHang), std::future_status::ready);
  EXPECT_EQ(future.get().value, 25);
  EXPECT_EQ(batcher.stats().largest_batch, 1u);
}

TEST(MicroBatcher, AFailureReachesOnlyItsBatch) {
  MicroBatcher<Tagged, Tagged> batcher({.max_batch = 2, .max_wait = 1h},
                                       [](std::vector<Tagged>& requests) {
                                         if (requests[0].value < 0)
                                           throw std::runtime_error("bad window");
                                         return square_all(requests);
                                       });
  auto ab = batcher.submit_all({{0, -1}, {1, 2}});  // one batch
  auto& a = ab[0];
  auto& b = ab[1];
  EXPECT_THROW(a.get(), std::runtime_error);
  EXPECT_THROW(b.get(), std::runtime_error);
  auto c = batcher.submit({0, 3});
  auto d = batcher.submit({1, 4});
  EXPECT_EQ(c.get().value, 9);
  EXPECT_EQ(d.get().value, 16);
}

TEST(MicroBatcher, AWrongResponseCountIsAnError) {
  MicroBatcher<Tagged, Tagged> batcher({.max_batch = 2, .max_wait = 1h},
                                       [](std::vector<Tagged>&) { return std::vector<Tagged>{}; });
  auto a = batcher.submit({0, 1});
  auto b = batcher.submit({1, 2});
  EXPECT_THROW(a.get(), std::logic_error);
  EXPECT_THROW(b.get(), std::logic_error);
}

TEST(MicroBatcher, DestructionServesPendingRequests) {
  std::future<Tagged> future;
  {
    MicroBatcher<Tagged, Tagged> batcher({.max_batch = 64, .max_wait = 1h}, square_all);
    future = batcher.submit({0, 6});
  }
  ASSERT_EQ(future.wait_for(0s), std::future_status::ready);
  EXPECT_EQ(future.get().value, 36);
}

TEST(MicroBatcher, RejectsBadOptions) {
  using B = MicroBatcher<Tagged, Tagged>;
  EXPECT_THROW(B({.max_batch = 0, .max_wait = 1ms}, square_all), base::InvalidArgument);
  EXPECT_THROW(B({.max_batch = 1, .max_wait = -1ms}, square_all), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::ml
