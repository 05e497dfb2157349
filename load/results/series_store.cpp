#include "load/results/series_store.hpp"

#include <utility>

#include "engine/base/errors.hpp"

namespace neuro::load {

SeriesStore::SeriesStore(std::size_t bucket_budget) : bucket_budget_(bucket_budget) {}

void SeriesStore::add(std::int64_t second, const IntervalStats& point) {
  if (second < 0) {
    throw base::InvalidArgument("series: second " + std::to_string(second) + " before the start");
  }
  IntervalStats& at = points_[second - second % resolution_s_];
  buckets_ -= at.buckets();
  at.merge(point);
  buckets_ += at.buckets();
  // One point alone may exceed the budget; merging cannot shrink it further.
  while (buckets_ > bucket_budget_ && points_.size() > 1) coarsen();
}

void SeriesStore::coarsen_to(std::size_t max_points) {
  while (points_.size() > max_points && points_.size() > 1) coarsen();
}

void SeriesStore::coarsen() {
  resolution_s_ *= 2;
  // Points are visited in time order and each lands on an equal or earlier key, so merging
  // into an entry already visited is safe while erasing the one being visited.
  for (auto it = points_.begin(); it != points_.end();) {
    const std::int64_t key = it->first - it->first % resolution_s_;
    if (key == it->first) {
      ++it;
      continue;
    }
    auto target = points_.find(key);
    if (target == points_.end()) {
      auto node = points_.extract(it++);
      node.key() = key;
      points_.insert(std::move(node));
      continue;
    }
    buckets_ -= target->second.buckets() + it->second.buckets();
    target->second.merge(it->second);
    buckets_ += target->second.buckets();
    it = points_.erase(it);
  }
}

std::map<std::int64_t, IntervalStats> SeriesStore::take_points() {
  std::map<std::int64_t, IntervalStats> out;
  out.swap(points_);
  buckets_ = 0;
  return out;
}

}  // namespace neuro::load
