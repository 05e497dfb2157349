// Writers for the same rows, each a different way of getting them into PostgreSQL; every one
// is all-or-nothing for its batch (one transaction) and stores the values bit for bit.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "engine/store/connection.hpp"
#include "engine/store/rows.hpp"

namespace neuro::store {

enum class WriteMethod {
  kRowInsert,       // one INSERT statement with literals per row: a Python client's executemany
  kMultiRowInsert,  // INSERT ... VALUES (...), (...) with binary parameters, 1,000 rows each
  kPipeline,        // one prepared INSERT per row, sent in libpq pipeline mode
  kCopyBinary,      // COPY ... FROM STDIN (FORMAT binary)
};

const char* to_string(WriteMethod method);

// Writes `rows` into eeg_samples (resolved through the connection's search_path) with `method`.
// Throws the connection's Error when the server rejects the batch; nothing of it is kept then.
void write_samples(Connection& connection, std::span<const SampleRow> rows, WriteMethod method);

void insert_rows(Connection& connection, std::span<const SampleRow> rows);
void insert_multirow(Connection& connection, std::span<const SampleRow> rows,
                     std::size_t rows_per_statement = 1000);
void insert_pipelined(Connection& connection, std::span<const SampleRow> rows);
void copy_samples(Connection& connection, std::span<const SampleRow> rows);

// COPY BINARY into eeg_chunks (samples packed as float32 little-endian bytea).
void copy_chunks(Connection& connection, std::span<const ChunkRow> chunks);

// The same chunks as one prepared multi-row INSERT with binary parameters (up to 1,000 chunks
// per statement, one transaction): a single round trip per batch where COPY needs two (COPY
// start, then data and the result), which matters at clients' small batches.
void insert_chunks(Connection& connection, std::span<const ChunkRow> chunks);

// Reads back every row of a session in binary form, ordered by channel then time.
std::vector<SampleRow> read_samples(Connection& connection, std::int64_t session_id);
// Every chunk of a session, ordered by channel then chunk_start. Throws InvalidArgument when a
// stored payload is not a whole number of float32 values.
std::vector<ChunkRow> read_chunks(Connection& connection, std::int64_t session_id);

}  // namespace neuro::store
