// The user model of one load thread, whichever transport carries its requests: closed-model
// users (start times from the ramp-up, iterations, think time, the back-off after a failure)
// and open-model arrivals (the rate curve's sends handed to free slots, late and dropped sends),
// the timers, the counting (OutcomeTally), and the drain at the end of a run. A transport
// (transport.hpp) moves the bytes and reports each request's end through answered() / failed().
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "load/engine/arrival_queue.hpp"
#include "load/engine/load_thread.hpp"
#include "load/engine/outcome_tally.hpp"
#include "load/engine/policy.hpp"
#include "load/engine/transport.hpp"
#include "load/http/json_answer.hpp"

namespace neuro::load {

class UserDriver final : public LoadThread {
 public:
  UserDriver(LoadThreadConfig config, std::unique_ptr<Transport> transport);
  UserDriver(const UserDriver&) = delete;
  UserDriver& operator=(const UserDriver&) = delete;

  void run(const std::atomic<bool>& stop) override;

  std::int64_t live_requests() const override { return tally_.live_requests(); }
  std::int64_t live_errors() const override { return tally_.live_errors(); }
  std::int64_t live_users() const override { return tally_.live_users(); }
  Series take_series() override { return tally_.take_series(); }

  const std::vector<StepStats>& steps() const override { return tally_.steps(); }
  std::int64_t late_sends() const override { return late_sends_; }
  std::int64_t dropped_sends() const override { return arrivals_.dropped(); }
  std::int64_t open_connections_peak() const override {
    return transport_->open_connections_peak();
  }
  std::map<std::string, std::int64_t> responses_by_http_version() const override {
    return transport_->responses_by_http_version(tally_.answered_total());
  }

  // For the transport.
  const LoadThreadConfig& config() const { return config_; }
  std::int64_t now_ns() const;
  std::int64_t sent_ns(std::uint32_t slot) const { return slots_[slot].sent_ns; }
  // The request of `slot` was answered with `status` (`body` holds it when its step reads it).
  void answered(std::uint32_t slot, int status, const AnswerBody& body, std::int64_t now);
  // The answer of `slot` (reported next) waited `lag_ns` in the socket before the loop read it.
  void read_lag(std::uint32_t slot, std::int64_t lag_ns) {
    tally_.read_lag(slots_[slot].step, lag_ns);
  }
  // The request of `slot` got no answer.
  void failed(std::uint32_t slot, ErrorKind kind, std::int64_t now);
  // A ws: step's message counts and latencies (the WebSocket transport's).
  WsStats& ws_stats(std::size_t step) { return tally_.ws(step); }
  // WebSocket messages since the last call, for the per-second series.
  void ws_latency(std::int64_t now, std::int64_t latency_ns) { tally_.ws_latency(now, latency_ns); }
  void ws_messages(std::int64_t now, std::int64_t in, std::int64_t out) {
    tally_.ws_messages(now, in, out);
  }

 private:
  enum class Phase { kIdle, kInFlight, kWaiting, kFinished };
  struct Slot {
    Phase phase = Phase::kIdle;
    std::size_t step = 0;
    std::int64_t intended_ns = 0;
    std::int64_t sent_ns = 0;
    Variables variables;
    std::int64_t iterations_done = 0;
    std::int64_t iterations_begun = 0;  // ${iteration}
    bool started = false;
    bool polling = false;  // the step is polling: the next send repeats it
    std::int64_t poll_start_ns = 0;
    int group = -1;  // the group the user is in (Scenario::groups), -1 none
    std::int64_t group_start_ns = 0;
  };

  std::uint32_t index_of(const Slot& s) const {
    return static_cast<std::uint32_t>(&s - slots_.data());
  }
  void start_request(Slot& s, std::int64_t intended_ns, std::int64_t now);
  void after_request(Slot& s, bool ok, std::int64_t now);
  void end_iteration(Slot& s, bool ok, std::int64_t now);
  void finish_user(Slot& s);
  void take_arrival(Slot& s, std::int64_t now);
  void schedule(Slot& s, std::int64_t at_ns);
  void release_arrivals(std::int64_t now);
  bool busy() const;
  void publish();
  // ${user}, ${iteration}, ${uuid} at an iteration's first send, ${now} at every send.
  void set_builtin_variables(Slot& s, bool iteration_start);
  // Entering the slot's step (not a repeated poll): a group starting there starts its clock, a
  // choose starting there draws its branch (the slot's step becomes the branch's first).
  void enter_step(Slot& s, std::int64_t now);
  // The step succeeded and the flow goes to `next`: a group left on the way records its time.
  void leave_step(Slot& s, std::size_t next, std::int64_t now);
  // What the answer of the slot's step decides beyond its status: captures, checks, the poll.
  // Returns the error kind of the answer, if any; sets *repeat when the step polls again.
  std::optional<ErrorKind> read_answer(Slot& s, int status, const AnswerBody& body,
                                       std::int64_t now, bool* repeat);

  LoadThreadConfig config_;
  std::unique_ptr<Transport> transport_;
  std::vector<Slot> slots_;
  ArrivalQueue arrivals_;                                       // open model
  std::vector<std::pair<std::int64_t, std::uint32_t>> timers_;  // min-heap (wake ns, slot)
  std::int64_t end_ns_ = 0;
  std::int64_t timeout_ns_ = 0;
  bool draining_ = false;
  OutcomeTally tally_;
  std::int64_t users_running_ = 0, finished_users_ = 0, late_sends_ = 0;
  std::mt19937_64 random_{std::random_device{}()};  // ${uuid}, choose (seeded by `seed:`)
};

}  // namespace neuro::load
