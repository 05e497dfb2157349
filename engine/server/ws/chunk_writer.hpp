// Stores device packets in PostgreSQL (eeg_chunks) off the network threads: sessions hand over
// batches, one writer thread merges whatever is waiting into one write (one round trip for
// small batches, COPY for large ones), retries while the server is away, and then tells each
// batch's owner it is durable.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/store/rows.hpp"

namespace neuro::store {
class ConnectionPool;
}

namespace neuro::server::ws {

struct ChunkBatch {
  std::vector<store::ChunkRow> rows;
  std::int64_t packets = 0;
  // Runs on the writer thread once the rows are committed (or given up at shutdown: false).
  std::function<void(bool stored)> done;
};

class ChunkWriter {
 public:
  ChunkWriter(store::ConnectionPool& pool, std::atomic<std::int64_t>& packets_stored_total);
  ~ChunkWriter();  // stores what is waiting (a few tries), then stops
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;

  void submit(ChunkBatch batch);
  // Runs `call` on the writer thread after what was submitted before it: the device sessions'
  // other store calls (opening a session at `register`) stay off the network threads and in
  // order with the chunks.
  void run_in_order(std::function<void()> call);
  // Batches submitted and not yet stored (or given up).
  std::size_t pending() const;
  // Waits until nothing is pending or `deadline` passes; true when drained.
  bool drain(std::chrono::steady_clock::time_point deadline);

 private:
  void run();

  store::ConnectionPool& pool_;
  std::atomic<std::int64_t>& packets_stored_total_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ChunkBatch> waiting_;
  std::size_t in_progress_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace neuro::server::ws
