#include "engine/store/connection.hpp"

#include <cstdlib>
#include <regex>
#include <vector>

namespace neuro::store {

using base::Error;
using base::ExitCode;

std::string pg_url_from_env() {
  const char* url = std::getenv("NEUROPERF_PG_URL");
  return url != nullptr && *url != '\0' ? std::string(url) : std::string(kDefaultPgUrl);
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  // URI form: scheme://user:password@host...
  static const std::regex uri_password(R"(^([a-z]+://[^/@:]*):[^@/]*@)");
  out = std::regex_replace(out, uri_password, "$1@");
  // Query or keyword form: password=... (up to & or whitespace).
  static const std::regex keyword_password(R"((password=)[^&\s]*)");
  return std::regex_replace(out, keyword_password, "$1***");
}

namespace {

// libpq messages end with a newline and sometimes hold several lines; keep the first.
std::string first_line(const char* message) {
  std::string text = message != nullptr ? message : "";
  const auto end = text.find('\n');
  if (end != std::string::npos) text.resize(end);
  return text.empty() ? "unknown error" : text;
}

}  // namespace

Connection::Connection(const std::string& url, const ConnectOptions& options)
    : redacted_url_(redact_url(url)) {
  // Our defaults come first and the URL last: with expand_dbname the URL's own settings override
  // them, so a user can still say ?connect_timeout=30 in NEUROPERF_PG_URL.
  const std::string connect_timeout = std::to_string(options.connect_timeout_s);
  const std::string idle = std::to_string(options.keepalives_idle_s);
  const std::string interval = std::to_string(options.keepalives_interval_s);
  const std::string count = std::to_string(options.keepalives_count);
  const std::string user_timeout = std::to_string(options.tcp_user_timeout_ms);
  const std::string server_options =
      "-c statement_timeout=" + std::to_string(options.statement_timeout_ms) +
      " -c client_min_messages=warning";  // NOTICEs (IF NOT EXISTS, CASCADE) are noise here
  const std::vector<const char*> keys{"connect_timeout",  "keepalives",
                                      "keepalives_idle",  "keepalives_interval",
                                      "keepalives_count", "tcp_user_timeout",
                                      "application_name", "options",
                                      "dbname",           nullptr};
  const std::vector<const char*> values{connect_timeout.c_str(),
                                        "1",
                                        idle.c_str(),
                                        interval.c_str(),
                                        count.c_str(),
                                        user_timeout.c_str(),
                                        options.application_name.c_str(),
                                        server_options.c_str(),
                                        url.c_str(),
                                        nullptr};
  conn_.reset(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (!conn_) throw Error(ExitCode::kUnreachable, "postgres " + redacted_url_ + ": out of memory");
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    throw Error(ExitCode::kUnreachable, "postgres " + redacted_url_ + ": cannot connect: " +
                                            first_line(PQerrorMessage(conn_.get())));
  }
}

void Connection::fail(const std::string& what, const PGresult* result) const {
  const char* message = result != nullptr ? PQresultErrorMessage(result) : nullptr;
  if (message == nullptr || *message == '\0') message = PQerrorMessage(conn_.get());
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    throw Error(ExitCode::kUnreachable, "postgres " + redacted_url_ + ": connection lost during " +
                                            what + ": " + first_line(message));
  }
  throw Error(ExitCode::kBadInput,
              "postgres " + redacted_url_ + ": " + what + " failed: " + first_line(message));
}

Result Connection::check(Result result, const std::string& what) const {
  if (!result) fail(what);
  const auto status = result.status();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(what, result.get());
  return result;
}

Result Connection::exec(const std::string& sql) {
  return check(Result(PQexec(conn_.get(), sql.c_str())), sql.substr(0, 60));
}

Result Connection::exec_params(const std::string& sql, const Params& p, int result_format) {
  return check(Result(PQexecParams(conn_.get(), sql.c_str(), p.count, p.types, p.values, p.lengths,
                                   p.formats, result_format)),
               sql.substr(0, 60));
}

void Connection::prepare(const std::string& name, const std::string& sql, int param_count,
                         const Oid* types) {
  if (is_prepared(name)) return;
  check(Result(PQprepare(conn_.get(), name.c_str(), sql.c_str(), param_count, types)),
        "prepare " + name);
  prepared_.insert(name);
}

Result Connection::exec_prepared(const std::string& name, const Params& p, int result_format) {
  return check(Result(PQexecPrepared(conn_.get(), name.c_str(), p.count, p.values, p.lengths,
                                     p.formats, result_format)),
               "execute " + name);
}

void Connection::set_search_path(const std::string& schema) {
  require_identifier(schema, "schema");
  exec("SET search_path TO " + schema + ", public");
}

void require_identifier(std::string_view name, std::string_view what) {
  bool ok = !name.empty() && name.size() <= 63 && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (!ok) {
    throw base::InvalidArgument(std::string(what) + " '" + std::string(name) +
                                "': expected a lower-case identifier [a-z_][a-z0-9_]*, at most "
                                "63 characters");
  }
}

}  // namespace neuro::store
