// The server's own tables (patients, API sessions with string ids, their chunk index, jobs,
// reports) next to the store's sample tables and volume schema, created at start-up, and a
// small helper for parameterised text queries.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/connection.hpp"

namespace neuro::server {

// Creates the schema (sample tables, volume tables, API tables) if missing and sets the
// connection's search_path to it.
void create_api_schema(store::Connection& connection, const std::string& schema);

// Runs `sql` with text parameters ($1..$n; nullopt is SQL NULL) and text results.
store::Result query(store::Connection& connection, const std::string& sql,
                    const std::vector<std::optional<std::string>>& params = {});

// A random 16-hex-digit id with this prefix ("pat_3f...", "job_...").
std::string new_id(const std::string& prefix);

}  // namespace neuro::server
