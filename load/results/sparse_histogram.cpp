#include "load/results/sparse_histogram.hpp"

#include <algorithm>

#include "engine/common/errors.hpp"

namespace neuro::load {

SparseHistogram SparseHistogram::from(const common::LatencyHistogram& h) {
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
    throw common::InvalidArgument(
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

common::LatencyHistogram SparseHistogram::to_histogram() const {
  common::LatencyHistogram h(highest_ns, significant_digits);
  for (const auto& [index, c] : buckets) {
    // Bucket counts are what percentiles read; min and max are recorded as themselves in their
    // own buckets so that they survive the round trip.
    std::int64_t rest = c;
    if (rest > 0 && h.index_of(min_ns) == index) {
      h.record(min_ns);
      --rest;
    }
    if (rest > 0 && h.index_of(max_ns) == index) {
      h.record(max_ns);
      --rest;
    }
    if (rest > 0) h.record(h.lower_ns(index), rest);
  }
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

SparseHistogram SparseHistogram::from_json(const nlohmann::json& j, const std::string& where) {
  auto fail = [&](const std::string& what) { throw common::InvalidArgument(where + ": " + what); };
  if (!j.is_object()) fail("expected a histogram object");
  auto integer = [&](const char* key) -> std::int64_t {
    if (!j.contains(key) || !j[key].is_number_integer()) {
      fail(std::string(key) + ": expected an integer");
    }
    return j[key].get<std::int64_t>();
  };
  SparseHistogram s;
  s.highest_ns = integer("highest_ns");
  s.significant_digits = static_cast<int>(integer("significant_digits"));
  s.count = integer("count");
  s.min_ns = integer("min_ns");
  s.max_ns = integer("max_ns");
  if (!j.contains("sum_ns") || !j["sum_ns"].is_number()) fail("sum_ns: expected a number");
  s.sum_ns = j["sum_ns"].get<double>();
  const common::LatencyHistogram layout(s.highest_ns, s.significant_digits);
  if (!j.contains("buckets") || !j["buckets"].is_array()) fail("buckets: expected an array");
  std::int64_t total = 0;
  for (const auto& b : j["buckets"]) {
    if (!b.is_array() || b.size() != 2 || !b[0].is_number_unsigned() || !b[1].is_number_integer() ||
        b[1].get<std::int64_t>() <= 0) {
      fail("buckets: expected [index, count] pairs with count > 0");
    }
    const auto index = b[0].get<std::uint64_t>();
    if (index >= layout.bucket_count())
      fail("buckets: index " + std::to_string(index) + " beyond the layout");
    if (!s.buckets.empty() && index <= s.buckets.back().first) {
      fail("buckets: indices must ascend");
    }
    s.buckets.emplace_back(static_cast<std::uint32_t>(index), b[1].get<std::int64_t>());
    total += b[1].get<std::int64_t>();
  }
  if (total != s.count) {
    fail("count " + std::to_string(s.count) + " differs from the bucket total " +
         std::to_string(total));
  }
  return s;
}

}  // namespace neuro::load
