#include "engine/store/schema.hpp"

#include "engine/store/rows.hpp"

namespace neuro::store {

const char* to_string(Partitioning partitioning) {
  switch (partitioning) {
    case Partitioning::kAuto:
      return "auto";
    case Partitioning::kHypertable:
      return "timescaledb hypertable";
    case Partitioning::kNative:
      return "native range partitions";
  }
  return "?";
}

bool timescaledb_available(Connection& connection) {
  return connection.exec("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
             .rows() > 0;
}

namespace {

// (columns, partition column) of each table. float4 keeps the engine's float32 samples exact.
constexpr const char* kSamplesColumns =
    "time timestamptz NOT NULL, session_id bigint NOT NULL, channel integer NOT NULL, "
    "value real NOT NULL, metadata jsonb";
constexpr const char* kChunksColumns =
    "session_id bigint NOT NULL, channel integer NOT NULL, chunk_start timestamptz NOT NULL, "
    "sample_rate_hz double precision NOT NULL, samples bytea NOT NULL, "
    "PRIMARY KEY (session_id, channel, chunk_start)";

std::string interval_literal(std::int64_t us) {
  return "interval '" + std::to_string(us) + " microseconds'";
}

// A 1,000-sample chunk is ~4 KB, over the 2 KB at which PostgreSQL would move it to the TOAST
// table (a second heap and index insert per row, plus a pglz attempt on data that does not
// compress). Chunk tables keep rows up to 8 KB inline instead, and never try to compress.
std::string storage_clause(const std::string& table) {
  return table == "eeg_chunks" ? " WITH (toast_tuple_target = 8160)" : "";
}

void create_native(Connection& c, const SchemaOptions& o, const std::string& table,
                   const char* columns, const char* time_column) {
  c.exec("CREATE TABLE IF NOT EXISTS " + table + " (" + columns + ") PARTITION BY RANGE (" +
         time_column + ")");
  int index = 0;
  for (std::int64_t t = o.from_us; t < o.to_us; t += o.partition_interval_us, ++index) {
    const std::int64_t end = std::min(t + o.partition_interval_us, o.to_us);
    std::string sql = "CREATE TABLE IF NOT EXISTS ";
    sql.append(table).append("_p").append(std::to_string(index)).append(" PARTITION OF ");
    sql.append(table).append(" FOR VALUES FROM ('").append(format_timestamp(t));
    sql.append("') TO ('").append(format_timestamp(end)).append("')");
    sql.append(storage_clause(table));
    c.exec(sql);
  }
  c.exec("CREATE TABLE IF NOT EXISTS " + table + "_default PARTITION OF " + table + " DEFAULT" +
         storage_clause(table));
}

void create_hypertable(Connection& c, const SchemaOptions& o, const std::string& table,
                       const char* columns, const char* time_column) {
  c.exec("CREATE TABLE IF NOT EXISTS " + table + " (" + columns + ")" + storage_clause(table));
  c.exec("SELECT create_hypertable('" + table + "', '" + time_column +
         "', chunk_time_interval => " + interval_literal(o.partition_interval_us) +
         ", create_default_indexes => false, if_not_exists => true)");
}

}  // namespace

Partitioning create_sample_schema(Connection& connection, const SchemaOptions& options) {
  require_identifier(options.schema, "schema");
  if (options.to_us <= options.from_us || options.partition_interval_us <= 0 ||
      (options.to_us - options.from_us) / options.partition_interval_us > 1000) {
    throw base::InvalidArgument("schema " + options.schema +
                                ": the time range must be non-empty and span at most 1,000 "
                                "partitions");
  }
  Partitioning used = options.partitioning;
  if (used == Partitioning::kAuto) {
    used = timescaledb_available(connection) ? Partitioning::kHypertable : Partitioning::kNative;
  }
  // Concurrent creators (parallel test binaries) race on IF NOT EXISTS; a lock serialises them.
  Transaction transaction(connection);
  connection.exec("SELECT pg_advisory_xact_lock(hashtext('neuroperf.schema." + options.schema +
                  "'))");
  connection.exec("CREATE SCHEMA IF NOT EXISTS " + options.schema);
  connection.set_search_path(options.schema);
  if (used == Partitioning::kHypertable) {
    connection.exec("CREATE EXTENSION IF NOT EXISTS timescaledb");
    create_hypertable(connection, options, "eeg_samples", kSamplesColumns, "time");
    create_hypertable(connection, options, "eeg_chunks", kChunksColumns, "chunk_start");
  } else {
    create_native(connection, options, "eeg_samples", kSamplesColumns, "time");
    create_native(connection, options, "eeg_chunks", kChunksColumns, "chunk_start");
  }
  connection.exec("ALTER TABLE eeg_chunks ALTER COLUMN samples SET STORAGE EXTERNAL");
  create_sample_indexes(connection);
  transaction.commit();
  return used;
}

// Range and aggregate queries walk (session_id, time); the per-channel latest probe needs
// (session_id, channel, time). Both ascending although the queries want newest first: b-trees
// scan backwards as fast, and ingest appends ever newer times, which in an ascending index land
// at the right end of a page, where PostgreSQL splits pages 90/10 and keeps them full; in a
// descending one they land at the left end, which splits 50/50. Chunks are served by their
// primary key.
void create_sample_indexes(Connection& connection) {
  connection.exec(
      "CREATE INDEX IF NOT EXISTS eeg_samples_session_time ON eeg_samples (session_id, time)");
  connection.exec(
      "CREATE INDEX IF NOT EXISTS eeg_samples_session_channel_time ON eeg_samples (session_id, "
      "channel, time)");
}

void drop_sample_indexes(Connection& connection) {
  connection.exec("DROP INDEX IF EXISTS eeg_samples_session_time");
  connection.exec("DROP INDEX IF EXISTS eeg_samples_session_channel_time");
}

void drop_schema(Connection& connection, const std::string& schema) {
  require_identifier(schema, "schema");
  connection.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
}

}  // namespace neuro::store
