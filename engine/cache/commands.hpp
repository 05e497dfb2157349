// The cache operations the engine uses, typed: strings, JSON documents and float32 signal
// chunks; get, set with an expiry in milliseconds, delete, TTL; and pipelined multi-get,
// multi-set and multi-delete that keep up to `depth` commands in flight per round trip.
// A missing key is an empty optional, never an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cache/connection.hpp"
#include "engine/common/signal_block.hpp"

namespace neuro::cache {

// 0 means no expiry; negative values throw base::InvalidArgument.
using ExpiryMs = std::int64_t;

// Raw bytes (strings are bytes: any content, embedded NULs included).
void set_string(Connection& connection, std::string_view key, std::string_view value,
                ExpiryMs expiry_ms = 0);
std::optional<std::string> get_string(Connection& connection, std::string_view key);

void set_json(Connection& connection, std::string_view key, const nlohmann::json& value,
              ExpiryMs expiry_ms = 0);
// Throws base::InvalidArgument naming the key when the stored value is not JSON.
std::optional<nlohmann::json> get_json(Connection& connection, std::string_view key);

void set_chunk(Connection& connection, std::string_view key, const common::SignalBlock& block,
               ExpiryMs expiry_ms = 0);
// Throws base::InvalidArgument naming the key when the stored value is not a whole chunk.
std::optional<common::SignalBlock> get_chunk(Connection& connection, std::string_view key);

// DEL; true when the key existed.
bool remove(Connection& connection, std::string_view key);
// PEXPIRE; true when the key existed.
bool expire(Connection& connection, std::string_view key, ExpiryMs expiry_ms);
// PTTL: nullopt for a missing key, -1 for a key without expiry, else milliseconds left.
std::optional<std::int64_t> ttl_ms(Connection& connection, std::string_view key);

struct KeyValue {
  std::string key;
  std::string value;  // already encoded (encode_json, encode_chunk) or a plain string
};

// Pipelined: `depth` commands are sent together, then their replies read, until all are done
// (depth 1 is one round trip per key). Results come back in the order of `keys`. Every reply of
// a window is read before an error reply is thrown, so the connection stays usable.
// depth == 0 throws base::InvalidArgument.
std::vector<std::optional<std::string>> multi_get(Connection& connection,
                                                  std::span<const std::string> keys,
                                                  std::size_t depth);
void multi_set(Connection& connection, std::span<const KeyValue> items, ExpiryMs expiry_ms,
               std::size_t depth);
// Returns how many of the keys existed.
std::size_t multi_remove(Connection& connection, std::span<const std::string> keys,
                         std::size_t depth);

}  // namespace neuro::cache
