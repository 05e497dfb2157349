#include "load/results/histogram_reader.hpp"

#include "engine/base/errors.hpp"
#include "load/results/json_fields.hpp"

namespace neuro::load {

using namespace json_read;

const base::LatencyHistogram& HistogramParser::layout(std::int64_t highest_ns,
                                                      int significant_digits,
                                                      const std::string& path) {
  const auto key = std::make_pair(highest_ns, significant_digits);
  if (const auto it = layouts_.find(key); it != layouts_.end()) return it->second;
  try {
    return layouts_.emplace(key, base::LatencyHistogram(highest_ns, significant_digits))
        .first->second;
  } catch (const base::InvalidArgument& e) {
    fail(path, e.what());
  }
}

SparseHistogram HistogramParser::parse(const nlohmann::json& value, const std::string& path) {
  as_object(value, path);
  SparseHistogram h;
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
    if (!h.buckets.empty() && static_cast<std::uint64_t>(index) <= h.buckets.back().first) {
      fail(path_index(epath, 0), "bucket indexes must be strictly ascending");
    }
    if (n == 0) continue;
    total += n;
    h.buckets.emplace_back(static_cast<std::uint32_t>(index), n);
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

SparseHistogram read_histogram(const nlohmann::json& value, const std::string& path) {
  // One parser per thread keeps the layouts it has seen: a merge of long series reads a
  // histogram per point.
  thread_local HistogramParser parser;
  return parser.parse(value, path);
}

}  // namespace neuro::load
