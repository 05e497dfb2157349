#include "load/report/histogram_json.hpp"

#include "engine/common/errors.hpp"
#include "load/report/json_fields.hpp"

namespace neuro::load_report {
const common::LatencyHistogram& HistogramParser::layout(std::int64_t highest_ns,
                                                        int significant_digits,
                                                        const std::string& path) {
  const auto key = std::make_pair(highest_ns, significant_digits);
  if (const auto it = layouts_.find(key); it != layouts_.end()) return it->second;
  try {
    return layouts_.emplace(key, common::LatencyHistogram(highest_ns, significant_digits))
        .first->second;
  } catch (const common::InvalidArgument& e) {
    fail(path, e.what());
  }
}

HistogramData HistogramParser::parse(const nlohmann::json& value, const std::string& path) {
  as_object(value, path);
  HistogramData h;
  const std::string unit = as_string(required(value, path, "unit"), path_key(path, "unit"));
  if (unit != "ns") fail(path_key(path, "unit"), "expected \"ns\", got \"" + unit + "\"");
  const std::int64_t digits =
      as_count(required(value, path, "significant_digits"), path_key(path, "significant_digits"));
  if (digits < 1 || digits > 5) {
    fail(path_key(path, "significant_digits"), "expected 1..5, got " + std::to_string(digits));
  }
  h.significant_digits = static_cast<int>(digits);
  h.highest_ns = as_count(required(value, path, "highest_ns"), path_key(path, "highest_ns"));
  const auto& lay = layout(h.highest_ns, h.significant_digits, path);
  const std::size_t buckets_in_layout = lay.bucket_count();
  h.count = as_count(required(value, path, "count"), path_key(path, "count"));
  h.min_ns = as_count(required(value, path, "min_ns"), path_key(path, "min_ns"));
  h.max_ns = as_count(required(value, path, "max_ns"), path_key(path, "max_ns"));
  h.sum_ns = as_number(required(value, path, "sum_ns"), path_key(path, "sum_ns"));

  const std::string bpath = path_key(path, "buckets");
  const auto& buckets = as_array(required(value, path, "buckets"), bpath);
  h.buckets.reserve(buckets.size());
  std::int64_t total = 0;
  for (std::size_t k = 0; k < buckets.size(); ++k) {
    const std::string epath = path_index(bpath, k);
    const auto& pair = as_array(buckets[k], epath);
    if (pair.size() != 2) fail(epath, "expected [bucket_index, count]");
    const std::int64_t index = as_count(pair[0], path_index(epath, 0));
    const std::int64_t n = as_count(pair[1], path_index(epath, 1));
    if (static_cast<std::uint64_t>(index) >= buckets_in_layout) {
      fail(path_index(epath, 0), "bucket index " + std::to_string(index) +
                                     " is outside the layout (" +
                                     std::to_string(buckets_in_layout) + " buckets)");
    }
    if (!h.buckets.empty() && static_cast<std::size_t>(index) <= h.buckets.back().first) {
      fail(path_index(epath, 0), "bucket indexes must be strictly ascending");
    }
    if (n == 0) continue;
    total += n;
    h.buckets.emplace_back(static_cast<std::size_t>(index), n);
  }
  if (total != h.count) {
    fail(path_key(path, "count"), std::to_string(h.count) +
                                      " does not equal the sum of the bucket counts (" +
                                      std::to_string(total) + ")");
  }
  if (h.count > 0) {
    if (h.max_ns > h.highest_ns) fail(path_key(path, "max_ns"), "above highest_ns");
    if (h.min_ns > h.max_ns) fail(path_key(path, "min_ns"), "above max_ns");
    if (lay.index_of(h.min_ns) != h.buckets.front().first) {
      fail(path_key(path, "min_ns"),
           std::to_string(h.min_ns) + " is not in the first nonzero bucket (layout mismatch?)");
    }
    if (lay.index_of(h.max_ns) != h.buckets.back().first) {
      fail(path_key(path, "max_ns"),
           std::to_string(h.max_ns) + " is not in the last nonzero bucket (layout mismatch?)");
    }
  }
  return h;
}

void add_to(const HistogramData& data, common::LatencyHistogram& hist) {
  // Nothing to add, whatever its layout (a second in which every request failed).
  if (data.count == 0) return;
  if (data.highest_ns != hist.highest_ns() ||
      data.significant_digits != hist.significant_digits()) {
    throw common::InvalidArgument("load report: histogram layouts differ (" +
                                  std::to_string(data.highest_ns) + " ns/" +
                                  std::to_string(data.significant_digits) + " digits vs " +
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

common::LatencyHistogram to_histogram(const HistogramData& data) {
  common::LatencyHistogram hist(data.highest_ns, data.significant_digits);
  add_to(data, hist);
  return hist;
}

}  // namespace neuro::load_report
