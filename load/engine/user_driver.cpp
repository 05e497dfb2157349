#include "load/engine/user_driver.hpp"

#include <algorithm>
#include <cstdio>

#include "load/http/http_request.hpp"
#include "load/http/json_answer.hpp"

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
  // Each thread its own sequence, the same run after run.
  if (config_.scenario->seed != 0) {
    random_.seed(config_.scenario->seed + 0x9E3779B97F4A7C15ULL * (config_.lane.first() + 1));
  }
}

void UserDriver::enter_step(Slot& s, std::int64_t now) {
  const Scenario& sc = *config_.scenario;
  const Step& step = sc.steps[s.step];
  if (step.group_start >= 0) {
    s.group = step.group_start;
    s.group_start_ns = now;
  }
  if (step.choice < 0) return;
  const Choice& choice = sc.choices[static_cast<std::size_t>(step.choice)];
  double draw = std::uniform_real_distribution<double>(0, choice.total_weight)(random_);
  for (const auto& branch : choice.branches) {
    s.step = branch.first;
    draw -= branch.weight;
    if (draw < 0) break;
  }
}

void UserDriver::leave_step(Slot& s, std::size_t next, std::int64_t now) {
  if (s.group < 0) return;
  const Group& g = config_.scenario->groups[static_cast<std::size_t>(s.group)];
  if (next >= g.first && next < g.end) return;
  tally_.grouped(g.first, now - s.group_start_ns);
  s.group = -1;
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
  // Decided before the poll below marks the step as polling: a first step that polls still
  // begins an iteration (its ${user}, ${iteration}, ${uuid}).
  const bool iteration_start = s.step == 0 && !s.polling;
  if (config_.open_model && iteration_start && now - intended_ns > kLateSendNs) ++late_sends_;
  if (iteration_start) tally_.iteration_begun(now);
  if (!s.polling) enter_step(s, now);
  if (config_.scenario->steps[s.step].flow.poll && !s.polling) {
    s.polling = true;
    s.poll_start_ns = now;
  }
  if (config_.scenario->uses_builtin_variables) set_builtin_variables(s, iteration_start);
  s.intended_ns = intended_ns;
  s.sent_ns = now;
  s.phase = Phase::kInFlight;
  transport_->start(index_of(s), s.step, s.variables, now);
}

void UserDriver::set_builtin_variables(Slot& s, bool iteration_start) {
  if (iteration_start) {
    const auto index = static_cast<std::int64_t>(index_of(s));
    s.variables["user"] = std::to_string(config_.lane.first() + index * config_.lane.stride());
    s.variables["iteration"] = std::to_string(s.iterations_begun++);
    const std::uint64_t hi = random_(), lo = random_();
    char uuid[37];
    std::snprintf(uuid, sizeof uuid, "%08x-%04x-4%03x-%04x-%012llx",
                  static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xffff),
                  static_cast<unsigned>(hi & 0xfff),
                  static_cast<unsigned>(0x8000 | ((lo >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(lo & 0xffffffffffffULL));
    s.variables["uuid"] = uuid;
  }
  const auto epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  char now[32];
  std::snprintf(now, sizeof now, "%lld.%03lld", static_cast<long long>(epoch_ms / 1000),
                static_cast<long long>(epoch_ms % 1000));
  s.variables["now"] = now;
}

std::optional<ErrorKind> UserDriver::read_answer(Slot& s, int status, const AnswerBody& body,
                                                 std::int64_t now, bool* repeat) {
  const Step& step = config_.scenario->steps[s.step];
  const StepFlow& flow = step.flow;
  std::optional<ErrorKind> kind = status_error(status);
  if (!flow.expect_status.empty() &&
      std::find(flow.expect_status.begin(), flow.expect_status.end(), status) ==
          flow.expect_status.end() &&
      !kind) {
    kind = ErrorKind::kStatusUnexpected;
  }
  if (!step.needs_body()) return kind;
  const JsonAnswer answer(body);  // in place when the transport left the padding
  if (flow.poll) {
    const bool held = !kind && answer.holds(flow.poll->until);
    const std::int64_t elapsed = now - s.poll_start_ns;
    const auto every_ns = static_cast<std::int64_t>(flow.poll->every_s * 1e9);
    const auto max_ns = static_cast<std::int64_t>(flow.poll->max_s * 1e9);
    // A status error ends the loop at once: polling a failing route would only add load.
    if (!held && !kind && elapsed + every_ns <= max_ns) {
      *repeat = true;
      return kind;
    }
    s.polling = false;
    tally_.polled(s.step, elapsed);
    if (!held && !kind) kind = ErrorKind::kPollTimeout;
  }
  for (const auto& capture : step.captures) {
    s.variables[capture.name] = answer.value_at(capture.json_path).value_or(std::string());
  }
  if (!flow.checks.empty()) {
    std::int64_t failures = 0;
    for (const auto& check : flow.checks) failures += answer.holds(check) ? 0 : 1;
    tally_.checked(s.step, static_cast<std::int64_t>(flow.checks.size()), failures);
  }
  return kind;
}

void UserDriver::answered(std::uint32_t slot, int status, const AnswerBody& body,
                          std::int64_t now) {
  Slot& s = slots_[slot];
  s.phase = Phase::kIdle;
  bool repeat = false;
  const auto kind = read_answer(s, status, body, now, &repeat);
  tally_.answered(s.step, kind, s.intended_ns, s.sent_ns, now);
  if (repeat) {
    if (draining_ && !config_.open_model) return finish_user(s);
    const auto every_ns =
        static_cast<std::int64_t>(config_.scenario->steps[s.step].flow.poll->every_s * 1e9);
    return schedule(s, now + every_ns);
  }
  // An answer the step did not expect (its status, or a poll that ran out) ends the iteration,
  // as a failed request does: the next steps would read what it did not give. Without
  // `expect:` a 4xx/5xx is counted and the flow goes on.
  const bool judged = !config_.scenario->steps[s.step].flow.expect_status.empty() ||
                      config_.scenario->steps[s.step].flow.poll.has_value();
  after_request(s, !(kind && judged), now);
}

void UserDriver::failed(std::uint32_t slot, ErrorKind kind, std::int64_t now) {
  Slot& s = slots_[slot];
  s.phase = Phase::kIdle;
  if (s.polling) {
    s.polling = false;
    tally_.polled(s.step, now - s.poll_start_ns);
  }
  tally_.failed(s.step, kind, now);
  after_request(s, false, now);
}

void UserDriver::finish_user(Slot& s) {
  s.phase = Phase::kFinished;
  transport_->close(index_of(s));
}

void UserDriver::after_request(Slot& s, bool ok, std::int64_t now) {
  if (!ok) s.group = -1;  // an unfinished group has no total time
  if (draining_ && !config_.open_model) return finish_user(s);
  if (!ok) return end_iteration(s, false, now);
  const std::size_t next = config_.scenario->steps[s.step].next_of(s.step);
  leave_step(s, next, now);
  s.step = next;
  if (s.step == config_.scenario->steps.size()) return end_iteration(s, true, now);
  if (config_.think_time_s > 0 && !config_.scenario->think_per_iteration) {
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
      if (config_.open_model && s.step == 0 && !s.polling) {
        take_arrival(s, now);
      } else {
        start_request(s, config_.open_model ? at : now, now);
      }
    }
    transport_->on_turn(now);
    tally_.tick(now);
    publish();
    std::int64_t wake = std::min(arrivals_.next_ns(), transport_->wake_by_ns(now));
    // At least once a second: the finished second is handed over, and `stop` is seen.
    wake = std::min(wake, tally_.second_ends_ns());
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
