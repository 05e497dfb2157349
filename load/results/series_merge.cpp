#include "load/results/series_merge.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>

#include "engine/common/errors.hpp"
#include "load/results/histogram_reader.hpp"
#include "load/results/sparse_histogram.hpp"

namespace neuro::load {
namespace {

using nlohmann::json;

// Absent in documents written before series had a resolution: one second.
std::int64_t width_of(const json& point, const std::string& where) {
  if (!point.contains("dt_s")) return 1;
  const json& v = point["dt_s"];
  const std::int64_t w = v.is_number_integer() ? v.get<std::int64_t>() : 0;
  if (w < 1 || (w & (w - 1)) != 0) {
    throw common::InvalidArgument(where + ".dt_s: expected a power of two >= 1, got " + v.dump());
  }
  return w;
}

// Time-weighted mean of a value over the points of one shard that fall in one merged point.
struct WeightedMean {
  double sum = 0, seconds = 0;
  void add(const json& v, std::int64_t dt) {
    if (v.is_null()) return;
    sum += v.get<double>() * static_cast<double>(dt);
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
  std::optional<double> users, rate;
};

void add_share(std::optional<double>& total, const std::optional<double>& share) {
  if (share) total = total.value_or(0.0) + *share;
}

}  // namespace

json merge_series(const std::vector<json>& docs, const std::vector<std::string>& origins) {
  std::int64_t width = 1;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    const auto& series = docs[d]["series"];
    for (std::size_t i = 0; i < series.size(); ++i) {
      const std::string where = origins[d] + ": $.series[" + std::to_string(i) + "]";
      const std::int64_t w = width_of(series[i], where);
      const auto t = series[i].at("t_s").get<std::int64_t>();
      if (t < 0 || t % w != 0) {
        throw common::InvalidArgument(where + ".t_s: " + std::to_string(t) +
                                      " is not a multiple of dt_s " + std::to_string(w));
      }
      width = std::max(width, w);
    }
  }
  std::map<std::int64_t, Merged> merged;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    std::map<std::int64_t, std::pair<WeightedMean, WeightedMean>> shares;  // users, rate
    const auto& series = docs[d]["series"];
    for (std::size_t i = 0; i < series.size(); ++i) {
      const json& p = series[i];
      const std::string where = origins[d] + ": $.series[" + std::to_string(i) + "]";
      const auto t = p.at("t_s").get<std::int64_t>();
      const std::int64_t key = t - t % width;
      Merged& m = merged[key];
      m.requests += p.at("requests").get<std::int64_t>();
      m.errors += p.at("errors").get<std::int64_t>();
      m.ws_in += p.value("ws_messages_in", std::int64_t{0});
      m.ws_out += p.value("ws_messages_out", std::int64_t{0});
      if (const auto it = p.find("iterations"); it != p.end()) {
        m.iterations = m.iterations.value_or(0) + it->get<std::int64_t>();
      }
      m.latency.merge(read_histogram(p.at("latency"), where + ".latency"));
      const std::int64_t dt = width_of(p, where);
      shares[key].first.add(p.value("users", json()), dt);
      shares[key].second.add(p.value("rate", json()), dt);
    }
    for (const auto& [key, share] : shares) {
      add_share(merged[key].users, share.first.value());
      add_share(merged[key].rate, share.second.value());
    }
  }
  json out = json::array();
  for (const auto& [t, m] : merged) {
    json point = {
        {"t_s", t},
        {"dt_s", width},
        {"requests", m.requests},
        {"errors", m.errors},
        {"users", m.users ? json(static_cast<std::int64_t>(std::llround(*m.users))) : json()},
        {"rate", m.rate ? json(*m.rate) : json()},
        {"latency", m.latency.to_json()}};
    if (m.iterations) point["iterations"] = *m.iterations;
    if (m.ws_in || m.ws_out) {
      point["ws_messages_in"] = m.ws_in;
      point["ws_messages_out"] = m.ws_out;
    }
    out.push_back(point);
  }
  return out;
}

}  // namespace neuro::load
