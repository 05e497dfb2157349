#include "engine/cache/connection.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <csignal>
#include <mutex>
#include <vector>

#include "engine/base/errors.hpp"

namespace neuro::cache {
namespace {

using base::Error;
using base::ExitCode;

timeval to_timeval(int ms) {
  return timeval{.tv_sec = ms / 1000, .tv_usec = static_cast<suseconds_t>(ms % 1000) * 1000};
}

// At most this many arguments go through the stack arrays; longer commands use the heap.
constexpr std::size_t kInlineArgs = 8;

}  // namespace

// ---- Reply -------------------------------------------------------------------------------

Reply::Reply(redisReply* reply) noexcept : reply_(reply) {}
void Reply::Free::operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }

bool Reply::is_nil() const noexcept { return reply_ && reply_->type == REDIS_REPLY_NIL; }
bool Reply::is_error() const noexcept { return reply_ && reply_->type == REDIS_REPLY_ERROR; }
bool Reply::is_string() const noexcept { return reply_ && reply_->type == REDIS_REPLY_STRING; }
bool Reply::is_integer() const noexcept { return reply_ && reply_->type == REDIS_REPLY_INTEGER; }
bool Reply::is_status() const noexcept { return reply_ && reply_->type == REDIS_REPLY_STATUS; }

std::string_view Reply::text() const noexcept {
  if (!reply_ || reply_->str == nullptr) return {};
  return {reply_->str, reply_->len};
}

std::int64_t Reply::integer() const noexcept { return is_integer() ? reply_->integer : 0; }

std::string_view Reply::type_name() const noexcept {
  if (!reply_) return "none";
  switch (reply_->type) {
    case REDIS_REPLY_STRING:
      return "string";
    case REDIS_REPLY_ARRAY:
      return "array";
    case REDIS_REPLY_INTEGER:
      return "integer";
    case REDIS_REPLY_NIL:
      return "nil";
    case REDIS_REPLY_STATUS:
      return "status";
    case REDIS_REPLY_ERROR:
      return "error";
    default:
      return "unknown";
  }
}

// ---- Connection --------------------------------------------------------------------------

void Connection::Free::operator()(redisContext* context) const noexcept { redisFree(context); }

Connection::Connection(std::unique_ptr<redisContext, Free> context, RedisUrl url,
                       ConnectionOptions options)
    : context_(std::move(context)), url_(std::move(url)), options_(options) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Connection Connection::open(const RedisUrl& url, const ConnectionOptions& options) {
  // hiredis writes with write(2): a server that went away would kill the process with SIGPIPE
  // instead of becoming an error. Process-wide, but only ever from default to ignore.
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });
  if (options.connect_timeout_ms <= 0 || options.command_timeout_ms <= 0) {
    throw base::InvalidArgument("redis connection options for " + url.display() +
                                ": connect_timeout_ms and command_timeout_ms must be > 0");
  }
  std::unique_ptr<redisContext, Free> context(
      redisConnectWithTimeout(url.host.c_str(), url.port, to_timeval(options.connect_timeout_ms)));
  if (!context) throw Error(ExitCode::kUnreachable, url.display() + ": out of memory");
  if (context->err != 0) {
    throw Error(ExitCode::kUnreachable, url.display() + ": cannot connect: " + context->errstr +
                                            " (connect timeout " +
                                            std::to_string(options.connect_timeout_ms) + " ms)");
  }
  if (redisSetTimeout(context.get(), to_timeval(options.command_timeout_ms)) != REDIS_OK) {
    throw Error(ExitCode::kUnreachable, url.display() + ": cannot set the command timeout");
  }
  Connection connection(std::move(context), url, options);
  // A server that refuses our credentials or database is as unusable as an absent one.
  const auto setup = [&](std::initializer_list<std::string_view> args, std::string_view what) {
    const Reply reply = connection.command_unchecked(args);
    if (reply.is_error()) {
      throw Error(ExitCode::kUnreachable, url.display() + ": " + std::string(what) +
                                              " refused: " + std::string(reply.text()));
    }
  };
  if (!url.password.empty()) setup({"AUTH", url.password}, "AUTH");
  if (url.db != 0) setup({"SELECT", std::to_string(url.db)}, "SELECT " + std::to_string(url.db));
  return connection;
}

bool Connection::broken() const noexcept { return !context_ || context_->err != 0; }

void Connection::throw_io_error(std::string_view doing) {
  std::string why = context_ ? context_->errstr : "connection moved from";
  // hiredis reports a socket timeout as EAGAIN's text; say what it means.
  if (context_ && context_->err == REDIS_ERR_IO &&
      (why.find("temporarily unavailable") != std::string::npos ||
       why.find("timed out") != std::string::npos)) {
    why = "no reply within " + std::to_string(options_.command_timeout_ms) + " ms";
  }
  throw Error(ExitCode::kUnreachable, url_.display() + ": " + std::string(doing) + ": " + why);
}

void Connection::append(std::span<const std::string_view> args) {
  if (broken()) throw_io_error("append");
  const char* inline_argv[kInlineArgs];
  std::size_t inline_lengths[kInlineArgs];
  std::vector<const char*> heap_argv;
  std::vector<std::size_t> heap_lengths;
  const char** argv = inline_argv;
  std::size_t* lengths = inline_lengths;
  if (args.size() > kInlineArgs) {
    heap_argv.resize(args.size());
    heap_lengths.resize(args.size());
    argv = heap_argv.data();
    lengths = heap_lengths.data();
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    argv[i] = args[i].data();
    lengths[i] = args[i].size();
  }
  if (redisAppendCommandArgv(context_.get(), static_cast<int>(args.size()), argv, lengths) !=
      REDIS_OK) {
    throw_io_error("append");
  }
  ++pending_;
}

void Connection::append(std::initializer_list<std::string_view> args) {
  append(std::span<const std::string_view>(args.begin(), args.size()));
}

void Connection::append_formatted(std::string_view resp) {
  if (broken()) throw_io_error("append");
  if (redisAppendFormattedCommand(context_.get(), resp.data(), resp.size()) != REDIS_OK) {
    throw_io_error("append");
  }
  ++pending_;
}

std::string format_command(std::initializer_list<std::string_view> args) {
  std::string out = "*";
  out += std::to_string(args.size());
  out += "\r\n";
  for (const auto& arg : args) {
    out += '$';
    out += std::to_string(arg.size());
    out += "\r\n";
    out += arg;
    out += "\r\n";
  }
  return out;
}

Reply Connection::read_reply() {
  if (broken()) throw_io_error("read");
  void* raw = nullptr;
  if (redisGetReply(context_.get(), &raw) != REDIS_OK || raw == nullptr) {
    Reply discard(static_cast<redisReply*>(raw));
    throw_io_error("read");
  }
  if (pending_ > 0) --pending_;
  return Reply(static_cast<redisReply*>(raw));
}

Reply Connection::command_unchecked(std::initializer_list<std::string_view> args) {
  append(args);
  return read_reply();
}

Reply Connection::command(std::initializer_list<std::string_view> args) {
  Reply reply = command_unchecked(args);
  if (reply.is_error()) {
    std::string what;
    for (std::size_t i = 0; const auto& arg : args) {
      if (i++ == 2) break;  // the command and its key; values can be megabytes
      if (!what.empty()) what += ' ';
      what += arg;
    }
    throw_if_error(reply, *this, what);
  }
  return reply;
}

void throw_if_error(const Reply& reply, const Connection& connection, std::string_view what) {
  if (!reply.is_error()) return;
  throw base::Error(
      base::ExitCode::kBadInput,
      connection.url().display() + ": " + std::string(what) + ": " + std::string(reply.text()));
}

}  // namespace neuro::cache
