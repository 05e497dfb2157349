#include "load/engine/outcome_tally.hpp"

namespace neuro::load {

void OutcomeTally::flush_second() {
  if (second_point_.requests == 0 && second_point_.ws_in == 0 && second_point_.ws_out == 0 &&
      second_point_.iterations == 0 && second_ws_hist_.count() == 0) {
    return;
  }
  second_point_.latency = SparseHistogram::from(second_hist_);
  if (second_ws_hist_.count() > 0)
    second_point_.ws_latency = SparseHistogram::from(second_ws_hist_);
  {
    std::lock_guard lock(series_mutex_);
    flushed_[second_].merge(second_point_);
  }
  second_point_ = IntervalStats{};
  second_hist_.reset();
  second_ws_hist_.reset();
}

Series OutcomeTally::take_series() {
  std::lock_guard lock(series_mutex_);
  Series out;
  out.swap(flushed_);
  return out;
}

std::int64_t OutcomeTally::answered_total() const {
  std::int64_t n = 0;
  for (const auto& s : steps_) n += s.latency.count();
  return n;
}

}  // namespace neuro::load
