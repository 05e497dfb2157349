#include "load/results/result_writer.hpp"

#include <string>

namespace neuro::load {
namespace {

using nlohmann::json;

// Writes `head` (an object without "series"), then "series": [ next() ... ] and the closing
// brace: json objects dump in key order, and a reader does not care where "series" comes.
template <typename EachPoint>
void write_with_series(std::ostream& out, const json& head, EachPoint each_point) {
  std::string text = head.dump(1);
  text.pop_back();  // the object's closing brace
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  out << text << (text.back() == '{' ? "\n" : ",\n") << " \"series\": [";
  bool first = true;
  each_point([&](const json& point) {
    out << (first ? "\n  " : ",\n  ") << point.dump();
    first = false;
  });
  out << (first ? "]\n}\n" : "\n ]\n}\n");
}

}  // namespace

SeriesPoint series_point(std::int64_t t_s, std::int64_t dt_s, const IntervalStats& point,
                         const SeriesAnnotation& annotation) {
  SeriesPoint p;
  p.t_s = t_s;
  p.dt_s = dt_s;
  p.requests = point.requests;
  p.errors = point.errors;
  p.users = annotation.users;
  p.rate = annotation.rate;
  p.latency = point.latency;
  // Only where iterations began: a point without them reads as 0.
  if (point.iterations) p.iterations = point.iterations;
  p.ws_in = point.ws_in;
  p.ws_out = point.ws_out;
  if (point.ws_latency.count > 0) p.ws_latency = point.ws_latency;
  return p;
}

void for_each_series_point(const LoadRun& run,
                           const std::function<void(const SeriesPoint&)>& each) {
  for (const auto& [t, point] : run.series.points()) {
    const auto a = run.annotations.find(t);
    each(series_point(t, run.series.resolution_s(), point,
                      a == run.annotations.end() ? SeriesAnnotation{} : a->second));
  }
}

void write_result(std::ostream& out, const LoadRun& run) {
  write_with_series(out, to_json_without_series(run.result), [&](auto&& write) {
    for_each_series_point(run, [&](const SeriesPoint& p) { write(to_json(p)); });
  });
}

void write_result(std::ostream& out, const LoadResult& result) {
  write_with_series(out, to_json_without_series(result), [&](auto&& write) {
    for (const auto& p : result.series) write(to_json(p));
  });
}

void write_result(std::ostream& out, json document) {
  json series = json::array();
  if (const auto it = document.find("series"); it != document.end()) {
    series = std::move(*it);
    document.erase(it);
  }
  write_with_series(out, document, [&](auto&& write) {
    for (const auto& point : series) write(point);
  });
}

}  // namespace neuro::load
