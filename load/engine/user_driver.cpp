#include "load/engine/user_driver.hpp"

#include <algorithm>

#include "load/http/http_request.hpp"

namespace neuro::load {
namespace {

// Timer heap order: earliest first.
bool later(const std::pair<std::int64_t, std::uint32_t>& a,
           const std::pair<std::int64_t, std::uint32_t>& b) {
  return a.first > b.first;
}

}  // namespace

UserDriver::UserDriver(LoadThreadConfig config, std::unique_ptr<Transport> transport)
    : config_(std::move(config)),
      transport_(std::move(transport)),
      tally_(config_.scenario->steps.size()) {
  end_ns_ = static_cast<std::int64_t>(config_.duration_s * 1e9);
  timeout_ns_ = static_cast<std::int64_t>(config_.timeout_s * 1e9);
}

std::int64_t UserDriver::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                              config_.start)
      .count();
}

void UserDriver::publish() {
  tally_.publish(config_.open_model ? transport_->open_connections()
                                    : users_running_ - finished_users_);
}

void UserDriver::schedule(Slot& s, std::int64_t at_ns) {
  s.phase = Phase::kWaiting;
  timers_.emplace_back(at_ns, index_of(s));
  std::push_heap(timers_.begin(), timers_.end(), later);
}

void UserDriver::start_request(Slot& s, std::int64_t intended_ns, std::int64_t now) {
  if (!s.started) {
    s.started = true;
    ++users_running_;
  }
  if (config_.open_model && s.step == 0 && now - intended_ns > kLateSendNs) ++late_sends_;
  s.intended_ns = intended_ns;
  s.sent_ns = now;
  s.phase = Phase::kInFlight;
  transport_->start(index_of(s), s.step, s.variables, now);
}

void UserDriver::answered(std::uint32_t slot, int status, const std::string& body,
                          std::int64_t now) {
  Slot& s = slots_[slot];
  s.phase = Phase::kIdle;
  tally_.answered(s.step, status, s.intended_ns, s.sent_ns, now);
  for (const auto& capture : config_.scenario->steps[s.step].captures) {
    s.variables[capture.name] = capture_json(body, capture.json_path);
  }
  after_request(s, true, now);
}

void UserDriver::failed(std::uint32_t slot, ErrorKind kind, std::int64_t now) {
  Slot& s = slots_[slot];
  s.phase = Phase::kIdle;
  tally_.failed(s.step, kind, now);
  after_request(s, false, now);
}

void UserDriver::finish_user(Slot& s) {
  s.phase = Phase::kFinished;
  transport_->close(index_of(s));
}

void UserDriver::after_request(Slot& s, bool ok, std::int64_t now) {
  if (draining_ && !config_.open_model) return finish_user(s);
  if (!ok) return end_iteration(s, false, now);
  ++s.step;
  if (s.step == config_.scenario->steps.size()) return end_iteration(s, true, now);
  if (config_.think_time_s > 0) {
    return schedule(s, now + static_cast<std::int64_t>(config_.think_time_s * 1e9));
  }
  start_request(s, now, now);
}

void UserDriver::end_iteration(Slot& s, bool ok, std::int64_t now) {
  s.step = 0;
  if (!config_.open_model) {
    ++s.iterations_done;
    if (config_.iterations > 0 && s.iterations_done >= config_.iterations) {
      ++finished_users_;
      return finish_user(s);
    }
    auto pause = static_cast<std::int64_t>(config_.think_time_s * 1e9);
    if (!ok) pause = std::max(pause, kFailureBackoffNs);
    if (pause > 0) return schedule(s, now + pause);
    return start_request(s, now, now);
  }
  s.variables = config_.base_variables;
  // After a failure the slot takes its next arrival from the loop, not from here: a dead
  // target would otherwise recurse once per queued arrival.
  if (!ok) return schedule(s, now);
  take_arrival(s, now);
}

void UserDriver::take_arrival(Slot& s, std::int64_t now) {
  if (const auto intended = arrivals_.take(index_of(s))) return start_request(s, *intended, now);
  s.phase = Phase::kIdle;
}

void UserDriver::release_arrivals(std::int64_t now) {
  arrivals_.release(now, [&](std::uint32_t slot, std::int64_t intended) {
    start_request(slots_[slot], intended, now);
  });
}

bool UserDriver::busy() const {
  if (arrivals_.has_pending()) return true;
  for (const auto& s : slots_) {
    if (s.phase == Phase::kInFlight) return true;
  }
  return false;
}

void UserDriver::run(const std::atomic<bool>& stop) {
  slots_.resize(config_.open_model ? static_cast<std::size_t>(std::max(1, config_.connections))
                                   : config_.user_starts_s.size());
  for (auto& s : slots_) s.variables = config_.base_variables;
  transport_->begin(*this, slots_.size());
  if (config_.open_model) {
    arrivals_.start(config_.curve, config_.lane, slots_.size());
  } else {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      schedule(slots_[i], static_cast<std::int64_t>(config_.user_starts_s[i] * 1e9));
    }
  }
  while (!stop.load(std::memory_order_relaxed)) {
    const std::int64_t now = now_ns();
    // At the end no new work starts, and what is in flight (or queued, open model) gets up to
    // one timeout to finish, so that counts do not depend on where the clock cut them.
    // Arrivals due by now first: a thread that wakes after the end (a loaded machine) still owes
    // the ones scheduled before it a send, late, or a drop; deciding the run is over first would
    // lose them from every count.
    if (config_.open_model) release_arrivals(now);
    if (now >= end_ns_ && !draining_) draining_ = true;
    if (draining_ && (!busy() || now >= end_ns_ + timeout_ns_)) break;
    if (!config_.open_model && finished_users_ == static_cast<std::int64_t>(slots_.size())) break;
    while (!draining_ && !timers_.empty() && timers_.front().first <= now) {
      const auto [at, index] = timers_.front();
      std::pop_heap(timers_.begin(), timers_.end(), later);
      timers_.pop_back();
      Slot& s = slots_[index];
      if (s.phase != Phase::kWaiting) continue;
      if (config_.open_model && s.step == 0) {
        take_arrival(s, now);
      } else {
        start_request(s, config_.open_model ? at : now, now);
      }
    }
    transport_->on_turn(now);
    tally_.tick(now);
    publish();
    std::int64_t wake = std::min(arrivals_.next_ns(), transport_->wake_by_ns(now));
    if (!draining_) wake = std::min(wake, end_ns_);
    if (!draining_ && !timers_.empty()) wake = std::min(wake, timers_.front().first);
    transport_->poll(std::max<std::int64_t>(0, wake - now));
  }
  // Arrivals that never found a slot were not sent: dropped, not hidden.
  arrivals_.drop_pending();
  tally_.flush_second();
  transport_->end();
  publish();
}

}  // namespace neuro::load
