#include "benchmarks/bench_db/db_env.hpp"

#include <cstdlib>
#include <mutex>

#include "engine/common/synthetic_eeg.hpp"
#include "engine/store/schema.hpp"
#include "engine/store/volume.hpp"
#include "engine/store/writers.hpp"

namespace neuro::bench {

namespace {

constexpr std::int64_t kBaseUs = 1'767'225'600'000'000;  // 2026-01-01 00:00 UTC
constexpr std::int64_t kHourUs = 3'600'000'000;
constexpr std::int64_t kSecondUs = 1'000'000;

std::mutex down_mutex;
std::optional<std::string> down_reason;  // why the server was unreachable, once known

}  // namespace

bool smoke_mode() {
  const char* smoke = std::getenv("NEUROPERF_BENCH_SMOKE");
  return smoke != nullptr && *smoke != '\0' && std::string(smoke) != "0";
}

void skip_with(benchmark::State& state, const std::exception& error) {
  const auto* store_error = dynamic_cast<const base::Error*>(&error);
  if (store_error != nullptr && store_error->code() == base::ExitCode::kUnreachable) {
    {
      std::lock_guard lock(down_mutex);
      down_reason = error.what();
    }
    state.SkipWithError(("service unavailable: " + std::string(error.what())).c_str());
  } else {
    state.SkipWithError(error.what());
  }
}

std::unique_ptr<store::Connection> connect_or_skip(benchmark::State& state,
                                                   const std::string& schema) {
  {
    std::lock_guard lock(down_mutex);
    if (down_reason) {
      state.SkipWithError(("service unavailable: " + *down_reason).c_str());
      return nullptr;
    }
  }
  try {
    store::ConnectOptions options;
    options.connect_timeout_s = 3;
    auto connection = std::make_unique<store::Connection>(store::pg_url_from_env(), options);
    connection->exec("CREATE SCHEMA IF NOT EXISTS " + schema);
    connection->set_search_path(schema);
    return connection;
  } catch (const std::exception& e) {
    skip_with(state, e);
    return nullptr;
  }
}

std::int64_t QueryDataset::start_us(int session) const {
  return kBaseUs + static_cast<std::int64_t>(session - 1) * kHourUs;
}

std::int64_t QueryDataset::end_us(int session) const {
  return start_us(session) + static_cast<std::int64_t>(seconds_per_session - 1) * kSecondUs;
}

namespace {

// True when the marker says this exact dataset is complete in the connection's schema.
bool marker_matches(store::Connection& c, const std::string& description) {
  c.exec(
      "CREATE TABLE IF NOT EXISTS neuro_bench_dataset (name text PRIMARY KEY, description text "
      "NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now())");
  const auto result = c.exec("SELECT description FROM neuro_bench_dataset WHERE name = 'dataset'");
  return result.rows() == 1 && result.value(0, 0) == description;
}

void set_marker(store::Connection& c, const std::string& description) {
  c.exec("DELETE FROM neuro_bench_dataset");
  c.exec("INSERT INTO neuro_bench_dataset (name, description) VALUES ('dataset', '" + description +
         "')");
}

void load_query_dataset(store::Connection& c, const QueryDataset& d) {
  store::SchemaOptions options;
  options.schema = d.schema;
  options.from_us = kBaseUs;
  options.to_us = kBaseUs + 4 * 86'400'000'000LL;
  c.exec("DROP TABLE IF EXISTS eeg_samples, eeg_chunks CASCADE");
  store::create_sample_schema(c, options);
  store::drop_sample_indexes(c);
  for (int s = 1; s <= d.sessions; ++s) {
    // One EEG-like value per channel per second: the generator's 250 Hz samples, re-timed.
    const auto block = common::make_synthetic_eeg(8, 250.0, d.seconds_per_session / 250.0,
                                                  static_cast<std::uint64_t>(s));
    std::vector<store::SampleRow> rows;
    rows.reserve(static_cast<std::size_t>(d.seconds_per_session) * 8);
    for (int t = 0; t < d.seconds_per_session; ++t) {
      for (int ch = 0; ch < 8; ++ch) {
        rows.push_back({d.start_us(s) + t * kSecondUs,
                        s,
                        ch,
                        block.at(static_cast<std::size_t>(ch), static_cast<std::size_t>(t)),
                        {}});
      }
    }
    store::copy_samples(c, rows);
  }
  store::create_sample_indexes(c);
  c.exec("VACUUM ANALYZE eeg_samples");
}

}  // namespace

const QueryDataset& query_dataset(store::Connection& connection) {
  static std::mutex mutex;
  static std::optional<QueryDataset> dataset;
  std::lock_guard lock(mutex);
  if (dataset) return *dataset;
  QueryDataset d;
  d.sessions = smoke_mode() ? 5 : 50;
  d.seconds_per_session = smoke_mode() ? 1250 : 25'000;
  d.schema = "neuro_bench_q_" + std::to_string(d.rows());
  const std::string description = "v1 sessions=" + std::to_string(d.sessions) +
                                  " seconds=" + std::to_string(d.seconds_per_session) +
                                  " channels=8 seed=session";
  connection.exec("CREATE SCHEMA IF NOT EXISTS " + d.schema);
  connection.set_search_path(d.schema);
  if (!marker_matches(connection, description)) {
    load_query_dataset(connection, d);
    set_marker(connection, description);
  }
  dataset = d;
  return *dataset;
}

std::string volume_schema(store::Connection& connection) {
  static std::mutex mutex;
  static bool ready = false;
  std::string schema = "neuro_bench_volume";
  std::lock_guard lock(mutex);
  connection.exec("CREATE SCHEMA IF NOT EXISTS " + schema);
  connection.set_search_path(schema);
  if (ready) return schema;
  const std::string description = "v1 spec default";
  if (!marker_matches(connection, description)) {
    connection.exec(
        "DROP TABLE IF EXISTS detection_events, test_sessions, projects, users CASCADE");
    store::create_volume_schema(connection);
    store::load_volume_data(connection, store::make_volume_data(store::VolumeSpec{}));
    connection.exec("VACUUM ANALYZE users, projects, test_sessions, detection_events");
    set_marker(connection, description);
  }
  ready = true;
  return schema;
}

Crew::Crew(int workers, std::function<void(int)> step)
    : workers_(workers), step_(std::move(step)), start_(workers), done_(workers) {
  for (int w = 1; w < workers_; ++w) {
    threads_.emplace_back([this, w] {
      for (;;) {
        start_.arrive_and_wait();
        if (stop_) return;
        step_(w);
        done_.arrive_and_wait();
      }
    });
  }
}

void Crew::run() {
  start_.arrive_and_wait();
  step_(0);
  done_.arrive_and_wait();
}

Crew::~Crew() {
  stop_ = true;
  start_.arrive_and_wait();
  for (auto& t : threads_) t.join();
}

}  // namespace neuro::bench
