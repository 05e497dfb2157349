// Gathers concurrent single requests into batches: a batch leaves when it holds max_batch
// requests or when its oldest request has waited max_wait, whichever comes first; one worker
// thread runs the batch function and hands every caller its own response through a future.
// This is what turns 10 concurrent users into batch throughput. Torch-free on purpose.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/common/errors.hpp"

namespace neuro::ml {

struct MicroBatcherOptions {
  std::size_t max_batch = 64;
  std::chrono::microseconds max_wait{2000};  // from the oldest request's arrival
};

struct MicroBatcherStats {
  std::size_t batches = 0;
  std::size_t requests = 0;
  std::size_t largest_batch = 0;
};

template <typename Request, typename Response>
class MicroBatcher {
 public:
  // Must return exactly one response per request, in order. An exception (or a wrong count)
  // reaches every caller of that batch through its future; the batcher keeps serving.
  using BatchFunction = std::function<std::vector<Response>(std::vector<Request>&)>;

  // Throws common::InvalidArgument when max_batch is 0 or max_wait is negative.
  MicroBatcher(MicroBatcherOptions options, BatchFunction run) : options_(options), run_(run) {
    if (options_.max_batch == 0) {
      throw common::InvalidArgument("micro-batcher: max_batch must be at least 1");
    }
    if (options_.max_wait.count() < 0) {
      throw common::InvalidArgument("micro-batcher: max_wait must not be negative");
    }
    worker_ = std::thread([this] { serve(); });
  }

  // Serves every request already submitted, then stops.
  ~MicroBatcher() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    worker_.join();
  }

  MicroBatcher(const MicroBatcher&) = delete;
  MicroBatcher& operator=(const MicroBatcher&) = delete;

  std::future<Response> submit(Request request) {
    Pending pending{std::move(request), {}, Clock::now()};
    auto future = pending.promise.get_future();
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(pending));
    }
    wake_.notify_one();
    return future;
  }

  MicroBatcherStats stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
  }

  const MicroBatcherOptions& options() const noexcept { return options_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    Request request;
    std::promise<Response> promise;
    Clock::time_point arrived;
  };

  void serve() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      const auto deadline = queue_.front().arrived + options_.max_wait;
      wake_.wait_until(lock, deadline,
                       [this] { return stopping_ || queue_.size() >= options_.max_batch; });
      const std::size_t n = std::min(queue_.size(), options_.max_batch);
      std::vector<Pending> batch;
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      ++stats_.batches;
      stats_.requests += n;
      stats_.largest_batch = std::max(stats_.largest_batch, n);
      lock.unlock();
      dispatch(batch);
      lock.lock();
    }
  }

  void dispatch(std::vector<Pending>& batch) {
    std::vector<Request> requests;
    requests.reserve(batch.size());
    for (auto& p : batch) requests.push_back(std::move(p.request));
    try {
      auto responses = run_(requests);
      if (responses.size() != batch.size()) {
        throw std::logic_error("micro-batcher: batch function returned " +
                               std::to_string(responses.size()) + " responses for " +
                               std::to_string(batch.size()) + " requests");
      }
      for (std::size_t i = 0; i < batch.size(); ++i)
        batch[i].promise.set_value(std::move(responses[i]));
    } catch (...) {
      const auto error = std::current_exception();
      for (auto& p : batch) p.promise.set_exception(error);
    }
  }

  const MicroBatcherOptions options_;
  const BatchFunction run_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  MicroBatcherStats stats_;
  bool stopping_ = false;
  std::thread worker_;  // last: starts after every other member exists
};

}  // namespace neuro::ml
