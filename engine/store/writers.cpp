#include "engine/store/writers.hpp"

#include <memory>
#include <optional>

#include "engine/store/param_buffer.hpp"

namespace neuro::store {

const char* to_string(WriteMethod method) {
  switch (method) {
    case WriteMethod::kRowInsert:
      return "row_insert";
    case WriteMethod::kMultiRowInsert:
      return "multirow_insert";
    case WriteMethod::kPipeline:
      return "pipeline";
    case WriteMethod::kCopyBinary:
      return "copy_binary";
  }
  return "?";
}

void write_samples(Connection& connection, std::span<const SampleRow> rows, WriteMethod method) {
  switch (method) {
    case WriteMethod::kRowInsert:
      return insert_rows(connection, rows);
    case WriteMethod::kMultiRowInsert:
      return insert_multirow(connection, rows);
    case WriteMethod::kPipeline:
      return insert_pipelined(connection, rows);
    case WriteMethod::kCopyBinary:
      return copy_samples(connection, rows);
  }
}

namespace {

constexpr const char* kInsertPrefix =
    "INSERT INTO eeg_samples (time, session_id, channel, value, metadata) VALUES ";

std::string quote(Connection& connection, const std::string& text) {
  std::unique_ptr<char, decltype(&PQfreemem)> quoted(
      PQescapeLiteral(connection.get(), text.data(), text.size()), &PQfreemem);
  if (!quoted) connection.fail("quote a literal");
  return quoted.get();
}

}  // namespace

// What a driver's executemany does: a statement with literals per row, parsed and planned by
// the server each time, one round trip each.
void insert_rows(Connection& connection, std::span<const SampleRow> rows) {
  Transaction transaction(connection);
  std::string sql;
  for (const SampleRow& row : rows) {
    sql.assign(kInsertPrefix);
    sql += "('" + format_timestamp(row.time_us) + "', " + std::to_string(row.session_id) + ", " +
           std::to_string(row.channel) + ", '" + format_float(row.value) + "', " +
           (row.metadata.empty() ? std::string("NULL") : quote(connection, row.metadata)) + ")";
    connection.exec(sql);
  }
  transaction.commit();
}

void insert_multirow(Connection& connection, std::span<const SampleRow> rows,
                     std::size_t rows_per_statement) {
  if (rows_per_statement == 0 || rows_per_statement * 5 > 65535) {
    throw base::InvalidArgument("insert_multirow: rows_per_statement must be 1..13107");
  }
  Transaction transaction(connection);
  ParamBuffer buffer;
  for (std::size_t start = 0; start < rows.size(); start += rows_per_statement) {
    const std::size_t n = std::min(rows_per_statement, rows.size() - start);
    const std::string name = "neuro_insert_multi_" + std::to_string(n);
    if (!connection.is_prepared(name)) {
      std::string sql = kInsertPrefix;
      std::vector<Oid> types;
      for (std::size_t r = 0; r < n; ++r) {
        const std::size_t p = r * 5;
        sql += (r ? ",($" : "($") + std::to_string(p + 1) + ",$" + std::to_string(p + 2) + ",$" +
               std::to_string(p + 3) + ",$" + std::to_string(p + 4) + ",$" + std::to_string(p + 5) +
               ")";
        types.insert(types.end(), std::begin(kSampleTypes), std::end(kSampleTypes));
      }
      connection.prepare(name, sql, static_cast<int>(types.size()), types.data());
    }
    buffer.clear();
    for (std::size_t r = start; r < start + n; ++r) buffer.add_sample(rows[r]);
    connection.exec_prepared(name, buffer.params());
  }
  transaction.commit();
}

namespace {

constexpr std::size_t kPipelineSyncRows = 1000;

// Reads results up to and including the next PGRES_PIPELINE_SYNC, keeping the first error.
void drain_to_sync(Connection& connection, std::string& first_error) {
  int nulls_in_a_row = 0;
  for (;;) {
    Result result(PQgetResult(connection.get()));
    if (!result) {
      // A NULL ends one query's results; two in a row mean libpq has nothing left to give,
      // which only happens when the connection broke.
      if (!connection.ok() || ++nulls_in_a_row > 1) connection.fail("pipelined INSERT");
      continue;
    }
    nulls_in_a_row = 0;
    switch (result.status()) {
      case PGRES_PIPELINE_SYNC:
        return;
      case PGRES_COMMAND_OK:
      case PGRES_PIPELINE_ABORTED:
        break;
      default:
        if (first_error.empty()) {
          first_error = PQresultErrorMessage(result.get());
          if (first_error.empty()) first_error = "unexpected result status";
        }
    }
  }
}

}  // namespace

// Every row still is its own INSERT, but the client never waits for one before sending the
// next; a sync point every 1,000 rows bounds the results in flight (a pipeline that only
// writes can deadlock once both socket buffers fill).
void insert_pipelined(Connection& connection, std::span<const SampleRow> rows) {
  constexpr const char* kName = "neuro_insert_sample";
  connection.prepare(kName,
                     "INSERT INTO eeg_samples (time, session_id, channel, value, metadata) "
                     "VALUES ($1, $2, $3, $4, $5)",
                     5, kSampleTypes);
  PGconn* conn = connection.get();
  if (PQenterPipelineMode(conn) != 1) connection.fail("enter pipeline mode");
  std::string first_error;
  int syncs_pending = 0;
  const auto send_sync = [&] {
    if (PQpipelineSync(conn) != 1) connection.fail("pipeline sync");
    if (++syncs_pending > 1) {
      drain_to_sync(connection, first_error);
      --syncs_pending;
    }
  };
  if (PQsendQueryParams(conn, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) {
    connection.fail("pipelined BEGIN");
  }
  ParamBuffer buffer;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    buffer.clear();
    buffer.add_sample(rows[i]);
    const Params p = buffer.params();
    // libpq copies the parameters into its output buffer, so the buffer can be reused.
    if (PQsendQueryPrepared(conn, kName, p.count, p.values, p.lengths, p.formats, 0) != 1) {
      connection.fail("pipelined INSERT");
    }
    if ((i + 1) % kPipelineSyncRows == 0) send_sync();
  }
  // COMMIT goes in a segment of its own: after an error the rest of a segment is skipped, and
  // a skipped COMMIT would leave the transaction open. COMMIT of a failed transaction answers
  // ROLLBACK, so an error above loses the whole batch.
  if (rows.size() % kPipelineSyncRows != 0) send_sync();
  if (PQsendQueryParams(conn, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) {
    connection.fail("pipelined COMMIT");
  }
  if (PQpipelineSync(conn) != 1) connection.fail("pipeline sync");
  ++syncs_pending;
  while (syncs_pending-- > 0) drain_to_sync(connection, first_error);
  if (PQexitPipelineMode(conn) != 1) connection.fail("exit pipeline mode");
  if (!first_error.empty()) {
    PQclear(PQexec(conn, "ROLLBACK"));  // in case the transaction is still open; else a warning
    const auto end = first_error.find('\n');
    throw base::Error(base::ExitCode::kBadInput,
                      "postgres " + connection.redacted_url() +
                          ": pipelined INSERT failed: " + first_error.substr(0, end));
  }
}

namespace {

// Sends one COPY FROM STDIN with an already encoded binary payload.
void run_copy(Connection& connection, const std::string& copy_sql, const std::string& payload) {
  PGconn* conn = connection.get();
  Result start(PQexec(conn, copy_sql.c_str()));
  if (!start || start.status() != PGRES_COPY_IN) connection.fail("COPY start", start.get());
  constexpr std::size_t kPiece = 1 << 20;
  for (std::size_t offset = 0; offset < payload.size(); offset += kPiece) {
    const std::size_t n = std::min(kPiece, payload.size() - offset);
    if (PQputCopyData(conn, payload.data() + offset, static_cast<int>(n)) != 1) {
      connection.fail("COPY data");
    }
  }
  if (PQputCopyEnd(conn, nullptr) != 1) connection.fail("COPY end");
  Result done(PQgetResult(conn));
  // Consume the terminating NULL so the connection is ready for the next command.
  while (Result extra{PQgetResult(conn)}) {
  }
  connection.check(std::move(done), "COPY");
}

}  // namespace

void copy_samples(Connection& connection, std::span<const SampleRow> rows) {
  std::string payload;
  payload.reserve(19 + rows.size() * 48);
  binary::put_copy_header(payload);
  for (const SampleRow& row : rows) {
    binary::put_u16(payload, 5);
    binary::put_i32(payload, 8);
    binary::put_time(payload, row.time_us);
    binary::put_i32(payload, 8);
    binary::put_i64(payload, row.session_id);
    binary::put_i32(payload, 4);
    binary::put_i32(payload, row.channel);
    binary::put_i32(payload, 4);
    binary::put_f32(payload, row.value);
    if (row.metadata.empty()) {
      binary::put_i32(payload, -1);
    } else {
      binary::put_i32(payload, static_cast<std::int32_t>(row.metadata.size() + 1));
      payload.push_back('\1');  // jsonb binary format version
      payload += row.metadata;
    }
  }
  binary::put_copy_trailer(payload);
  run_copy(connection,
           "COPY eeg_samples (time, session_id, channel, value, metadata) FROM STDIN (FORMAT "
           "binary)",
           payload);
}

void copy_chunks(Connection& connection, std::span<const ChunkRow> chunks) {
  std::string payload;
  std::size_t bytes = 21;
  for (const ChunkRow& chunk : chunks) bytes += 50 + chunk.samples.size() * sizeof(float);
  payload.reserve(bytes);
  binary::put_copy_header(payload);
  for (const ChunkRow& chunk : chunks) {
    binary::put_u16(payload, 5);
    binary::put_i32(payload, 8);
    binary::put_i64(payload, chunk.session_id);
    binary::put_i32(payload, 4);
    binary::put_i32(payload, chunk.channel);
    binary::put_i32(payload, 8);
    binary::put_time(payload, chunk.chunk_start_us);
    binary::put_i32(payload, 8);
    binary::put_f64(payload, chunk.sample_rate_hz);
    const std::string packed = pack_samples(chunk.samples);
    binary::put_i32(payload, static_cast<std::int32_t>(packed.size()));
    payload += packed;
  }
  binary::put_copy_trailer(payload);
  run_copy(connection,
           "COPY eeg_chunks (session_id, channel, chunk_start, sample_rate_hz, samples) FROM "
           "STDIN (FORMAT binary)",
           payload);
}

void insert_chunks(Connection& connection, std::span<const ChunkRow> chunks) {
  constexpr std::size_t kRowsPerStatement = 1000;
  static constexpr Oid kChunkTypes[5] = {binary::kInt8Oid, binary::kInt4Oid,
                                         binary::kTimestamptzOid, binary::kFloat8Oid,
                                         binary::kByteaOid};
  // One statement is atomic by itself; more need a transaction around them.
  std::optional<Transaction> transaction;
  if (chunks.size() > kRowsPerStatement) transaction.emplace(connection);
  ParamBuffer buffer;
  for (std::size_t start = 0; start < chunks.size(); start += kRowsPerStatement) {
    const std::size_t n = std::min(kRowsPerStatement, chunks.size() - start);
    const std::string name = "neuro_insert_chunks_" + std::to_string(n);
    if (!connection.is_prepared(name)) {
      std::string sql =
          "INSERT INTO eeg_chunks (session_id, channel, chunk_start, sample_rate_hz, samples) "
          "VALUES ";
      std::vector<Oid> types;
      for (std::size_t r = 0; r < n; ++r) {
        const std::size_t p = r * 5;
        sql += (r ? ",($" : "($") + std::to_string(p + 1) + ",$" + std::to_string(p + 2) + ",$" +
               std::to_string(p + 3) + ",$" + std::to_string(p + 4) + ",$" + std::to_string(p + 5) +
               ")";
        types.insert(types.end(), std::begin(kChunkTypes), std::end(kChunkTypes));
      }
      connection.prepare(name, sql, static_cast<int>(types.size()), types.data());
    }
    buffer.clear();
    for (const ChunkRow& chunk : chunks.subspan(start, n)) {
      buffer.add_i64(chunk.session_id);
      buffer.add_i32(chunk.channel);
      buffer.add_time(chunk.chunk_start_us);
      buffer.add_f64(chunk.sample_rate_hz);
      buffer.add_bytes(pack_samples(chunk.samples));
    }
    connection.exec_prepared(name, buffer.params());
  }
  if (transaction) transaction->commit();
}

namespace {

// Runs a SELECT whose one parameter ($1) is the session id, with binary results.
Result select_session(Connection& connection, const char* sql, std::int64_t session_id) {
  std::string id;
  binary::put_i64(id, session_id);
  const Oid type = binary::kInt8Oid;
  const char* values[] = {id.data()};
  const int lengths[] = {8};
  const int formats[] = {1};
  return connection.exec_params(sql, {1, &type, values, lengths, formats}, 1);
}

}  // namespace

std::vector<SampleRow> read_samples(Connection& connection, std::int64_t session_id) {
  const Result result = select_session(
      connection,
      "SELECT time, session_id, channel, value, metadata FROM eeg_samples WHERE session_id = $1 "
      "ORDER BY channel, time",
      session_id);
  std::vector<SampleRow> rows(static_cast<std::size_t>(result.rows()));
  for (int r = 0; r < result.rows(); ++r) {
    SampleRow& row = rows[static_cast<std::size_t>(r)];
    row.time_us = binary::get_time(result.value(r, 0).data());
    row.session_id = binary::get_i64(result.value(r, 1).data());
    row.channel = binary::get_i32(result.value(r, 2).data());
    row.value = binary::get_f32(result.value(r, 3).data());
    if (!result.is_null(r, 4)) row.metadata = std::string(result.value(r, 4).substr(1));
  }
  return rows;
}

std::vector<ChunkRow> read_chunks(Connection& connection, std::int64_t session_id) {
  const Result result = select_session(
      connection,
      "SELECT session_id, channel, chunk_start, sample_rate_hz, samples FROM eeg_chunks WHERE "
      "session_id = $1 ORDER BY channel, chunk_start",
      session_id);
  std::vector<ChunkRow> chunks(static_cast<std::size_t>(result.rows()));
  for (int r = 0; r < result.rows(); ++r) {
    ChunkRow& chunk = chunks[static_cast<std::size_t>(r)];
    chunk.session_id = binary::get_i64(result.value(r, 0).data());
    chunk.channel = binary::get_i32(result.value(r, 1).data());
    chunk.chunk_start_us = binary::get_time(result.value(r, 2).data());
    chunk.sample_rate_hz = binary::get_f64(result.value(r, 3).data());
    chunk.samples = unpack_samples(result.value(r, 4));
  }
  return chunks;
}

}  // namespace neuro::store
