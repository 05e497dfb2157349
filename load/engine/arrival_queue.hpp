// The open model's arrivals for one load thread, shared by both engines: the next scheduled send
// of this lane, the slots (connections or libcurl handles) idle and waiting for one, and the
// arrivals waiting for a slot. An arrival that finds neither a slot nor room in the queue is
// dropped and counted, as are the ones still queued when the run ends.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "load/engine/policy.hpp"
#include "load/scenario/schedule.hpp"

namespace neuro::load {

class ArrivalQueue {
 public:
  // Every slot starts idle; slot 0 is handed out first.
  void start(const RateCurve& curve, const Lane& lane, std::size_t slots) {
    curve_ = &curve;
    lane_ = lane;
    for (std::size_t i = slots; i-- > 0;) idle_.push_back(static_cast<std::uint32_t>(i));
    k_ = lane_.first();
    next_ns_ = time_ns(k_);
  }

  std::int64_t next_ns() const { return next_ns_; }
  bool has_pending() const { return !pending_.empty(); }
  std::int64_t dropped() const { return dropped_; }

  // Hands every arrival due by `now` to an idle slot, `start(slot, intended_ns)`, or queues it.
  template <typename Start>
  void release(std::int64_t now, Start&& start) {
    while (next_ns_ <= now) {
      if (!idle_.empty()) {
        const std::uint32_t slot = idle_.back();
        idle_.pop_back();
        start(slot, next_ns_);
      } else if (pending_.size() < kMaxPendingArrivals) {
        pending_.push_back(next_ns_);
      } else {
        ++dropped_;
      }
      k_ += lane_.stride();
      next_ns_ = time_ns(k_);
    }
  }

  // A slot that finished its request: the oldest queued arrival's intended time, or none and the
  // slot waits for the next arrival.
  std::optional<std::int64_t> take(std::uint32_t slot) {
    if (pending_.empty()) {
      idle_.push_back(slot);
      return std::nullopt;
    }
    const std::int64_t intended = pending_.front();
    pending_.pop_front();
    return intended;
  }

  // The end of the run: arrivals that never found a slot were not sent.
  void drop_pending() {
    dropped_ += static_cast<std::int64_t>(pending_.size());
    pending_.clear();
  }

 private:
  std::int64_t time_ns(std::int64_t k) const {
    const auto t = curve_->time_of(k);
    return t ? static_cast<std::int64_t>(*t * 1e9) : INT64_MAX;
  }

  const RateCurve* curve_ = nullptr;
  Lane lane_;
  std::vector<std::uint32_t> idle_;
  std::deque<std::int64_t> pending_;
  std::int64_t k_ = 0;
  std::int64_t next_ns_ = INT64_MAX;
  std::int64_t dropped_ = 0;
};

}  // namespace neuro::load
