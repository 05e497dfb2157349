// RAII owners for libpq handles (PGconn, PGresult) and the connection settings every neuroperf
// client uses: a bounded connect, a statement timeout and TCP keepalives, so that a server that
// is down or a connection that drops becomes a one-line error instead of a hang.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "engine/base/errors.hpp"

namespace neuro::store {

inline constexpr std::string_view kDefaultPgUrl =
    "postgresql://neuroperf@127.0.0.1:54329/neuroperf";

// NEUROPERF_PG_URL when set and not empty, else kDefaultPgUrl.
std::string pg_url_from_env();

// The URL with any password removed (user:secret@host -> user@host, password=... dropped), for
// error messages and logs.
std::string redact_url(std::string_view url);

struct ConnectOptions {
  int connect_timeout_s = 5;
  int statement_timeout_ms = 120'000;  // 0: none
  // A peer that vanishes without a FIN (cable, VM pause) is noticed after about
  // idle + interval * count seconds instead of the kernel's two hours.
  int keepalives_idle_s = 10;
  int keepalives_interval_s = 3;
  int keepalives_count = 3;
  // Unacknowledged data for this long drops the connection (covers a peer gone mid-write).
  int tcp_user_timeout_ms = 20'000;
  std::string application_name = "neuroperf";
};

// Owns a PGresult.
class Result {
 public:
  Result() = default;
  explicit Result(PGresult* result) : result_(result) {}

  PGresult* get() const noexcept { return result_.get(); }
  explicit operator bool() const noexcept { return result_ != nullptr; }
  ExecStatusType status() const noexcept { return PQresultStatus(result_.get()); }
  int rows() const noexcept { return PQntuples(result_.get()); }
  int columns() const noexcept { return PQnfields(result_.get()); }
  bool is_null(int row, int column) const noexcept {
    return PQgetisnull(result_.get(), row, column) != 0;
  }
  std::string_view value(int row, int column) const noexcept {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }

 private:
  struct Clear {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
  };
  std::unique_ptr<PGresult, Clear> result_;
};

// Parameters of one statement; pointers stay owned by the caller until the call returns.
struct Params {
  int count = 0;
  const Oid* types = nullptr;
  const char* const* values = nullptr;
  const int* lengths = nullptr;
  const int* formats = nullptr;
};

// Owns a PGconn. Every failure throws base::Error: ExitCode::kUnreachable when the server
// cannot be reached or the connection is lost, ExitCode::kBadInput when the server rejects a
// statement (the message names the redacted URL, what was being done and the server's reason).
class Connection {
 public:
  // Throws Error(kUnreachable) naming the redacted URL and libpq's first error line.
  explicit Connection(const std::string& url, const ConnectOptions& options = {});

  PGconn* get() const noexcept { return conn_.get(); }
  const std::string& redacted_url() const noexcept { return redacted_url_; }
  bool ok() const noexcept { return PQstatus(conn_.get()) == CONNECTION_OK; }
  int backend_pid() const noexcept { return PQbackendPID(conn_.get()); }

  // Text query, no parameters (DDL, BEGIN/COMMIT). Returns COMMAND_OK or TUPLES_OK results.
  Result exec(const std::string& sql);
  // Parameterised query; result_format 1 asks for binary results.
  Result exec_params(const std::string& sql, const Params& params, int result_format = 0);

  // Prepares `name` once per connection (later calls with the same name do nothing).
  void prepare(const std::string& name, const std::string& sql, int param_count, const Oid* types);
  bool is_prepared(const std::string& name) const { return prepared_.count(name) != 0; }
  Result exec_prepared(const std::string& name, const Params& params, int result_format = 0);

  // Unqualified table names resolve in this schema (validated as a plain identifier).
  void set_search_path(const std::string& schema);

  // Throws the Error for a failed `what`: lost connection -> kUnreachable, else kBadInput.
  [[noreturn]] void fail(const std::string& what, const PGresult* result = nullptr) const;
  // Returns `result` when its status is one of the accepted ones, else fail(what, result).
  Result check(Result result, const std::string& what) const;

 private:
  struct Finish {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
  };
  std::unique_ptr<PGconn, Finish> conn_;
  std::string redacted_url_;
  std::set<std::string> prepared_;
};

// BEGIN on construction; ROLLBACK on destruction unless commit() ran (errors while rolling back
// are ignored: the connection may be the thing that failed).
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) {
    connection_.exec("BEGIN");
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (!done_) PQclear(PQexec(connection_.get(), "ROLLBACK"));
  }
  void commit() {
    done_ = true;
    connection_.exec("COMMIT");
  }

 private:
  Connection& connection_;
  bool done_ = false;
};

// Throws InvalidArgument unless `name` is [a-z_][a-z0-9_]* and at most 63 characters (so it
// can be spliced into DDL without quoting).
void require_identifier(std::string_view name, std::string_view what);

}  // namespace neuro::store
