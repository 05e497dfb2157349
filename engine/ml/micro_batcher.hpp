// Gathers concurrent requests into batches. A batch leaves as soon as every waiting caller is in
// it (no caller is still submitting: a lone request is not held for the timer), when it holds
// max_batch requests, or when its oldest request has waited max_wait, whichever comes first.
// Requests that queue while a batch runs leave together in the next one: that is what turns 10
// concurrent users into batch throughput. One worker thread runs the batch function and hands
// every caller its own response through a future. Torch-free on purpose.
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

#include "engine/base/errors.hpp"

namespace neuro::ml {

struct MicroBatcherOptions {
  std::size_t max_batch = 64;
  // From the oldest request's arrival; only reached while a caller is still submitting (a
  // Caller not yet finished) or when callers keep arriving faster than batches leave.
  std::chrono::microseconds max_wait{2000};
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

  // Throws base::InvalidArgument when max_batch is 0 or max_wait is negative.
  MicroBatcher(MicroBatcherOptions options, BatchFunction run) : options_(options), run_(run) {
    if (options_.max_batch == 0) {
      throw base::InvalidArgument("micro-batcher: max_batch must be at least 1");
    }
    if (options_.max_wait.count() < 0) {
      throw base::InvalidArgument("micro-batcher: max_wait must not be negative");
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

  // One caller with one request: it is complete as soon as it is queued.
  std::future<Response> submit(Request request) {
    std::vector<Request> one;
    one.push_back(std::move(request));
    return std::move(submit_all(std::move(one)).front());
  }

  // One caller with several requests, queued together (none of them leaves before all are in).
  std::vector<std::future<Response>> submit_all(std::vector<Request> requests) {
    std::vector<std::future<Response>> futures;
    futures.reserve(requests.size());
    {
      std::lock_guard lock(mutex_);
      const auto now = Clock::now();
      for (auto& r : requests) {
        queue_.push_back(Pending{std::move(r), {}, now});
        futures.push_back(queue_.back().promise.get_future());
      }
    }
    wake_.notify_one();
    return futures;
  }

  // A caller that submits its requests one at a time: while it is open, the batch waits for it
  // (up to max_wait); finish() (or the destructor) says it has submitted everything.
  class Caller {
   public:
    explicit Caller(MicroBatcher& batcher) : batcher_(&batcher) {
      std::lock_guard lock(batcher_->mutex_);
      ++batcher_->open_callers_;
    }
    ~Caller() { finish(); }
    Caller(const Caller&) = delete;
    Caller& operator=(const Caller&) = delete;

    std::future<Response> submit(Request request) {
      if (batcher_ == nullptr) throw std::logic_error("micro-batcher: caller already finished");
      std::future<Response> future;
      {
        std::lock_guard lock(batcher_->mutex_);
        batcher_->queue_.push_back(Pending{std::move(request), {}, Clock::now()});
        future = batcher_->queue_.back().promise.get_future();
      }
      batcher_->wake_.notify_one();
      return future;
    }

    void finish() {
      if (batcher_ == nullptr) return;
      {
        std::lock_guard lock(batcher_->mutex_);
        --batcher_->open_callers_;
      }
      batcher_->wake_.notify_one();
      batcher_ = nullptr;
    }

   private:
    MicroBatcher* batcher_;
  };

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
      // Every waiting caller is in the queue unless one is still submitting.
      wake_.wait_until(lock, deadline, [this] {
        return stopping_ || open_callers_ == 0 || queue_.size() >= options_.max_batch;
      });
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
  std::size_t open_callers_ = 0;  // Callers that have not finished submitting
  bool stopping_ = false;
  std::thread worker_;  // last: starts after every other member exists
};

}  // namespace neuro::ml
