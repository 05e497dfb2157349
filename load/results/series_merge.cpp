#include "load/results/series_merge.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>

#include "engine/base/errors.hpp"

namespace neuro::load {
namespace {

// A shard's point width: a positive power of two (documents before dt_s read as one second).
std::int64_t width_of(const SeriesPoint& p, const std::string& where) {
  if (p.dt_s < 1 || (p.dt_s & (p.dt_s - 1)) != 0) {
    throw base::InvalidArgument(where + ".dt_s: expected a power of two >= 1, got " +
                                std::to_string(p.dt_s));
  }
  return p.dt_s;
}

// Time-weighted mean of a value over the points of one shard that fall in one merged point.
struct WeightedMean {
  double sum = 0, seconds = 0;
  void add(std::optional<double> v, std::int64_t dt) {
    if (!v) return;
    sum += *v * static_cast<double>(dt);
    seconds += static_cast<double>(dt);
  }
  std::optional<double> value() const {
    return seconds > 0 ? std::optional<double>(sum / seconds) : std::nullopt;
  }
};

struct Merged {
  std::int64_t requests = 0, errors = 0;
  std::int64_t ws_in = 0, ws_out = 0;
  std::optional<std::int64_t> iterations;  // absent when no shard's point had them
  SparseHistogram latency;
  std::optional<SparseHistogram> ws_latency;  // absent when no shard's point had any
  std::optional<double> users, rate;
};

void add_share(std::optional<double>& total, const std::optional<double>& share) {
  if (share) total = total.value_or(0.0) + *share;
}

}  // namespace

std::vector<SeriesPoint> merge_series(const std::vector<LoadResult>& docs,
                                      const std::vector<std::string>& origins) {
  std::int64_t width = 1;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    const auto& series = docs[d].series;
    for (std::size_t i = 0; i < series.size(); ++i) {
      const std::string where = origins[d] + ": $.series[" + std::to_string(i) + "]";
      const std::int64_t w = width_of(series[i], where);
      const std::int64_t t = series[i].t_s;
      if (t < 0 || t % w != 0) {
        throw base::InvalidArgument(where + ".t_s: " + std::to_string(t) +
                                    " is not a multiple of dt_s " + std::to_string(w));
      }
      width = std::max(width, w);
    }
  }
  std::map<std::int64_t, Merged> merged;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    std::map<std::int64_t, std::pair<WeightedMean, WeightedMean>> shares;  // users, rate
    for (const SeriesPoint& p : docs[d].series) {
      const std::int64_t key = p.t_s - p.t_s % width;
      Merged& m = merged[key];
      m.requests += p.requests;
      m.errors += p.errors;
      m.ws_in += p.ws_in;
      m.ws_out += p.ws_out;
      if (p.iterations) m.iterations = m.iterations.value_or(0) + *p.iterations;
      m.latency.merge(p.latency);
      if (p.ws_latency) {
        if (!m.ws_latency) m.ws_latency = SparseHistogram{};
        m.ws_latency->merge(*p.ws_latency);
      }
      const std::optional<double> users =
          p.users ? std::optional<double>(static_cast<double>(*p.users)) : std::nullopt;
      shares[key].first.add(users, p.dt_s);
      shares[key].second.add(p.rate, p.dt_s);
    }
    for (const auto& [key, share] : shares) {
      add_share(merged[key].users, share.first.value());
      add_share(merged[key].rate, share.second.value());
    }
  }
  std::vector<SeriesPoint> out;
  out.reserve(merged.size());
  for (const auto& [t, m] : merged) {
    SeriesPoint p;
    p.t_s = t;
    p.dt_s = width;
    p.requests = m.requests;
    p.errors = m.errors;
    if (m.users) p.users = static_cast<std::int64_t>(std::llround(*m.users));
    p.rate = m.rate;
    p.latency = m.latency;
    p.iterations = m.iterations;
    p.ws_in = m.ws_in;
    p.ws_out = m.ws_out;
    p.ws_latency = m.ws_latency;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace neuro::load
