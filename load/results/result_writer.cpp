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

json series_point_json(std::int64_t t_s, std::int64_t dt_s, const IntervalStats& point,
                       const SeriesAnnotation& annotation) {
  json p = {{"t_s", t_s},
            {"dt_s", dt_s},
            {"requests", point.requests},
            {"errors", point.errors},
            {"users", annotation.users ? json(*annotation.users) : json(nullptr)},
            {"rate", annotation.rate ? json(*annotation.rate) : json(nullptr)},
            {"latency", point.latency.to_json()}};
  // Only where iterations began, as the WebSocket counts below: a second without any reads as 0.
  if (point.iterations) p["iterations"] = point.iterations;
  // Only where ws: steps ran, so HTTP documents keep their shape.
  if (point.ws_in || point.ws_out) {
    p["ws_messages_in"] = point.ws_in;
    p["ws_messages_out"] = point.ws_out;
  }
  return p;
}

void for_each_series_point(const LoadRun& run, const std::function<void(const json&)>& each) {
  for (const auto& [t, point] : run.series.points()) {
    const auto a = run.annotations.find(t);
    each(series_point_json(t, run.series.resolution_s(), point,
                           a == run.annotations.end() ? SeriesAnnotation{} : a->second));
  }
}

void write_result(std::ostream& out, const LoadRun& run) {
  write_with_series(out, run.document, [&](auto&& write) { for_each_series_point(run, write); });
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
