// The server's settings: where it listens, its threads, the services it uses, its data
// directory, and the limits every connection and route is held to. parse_server_args reads the
// command line of `neuroperf serve` / neuroperf-server.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace neuro::server {

struct Limits {
  std::size_t header_bytes = 16 << 10;              // request line + headers
  std::size_t json_body_bytes = 1 << 20;            // every JSON route
  std::size_t chunk_body_bytes = 256u << 20;        // POST /api/v2/sessions/{id}/data (in memory)
  std::size_t upload_body_bytes = 1u << 30;         // POST /api/v2/data/upload (streamed to disk)
  std::size_t inference_body_bytes = 16u << 20;     // POST /api/v2/inference/{model}
  std::size_t max_connections = 10'000;             // open HTTP connections; past it: 503, closed
  std::chrono::milliseconds idle_timeout{60'000};   // keep-alive wait for the next request header
  std::chrono::milliseconds read_timeout{30'000};   // each body piece (256 KB or the rest) in it
  std::chrono::milliseconds body_timeout{300'000};  // a whole buffered body
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8000;            // 0: the kernel picks (tests); Server::port() tells which
  int threads = 2;                       // I/O threads
  int handler_threads = 8;               // blocking handlers (database, DSP, inference waits)
  int job_workers = 2;                   // upload ingest and analyses
  std::string pg_url;                    // empty: NEUROPERF_PG_URL or the embedded default
  std::string redis_url;                 // empty: NEUROPERF_REDIS_URL or the embedded default
  std::string schema = "neuroperf_api";  // PostgreSQL schema of the server's tables
  std::filesystem::path users_file;      // empty: fixtures/users.txt next to the sources
  std::filesystem::path data_dir = "/tmp/neuroperf-server";
  bool demo_data = true;
  std::string token_secret;  // empty: data_dir/token_secret (made once)
  std::chrono::seconds token_lifetime{24 * 3600};
  std::chrono::milliseconds health_interval{1000};
  std::chrono::milliseconds drain_timeout{4000};  // SIGTERM: in-flight work gets this long
  std::size_t ingest_chunk_samples = 1000;        // samples per stored chunk row
  Limits limits;
};

// Throws base::InvalidArgument naming the flag for bad usage. Reads NEUROPERF_PG_URL and
// NEUROPERF_REDIS_URL for what the flags leave unset.
ServerOptions parse_server_args(const std::vector<std::string>& args);

extern const char* const kServerUsage;

}  // namespace neuro::server
