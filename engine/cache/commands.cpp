#include "engine/cache/commands.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <optional>

#include "engine/base/errors.hpp"
#include "engine/cache/value_codec.hpp"

namespace neuro::cache {
namespace {

using base::InvalidArgument;

void check_expiry(ExpiryMs expiry_ms, std::string_view key) {
  if (expiry_ms < 0) {
    throw InvalidArgument("expiry for '" + std::string(key) + "' is " + std::to_string(expiry_ms) +
                          " ms; expected >= 0 (0: none)");
  }
}

// SET key value [PX ms], queued on the connection (sent with the next read).
void append_set(Connection& connection, std::string_view key, std::string_view value,
                ExpiryMs expiry_ms) {
  if (expiry_ms == 0) {
    const std::array<std::string_view, 3> args{"SET", key, value};
    connection.append(args);
    return;
  }
  const std::string px = std::to_string(expiry_ms);
  const std::array<std::string_view, 5> args{"SET", key, value, "PX", px};
  connection.append(args);
}

[[noreturn]] void unexpected(const Reply& reply, const Connection& connection,
                             std::string_view verb, std::string_view key,
                             std::string_view expected) {
  const std::string what = std::string(verb) + " " + std::string(key);
  throw_if_error(reply, connection, what);
  throw base::Error(base::ExitCode::kBadInput, connection.url().display() + ": " + what +
                                                   ": expected " + std::string(expected) +
                                                   " reply, got " + std::string(reply.type_name()));
}

// Messages are built only on failure: these run once per key in pipelines.
void expect_ok(const Reply& reply, const Connection& connection, std::string_view key) {
  if (!reply.is_status()) unexpected(reply, connection, "SET", key, "a status");
}

std::optional<std::string> string_or_nil(const Reply& reply, const Connection& connection,
                                         std::string_view key) {
  if (reply.is_nil()) return std::nullopt;
  if (!reply.is_string()) unexpected(reply, connection, "GET", key, "a string");
  return std::string(reply.text());
}

// Runs `count` commands, `depth` per round trip: append(i) queues command i, on_reply(i, reply)
// consumes its reply. The first error reply or exception of a window is rethrown after the
// window's replies are all read.
template <typename Append, typename OnReply>
void pipelined(Connection& connection, std::size_t count, std::size_t depth, Append append,
               OnReply on_reply) {
  if (depth == 0) throw InvalidArgument("pipeline depth must be >= 1");
  for (std::size_t begin = 0; begin < count; begin += depth) {
    const std::size_t end = std::min(count, begin + depth);
    for (std::size_t i = begin; i < end; ++i) append(i);
    std::exception_ptr first_error;
    for (std::size_t i = begin; i < end; ++i) {
      Reply reply = connection.read_reply();  // I/O errors throw: the stream is lost anyway
      if (first_error) continue;
      try {
        on_reply(i, reply);
      } catch (...) {
        first_error = std::current_exception();
      }
    }
    if (first_error) std::rethrow_exception(first_error);
  }
}

}  // namespace

void set_string(Connection& connection, std::string_view key, std::string_view value,
                ExpiryMs expiry_ms) {
  check_expiry(expiry_ms, key);
  append_set(connection, key, value, expiry_ms);
  expect_ok(connection.read_reply(), connection, key);
}

std::optional<std::string> get_string(Connection& connection, std::string_view key) {
  connection.append({"GET", key});
  return string_or_nil(connection.read_reply(), connection, key);
}

void set_json(Connection& connection, std::string_view key, const nlohmann::json& value,
              ExpiryMs expiry_ms) {
  set_string(connection, key, encode_json(value, key), expiry_ms);
}

std::optional<nlohmann::json> get_json(Connection& connection, std::string_view key) {
  auto bytes = get_string(connection, key);
  if (!bytes) return std::nullopt;
  return decode_json(*bytes, key);
}

void set_chunk(Connection& connection, std::string_view key, const common::SignalBlock& block,
               ExpiryMs expiry_ms) {
  set_string(connection, key, encode_chunk(block), expiry_ms);
}

std::optional<common::SignalBlock> get_chunk(Connection& connection, std::string_view key) {
  connection.append({"GET", key});
  const Reply reply = connection.read_reply();
  if (reply.is_nil()) return std::nullopt;
  // Decode straight from the reply buffer: a chunk is tens of kilobytes, not worth a copy.
  if (!reply.is_string()) unexpected(reply, connection, "GET", key, "a string");
  return decode_chunk(reply.text(), key);
}

bool remove(Connection& connection, std::string_view key) {
  return connection.command({"DEL", key}).integer() > 0;
}

bool expire(Connection& connection, std::string_view key, ExpiryMs expiry_ms) {
  check_expiry(expiry_ms, key);
  return connection.command({"PEXPIRE", key, std::to_string(expiry_ms)}).integer() == 1;
}

std::optional<std::int64_t> ttl_ms(Connection& connection, std::string_view key) {
  const std::int64_t ttl = connection.command({"PTTL", key}).integer();
  if (ttl == -2) return std::nullopt;
  return ttl;
}

std::vector<std::optional<std::string>> multi_get(Connection& connection,
                                                  std::span<const std::string> keys,
                                                  std::size_t depth) {
  std::vector<std::optional<std::string>> values(keys.size());
  pipelined(
      connection, keys.size(), depth,
      [&](std::size_t i) {
        connection.append({"GET", keys[i]});
      },
      [&](std::size_t i, const Reply& reply) {
        values[i] = string_or_nil(reply, connection, keys[i]);
      });
  return values;
}

void multi_set(Connection& connection, std::span<const KeyValue> items, ExpiryMs expiry_ms,
               std::size_t depth) {
  if (!items.empty()) check_expiry(expiry_ms, items.front().key);
  pipelined(
      connection, items.size(), depth,
      [&](std::size_t i) { append_set(connection, items[i].key, items[i].value, expiry_ms); },
      [&](std::size_t i, const Reply& reply) { expect_ok(reply, connection, items[i].key); });
}

std::size_t multi_remove(Connection& connection, std::span<const std::string> keys,
                         std::size_t depth) {
  std::size_t removed = 0;
  pipelined(
      connection, keys.size(), depth,
      [&](std::size_t i) {
        connection.append({"DEL", keys[i]});
      },
      [&](std::size_t i, const Reply& reply) {
        if (!reply.is_integer()) unexpected(reply, connection, "DEL", keys[i], "an integer");
        removed += reply.integer() > 0 ? 1 : 0;
      });
  return removed;
}

}  // namespace neuro::cache
