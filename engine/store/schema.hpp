// The sample schema: the clients' narrow table (eeg_samples: one value per row) and the engine's
// chunked table (eeg_chunks: one packed float32 chunk per session, channel and time span), time-
// partitioned by TimescaleDB when the server has it, else by native declarative partitioning.
#pragma once

#include <cstdint>
#include <string>

#include "engine/store/connection.hpp"

namespace neuro::store {

enum class Partitioning {
  kAuto,        // hypertable when pg_available_extensions lists timescaledb, else native
  kHypertable,  // TimescaleDB create_hypertable
  kNative,      // PARTITION BY RANGE (time): one partition per interval plus a default one
};

const char* to_string(Partitioning partitioning);

struct SchemaOptions {
  std::string schema = "neuroperf";  // PostgreSQL schema (namespace) holding the tables
  Partitioning partitioning = Partitioning::kAuto;
  // Native partitions cover [from_us, to_us) in steps of partition_interval_us; rows outside go
  // to the default partition. Also the hypertable chunk interval.
  std::int64_t from_us = 1'767'225'600'000'000;  // 2026-01-01 UTC
  std::int64_t to_us = 1'767'225'600'000'000 + 7 * 86'400'000'000LL;
  std::int64_t partition_interval_us = 86'400'000'000LL;  // 1 day
};

// True when the server can CREATE EXTENSION timescaledb.
bool timescaledb_available(Connection& connection);

// Creates the schema and both tables with their indexes if missing, sets the connection's
// search_path to it, and returns the partitioning used. Throws InvalidArgument for a bad schema
// name or an empty/too finely divided time range (more than 1,000 partitions).
Partitioning create_sample_schema(Connection& connection, const SchemaOptions& options);

// The secondary indexes of eeg_samples, separately, so a bulk load can drop them, COPY, and
// rebuild them once (far faster than maintaining them row by row).
void create_sample_indexes(Connection& connection);
void drop_sample_indexes(Connection& connection);

// Removes the schema and everything in it.
void drop_schema(Connection& connection, const std::string& schema);

}  // namespace neuro::store
