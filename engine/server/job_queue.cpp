#include "engine/server/job_queue.hpp"

namespace neuro::server {

JobQueue::JobQueue(int workers) {
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { serve(); });
}

JobQueue::~JobQueue() { stop(); }

void JobQueue::submit(Work work) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_.load()) return;
    queue_.push_back(std::move(work));
    ++counts_.queued;
  }
  wake_.notify_one();
}

void JobQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_.store(true);
    counts_.interrupted += static_cast<std::int64_t>(queue_.size());
    counts_.queued = 0;
    queue_.clear();
  }
  wake_.notify_all();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
}

JobCounts JobQueue::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void JobQueue::serve() {
  for (;;) {
    Work work;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_.load() || !queue_.empty(); });
      if (stopping_.load()) return;
      work = std::move(queue_.front());
      queue_.pop_front();
      --counts_.queued;
      ++counts_.running;
    }
    Outcome outcome = Outcome::kFailed;
    try {
      outcome = work(stopping_);
    } catch (...) {
      outcome = Outcome::kFailed;
    }
    std::lock_guard lock(mutex_);
    --counts_.running;
    if (outcome == Outcome::kCompleted) ++counts_.completed;
    if (outcome == Outcome::kFailed) ++counts_.failed;
    if (outcome == Outcome::kInterrupted) ++counts_.interrupted;
  }
}

}  // namespace neuro::server
