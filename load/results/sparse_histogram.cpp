#include "load/results/sparse_histogram.hpp"

#include <algorithm>

#include "engine/base/errors.hpp"

namespace neuro::load {

SparseHistogram SparseHistogram::from(const base::LatencyHistogram& h) {
  SparseHistogram s;
  s.highest_ns = h.highest_ns();
  s.significant_digits = h.significant_digits();
  s.count = h.count();
  s.min_ns = h.min_ns();
  s.max_ns = h.max_ns();
  s.sum_ns = h.mean_ns() * static_cast<double>(h.count());
  if (h.count() == 0) return s;
  // Only the span between min and max can hold counts.
  const std::size_t first = h.index_of(h.min_ns());
  const std::size_t last = h.index_of(h.max_ns());
  for (std::size_t i = first; i <= last; ++i) {
    if (const auto c = h.count_at(i)) s.buckets.emplace_back(static_cast<std::uint32_t>(i), c);
  }
  return s;
}

void SparseHistogram::merge(const SparseHistogram& other) {
  if (other.count == 0) return;
  if (count == 0) {  // an empty histogram takes the other's layout
    *this = other;
    return;
  }
  if (other.highest_ns != highest_ns || other.significant_digits != significant_digits) {
    throw base::InvalidArgument(
        "cannot merge histograms of different layouts (" + std::to_string(highest_ns) + " ns/" +
        std::to_string(significant_digits) + " digits vs " + std::to_string(other.highest_ns) +
        " ns/" + std::to_string(other.significant_digits) + " digits)");
  }
  min_ns = std::min(min_ns, other.min_ns);
  max_ns = std::max(max_ns, other.max_ns);
  count += other.count;
  sum_ns += other.sum_ns;
  // Exactly the union's size: reserving both inputs' sizes would keep about twice the memory in
  // every merged histogram (neighbouring seconds share most buckets), and a long run's series
  // holds a million buckets of them.
  std::size_t shared = 0;
  for (std::size_t i = 0, j = 0; i < buckets.size() && j < other.buckets.size();) {
    if (buckets[i].first < other.buckets[j].first) {
      ++i;
    } else if (other.buckets[j].first < buckets[i].first) {
      ++j;
    } else {
      ++shared, ++i, ++j;
    }
  }
  std::vector<std::pair<std::uint32_t, std::int64_t>> merged;
  merged.reserve(buckets.size() + other.buckets.size() - shared);
  std::size_t a = 0, b = 0;
  while (a < buckets.size() || b < other.buckets.size()) {
    if (b == other.buckets.size() ||
        (a < buckets.size() && buckets[a].first < other.buckets[b].first)) {
      merged.push_back(buckets[a++]);
    } else if (a == buckets.size() || other.buckets[b].first < buckets[a].first) {
      merged.push_back(other.buckets[b++]);
    } else {
      merged.emplace_back(buckets[a].first, buckets[a].second + other.buckets[b].second);
      ++a;
      ++b;
    }
  }
  buckets = std::move(merged);
}

base::LatencyHistogram SparseHistogram::to_histogram() const {
  base::LatencyHistogram h(highest_ns, significant_digits);
  add_to(*this, h);
  return h;
}

nlohmann::json SparseHistogram::to_json() const {
  nlohmann::json b = nlohmann::json::array();
  for (const auto& [index, c] : buckets) b.push_back({index, c});
  return {{"unit", "ns"},
          {"significant_digits", significant_digits},
          {"highest_ns", highest_ns},
          {"count", count},
          {"min_ns", min_ns},
          {"max_ns", max_ns},
          {"sum_ns", sum_ns},
          {"buckets", std::move(b)}};
}

void add_to(const SparseHistogram& data, base::LatencyHistogram& hist) {
  // Nothing to add, whatever its layout (a second in which every request failed).
  if (data.count == 0) return;
  if (data.highest_ns != hist.highest_ns() ||
      data.significant_digits != hist.significant_digits()) {
    throw base::InvalidArgument("histogram layouts differ (" + std::to_string(data.highest_ns) +
                                " ns/" + std::to_string(data.significant_digits) + " digits vs " +
                                std::to_string(hist.highest_ns()) + " ns/" +
                                std::to_string(hist.significant_digits()) + " digits)");
  }
  for (std::size_t k = 0; k < data.buckets.size(); ++k) {
    auto [index, n] = data.buckets[k];
    if (k + 1 == data.buckets.size()) {
      hist.record(data.max_ns);
      --n;
    }
    // The first bucket's other observations go to min_ns, the rest to each bucket's lower bound:
    // every value stays in its bucket, and none lies below min_ns or above max_ns.
    if (n > 0) hist.record(k == 0 ? data.min_ns : hist.lower_ns(index), n);
  }
}

}  // namespace neuro::load
