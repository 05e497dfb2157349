// The worker pool for long work (upload ingest + DSP pipeline, analyses): jobs wait in a FIFO,
// a fixed number of threads run them, and counts by state feed /metrics. A job's durable state
// lives in the api_jobs table (engine/server/jobs.hpp); this is only who runs it when.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace neuro::server {

struct JobCounts {
  std::int64_t queued = 0;
  std::int64_t running = 0;
  std::int64_t completed = 0;    // since start
  std::int64_t failed = 0;       // since start
  std::int64_t interrupted = 0;  // stopped by shutdown, resumed at the next start
};

class JobQueue;
enum class JobQueueOutcome { kCompleted, kFailed, kInterrupted };

class JobQueue {
 public:
  // Returns true when the job completed, false when it failed; throws nothing. `stopping`
  // turns true at shutdown: long work checks it and returns early (then it is "interrupted"
  // and should leave its durable state resumable).
  using Outcome = JobQueueOutcome;
  using Work = std::function<Outcome(const std::atomic<bool>& stopping)>;

  explicit JobQueue(int workers);
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  void submit(Work work);
  // Asks running jobs to stop, drops the queued ones (their rows stay queued, so they are
  // resumed at the next start) and joins the workers.
  void stop();
  JobCounts counts() const;

 private:
  void serve();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Work> queue_;
  JobCounts counts_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
};

}  // namespace neuro::server
