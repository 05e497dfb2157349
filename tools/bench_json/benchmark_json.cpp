#include "tools/bench_json/benchmark_json.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "engine/base/errors.hpp"
#include "engine/common/huge_page_allocator.hpp"
#include "tools/bench_json/json_document.hpp"

namespace neuro::bench_json {
namespace {

using base::InvalidArgument;
using Json = nlohmann::json;
using DomBuilder = nlohmann::detail::json_sax_dom_parser<Json>;
constexpr std::size_t kMaxDepth = 64;  // no benchmark file nests beyond 4; hostile ones may
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view kServiceUnavailable = "service unavailable";

std::string shown(const Json& value) {
  std::string s = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

// Fields of a benchmark entry that are not counters and that we do not read.
bool is_ignored_field(const std::string& key) {
  static const char* const kIgnored[] = {"repetition_index", "label", "big_o", "rms",
                                         "complexity_n"};
  for (const char* r : kIgnored) {
    if (key == r) return true;
  }
  return false;
}

// Builds BenchmarkRows straight from SAX events: a 1000 x 10 repetition file is ~6 MB, and a DOM
// of it costs several times the parse. Subtrees we keep whole (the context) or skip (unknown
// nested fields) go through nlohmann's own DOM builder. Keeps the JSON path of the value being
// read so that every error names it.
class RowReader {
 public:
  RowReader(BenchmarkFile& file, const std::string& origin) : file_(file), origin_(origin) {}

  bool null() {
    return scalar(Json(nullptr), [](DomBuilder& d) { return d.null(); });
  }
  bool boolean(bool v) {
    return scalar(Json(v), [&](DomBuilder& d) { return d.boolean(v); });
  }
  bool number_integer(Json::number_integer_t v) {
    return scalar(Json(v), [&](DomBuilder& d) { return d.number_integer(v); });
  }
  bool number_unsigned(Json::number_unsigned_t v) {
    return scalar(Json(v), [&](DomBuilder& d) { return d.number_unsigned(v); });
  }
  bool number_float(Json::number_float_t v, const std::string& s) {
    return scalar(Json(v), [&](DomBuilder& d) { return d.number_float(v, s); });
  }
  bool string(std::string& v) {
    if (capture_) return scalar(Json(), [&](DomBuilder& d) { return d.string(v); });
    return scalar(Json(std::move(v)), [](DomBuilder&) { return true; });
  }
  bool binary(Json::binary_t& v) {
    return scalar(Json(), [&](DomBuilder& d) { return d.binary(v); });
  }
  bool key(std::string& k) {
    frames_.back().key = k;
    return capture_ ? capture_->dom.key(k) : true;
  }
  bool start_object(std::size_t n) {
    return open(false) && (!capture_ || capture_->dom.start_object(n));
  }
  bool start_array(std::size_t n) {
    return open(true) && (!capture_ || capture_->dom.start_array(n));
  }
  bool end_object() { return close(false); }
  bool end_array() { return close(true); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    throw InvalidArgument(origin_ + ": not valid JSON at " + path() + " (byte " +
                          std::to_string(position) + ": " + e.what() + ")");
  }

  bool saw_benchmarks() const { return saw_benchmarks_; }

 private:
  struct Frame {
    bool array = false;
    std::size_t index = 0;
    std::string key;
  };
  struct Capture {
    explicit Capture(bool keep_context) : dom(value, true), keep(keep_context) {}
    Json value;
    DomBuilder dom;
    bool keep;
    std::size_t depth = 0;
  };
  struct PendingRow {
    BenchmarkRow row;
    bool has_run_name = false, error = false, skipped = false;
    std::string error_message = "error", skip_message = "skipped";
  };

  // Where the value about to start sits: 1 = in the root object, 2 = in $.benchmarks,
  // 3 = in a benchmark entry.
  std::size_t level() const { return frames_.size(); }
  bool in_benchmarks() const { return level() == 2 && in_benchmarks_; }
  bool in_row() const { return level() == 3 && row_ != nullptr; }

  template <class Forward>
  bool scalar(const Json& value, Forward forward) {
    if (capture_) {
      forward(capture_->dom);
    } else if (in_row()) {
      field(frames_.back().key, value);
    } else if (in_benchmarks()) {
      throw InvalidArgument(origin_ + ": " + path() + ": expected an object, got " + shown(value));
    } else if (level() == 1 && frames_.back().key == "benchmarks") {
      throw InvalidArgument(origin_ + ": $.benchmarks: expected an array of benchmarks");
    }
    advance();
    return true;
  }

  bool open(bool array) {
    if (frames_.size() >= kMaxDepth) {
      throw InvalidArgument(origin_ + ": not valid benchmark JSON at " + path() +
                            ": nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    if (capture_) {
      ++capture_->depth;
    } else if (level() == 0) {
      if (array) throw InvalidArgument(origin_ + ": $.benchmarks: expected an array of benchmarks");
    } else if (level() == 1 && frames_.back().key == "benchmarks") {
      if (!array)
        throw InvalidArgument(origin_ + ": $.benchmarks: expected an array of benchmarks");
      in_benchmarks_ = saw_benchmarks_ = true;
    } else if (in_benchmarks()) {
      if (array)
        throw InvalidArgument(origin_ + ": " + path() + ": expected an object, got an array");
      row_ = std::make_unique<PendingRow>();
      row_index_ = frames_.back().index;
    } else if (level() >= 1) {
      // The context is kept; anything else nested (unknown fields) is read and dropped.
      capture_ =
          std::make_unique<Capture>(level() == 1 && frames_.back().key == "context" && !array);
      capture_->depth = 1;
    }
    frames_.push_back({array, 0, {}});
    return true;
  }

  bool close(bool array) {
    frames_.pop_back();
    if (capture_) {
      if (array) {
        capture_->dom.end_array();
      } else {
        capture_->dom.end_object();
      }
      if (--capture_->depth == 0) {
        if (capture_->keep) read_context(capture_->value);
        capture_.reset();
      }
    } else if (level() == 2 && row_) {
      finish_row();
    } else if (level() == 1 && array) {
      in_benchmarks_ = false;
    }
    advance();
    return true;
  }

  void advance() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
  }

  std::string path() const {
    std::string p = "$";
    for (const auto& f : frames_) {
      if (f.array) {
        p += "[" + std::to_string(f.index) + "]";
      } else {
        p = json_path_join(p, f.key);
      }
    }
    return p;
  }

  [[noreturn]] void fail(const std::string& key, const char* expected, const Json& got) const {
    throw InvalidArgument(origin_ + ": " +
                          json_path_join("$.benchmarks[" + std::to_string(row_index_) + "]", key) +
                          ": expected " + expected + ", got " + shown(got));
  }
  void text(const std::string& key, const Json& v, std::string& out) const {
    if (v.is_null()) return;
    if (!v.is_string()) fail(key, "a string", v);
    out = v.get<std::string>();
  }
  double number(const std::string& key, const Json& v) const {
    if (v.is_null()) return kNaN;
    if (!v.is_number()) fail(key, "a number", v);
    return v.get<double>();
  }
  // Counts are clamped to sane values rather than cast: casting 1e300 is undefined behaviour.
  long long count(const std::string& key, const Json& v, long long fallback) const {
    const double d = number(key, v);
    if (std::isnan(d)) return fallback;
    if (d < 0 || d > 9.0e18) fail(key, "a count", v);
    return static_cast<long long>(d);
  }
  bool flag(const std::string& key, const Json& v) const {
    if (v.is_null()) return false;
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number()) return v.get<double>() != 0.0;  // some versions wrote an enum
    fail(key, "true or false", v);
  }

  void field(const std::string& key, const Json& v) {
    BenchmarkRow& r = row_->row;
    if (key == "name") {
      text(key, v, r.name);
    } else if (key == "run_name") {
      text(key, v, r.run_name);
      row_->has_run_name = !v.is_null();
    } else if (key == "run_type") {
      text(key, v, r.run_type);
    } else if (key == "aggregate_name") {
      text(key, v, r.aggregate_name);
    } else if (key == "aggregate_unit") {
      text(key, v, r.aggregate_unit);
    } else if (key == "time_unit") {
      text(key, v, r.time_unit);
    } else if (key == "error_message") {
      text(key, v, row_->error_message);
    } else if (key == "skip_message") {
      text(key, v, row_->skip_message);
    } else if (key == "real_time") {
      r.real_time = number(key, v);
    } else if (key == "cpu_time") {
      r.cpu_time = number(key, v);
    } else if (key == "iterations") {
      r.iterations = count(key, v, 0);
    } else if (key == "repetitions") {
      r.repetitions = count(key, v, 0);
    } else if (key == "threads") {
      r.threads = count(key, v, 1);
    } else if (key == "family_index") {
      r.family_index = count(key, v, -1);
    } else if (key == "per_family_instance_index") {
      r.per_family_instance_index = count(key, v, -1);
    } else if (key == "error_occurred") {
      row_->error = flag(key, v);
    } else if (key == "skipped") {
      row_->skipped = flag(key, v);
    } else if (is_ignored_field(key)) {
      return;
    } else if (v.is_number()) {
      r.counters[key] = v.get<double>();
    } else if (v.is_null()) {
      r.counters[key] = kNaN;
    }
  }

  void finish_row() {
    BenchmarkRow& r = row_->row;
    if (r.name.empty()) fail("name", "a non-empty string", Json(r.name));
    if (!row_->has_run_name) r.run_name = r.name;
    // Google Benchmark 1.7 has only SkipWithError; our benchmarks whose service is down say
    // "service unavailable: ..." there: the dependency was down, so it is a skip, not a failure.
    if (row_->error && row_->error_message.starts_with(kServiceUnavailable)) {
      row_->error = false;
      row_->skipped = true;
      row_->skip_message = row_->error_message;
    }
    if (row_->error) r.error = row_->error_message;
    if (row_->skipped) r.skipped = row_->skip_message;
    file_.rows.push_back(std::move(r));
    row_.reset();
  }

  void read_context(const Json& context) {
    for (const auto& [key, value] : context.items()) {
      file_.context[key] = value.is_string()
                               ? value.get<std::string>()
                               : value.dump(-1, ' ', false, Json::error_handler_t::replace);
    }
  }

  BenchmarkFile& file_;
  const std::string& origin_;
  std::vector<Frame> frames_;
  std::unique_ptr<Capture> capture_;
  std::unique_ptr<PendingRow> row_;
  std::size_t row_index_ = 0;
  bool in_benchmarks_ = false, saw_benchmarks_ = false;
};

}  // namespace

BenchmarkFile parse_benchmark_json(std::string_view text, const std::filesystem::path& origin) {
  const std::string name = origin.string();
  BenchmarkFile file;
  file.path = origin;
  // Rows are ~360 bytes and a row takes at least ~250 bytes of JSON: reserving by the text size
  // avoids growing (and first-touching) the vector twice over; untouched reserve costs nothing.
  file.rows.reserve(text.size() / 250);
  RowReader reader(file, name);
  std::string cleaned;
  const bool replaced = replace_bare_non_finite(text, cleaned);
  const std::string_view input = replaced ? std::string_view(cleaned) : text;
  try {
    Json::sax_parse(input.data(), input.data() + input.size(), &reader);
  } catch (const nlohmann::json::exception& e) {
    // Invalid UTF-8 and similar problems surface as exceptions outside parse_error().
    throw InvalidArgument(name + ": not valid JSON (" + e.what() + ")");
  }
  if (!reader.saw_benchmarks()) {
    throw InvalidArgument(name + ": $.benchmarks: expected an array of benchmarks");
  }
  return file;
}

BenchmarkFile read_benchmark_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw InvalidArgument(path.string() + ": cannot open");
  const std::streamoff size = in.tellg();
  if (size < 0) throw InvalidArgument(path.string() + ": cannot read");
  // Huge pages: first-touch page faults of a 6 MB buffer are a visible share of a compare on
  // these paravirtualised VMs.
  std::vector<char, common::HugePageAllocator<char>> text(static_cast<std::size_t>(size));
  in.seekg(0);
  if (!in.read(text.data(), size)) throw InvalidArgument(path.string() + ": cannot read");
  return parse_benchmark_json(std::string_view(text.data(), text.size()), path);
}

}  // namespace neuro::bench_json
