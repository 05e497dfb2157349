#include "engine/server/ws/chunk_writer.hpp"

#include <iostream>

#include "engine/store/pool.hpp"
#include "engine/store/writers.hpp"

namespace neuro::server::ws {

namespace {
// Below this many rows one multi-row INSERT (one round trip) beats COPY (two).
constexpr std::size_t kCopyFromRows = 1000;
constexpr auto kRetryPause = std::chrono::milliseconds(200);
// Once stopping, a batch the server keeps refusing is given up after this many tries.
constexpr int kTriesWhenStopping = 3;
}  // namespace

ChunkWriter::ChunkWriter(store::ConnectionPool& pool,
                         std::atomic<std::int64_t>& packets_stored_total)
    : pool_(pool), packets_stored_total_(packets_stored_total), thread_([this] { run(); }) {}

ChunkWriter::~ChunkWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ChunkWriter::submit(ChunkBatch batch) {
  {
    std::lock_guard lock(mutex_);
    waiting_.push_back(std::move(batch));
  }
  changed_.notify_all();
}

void ChunkWriter::run_in_order(std::function<void()> call) {
  ChunkBatch batch;  // no rows: stored at once, then its `done` runs
  batch.done = [call = std::move(call)](bool) { call(); };
  submit(std::move(batch));
}

std::size_t ChunkWriter::pending() const {
  std::lock_guard lock(mutex_);
  return waiting_.size() + in_progress_;
}

bool ChunkWriter::drain(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [&] { return waiting_.empty() && in_progress_ == 0; });
}

void ChunkWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
    if (waiting_.empty()) return;  // stopping and nothing left
    std::vector<ChunkBatch> batches;
    while (!waiting_.empty()) {
      batches.push_back(std::move(waiting_.front()));
      waiting_.pop_front();
    }
    in_progress_ = batches.size();
    lock.unlock();

    std::vector<store::ChunkRow> rows;
    std::int64_t packets = 0;
    for (auto& batch : batches) {
      packets += batch.packets;
      for (auto& row : batch.rows) rows.push_back(std::move(row));
    }
    bool stored = rows.empty();
    for (int attempt = 1; !stored; ++attempt) {
      try {
        auto lease = pool_.acquire();
        if (rows.size() < kCopyFromRows) {
          store::insert_chunks(*lease, rows);
        } else {
          store::copy_chunks(*lease, rows);
        }
        stored = true;
      } catch (const std::exception& e) {
        bool give_up = false;
        {
          std::lock_guard stop_lock(mutex_);
          give_up = stopping_ && attempt >= kTriesWhenStopping;
        }
        std::cerr << "ws: storing " << rows.size() << " device chunks failed (try " << attempt
                  << "): " << e.what() << (give_up ? "; giving up at shutdown" : "; retrying")
                  << "\n";
        if (give_up) break;
        std::this_thread::sleep_for(kRetryPause);
      }
    }
    if (stored) packets_stored_total_.fetch_add(packets, std::memory_order_relaxed);
    for (auto& batch : batches) {
      if (!batch.done) continue;
      try {
        batch.done(stored);
      } catch (const std::exception& e) {
        std::cerr << "ws: after storing device chunks: " << e.what() << "\n";
      }
    }
    lock.lock();
    in_progress_ = 0;
    changed_.notify_all();
  }
}

}  // namespace neuro::server::ws
