#include "engine/server/options.hpp"

#include <thread>

#include "engine/base/errors.hpp"
#include "engine/cache/redis_url.hpp"
#include "engine/store/connection.hpp"

namespace neuro::server {

const char* const kServerUsage =
    "usage: neuroperf serve [--listen HOST:PORT] [--threads N] [--handler-threads N]\n"
    "                       [--job-workers N] [--pg URL] [--redis URL] [--schema NAME]\n"
    "                       [--users FILE] [--data-dir DIR] [--demo-data | --no-demo-data]\n"
    "                       [--max-connections N] [--token-lifetime SECONDS]\n"
    "defaults: --listen 127.0.0.1:8000, --pg $NEUROPERF_PG_URL, --redis $NEUROPERF_REDIS_URL,\n"
    "          --users fixtures/users.txt, --data-dir /tmp/neuroperf-server, --demo-data\n";

namespace {

long parse_number(const std::string& flag, const std::string& text, long low, long high) {
  std::size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < low || value > high) {
    throw base::InvalidArgument(flag + ": expected a whole number in [" + std::to_string(low) +
                                ", " + std::to_string(high) + "], got '" + text + "'");
  }
  return value;
}

}  // namespace

ServerOptions parse_server_args(const std::vector<std::string>& args) {
  ServerOptions o;
  o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw base::InvalidArgument(flag + ": missing value");
      return args[++i];
    };
    if (flag == "--listen") {
      const std::string& v = value();
      const std::size_t colon = v.rfind(':');
      if (colon == std::string::npos || colon == 0) {
        throw base::InvalidArgument("--listen: expected HOST:PORT, got '" + v + "'");
      }
      o.host = v.substr(0, colon);
      o.port = static_cast<unsigned short>(parse_number("--listen", v.substr(colon + 1), 0, 65535));
    } else if (flag == "--threads") {
      o.threads = static_cast<int>(parse_number(flag, value(), 1, 1024));
    } else if (flag == "--handler-threads") {
      o.handler_threads = static_cast<int>(parse_number(flag, value(), 1, 1024));
    } else if (flag == "--job-workers") {
      o.job_workers = static_cast<int>(parse_number(flag, value(), 1, 64));
    } else if (flag == "--pg") {
      o.pg_url = value();
    } else if (flag == "--redis") {
      o.redis_url = value();
    } else if (flag == "--schema") {
      o.schema = value();
      store::require_identifier(o.schema, "--schema");
    } else if (flag == "--users") {
      o.users_file = value();
    } else if (flag == "--data-dir") {
      o.data_dir = value();
    } else if (flag == "--demo-data") {
      o.demo_data = true;
    } else if (flag == "--no-demo-data") {
      o.demo_data = false;
    } else if (flag == "--max-connections") {
      o.limits.max_connections =
          static_cast<std::size_t>(parse_number(flag, value(), 1, 1'000'000));
    } else if (flag == "--token-lifetime") {
      o.token_lifetime = std::chrono::seconds(parse_number(flag, value(), 1, 365L * 86400));
    } else {
      throw base::InvalidArgument("unknown flag '" + flag + "'");
    }
  }
  if (o.pg_url.empty()) o.pg_url = store::pg_url_from_env();
  if (o.redis_url.empty()) {
    const char* env = std::getenv(std::string(cache::kRedisUrlVariable).c_str());
    o.redis_url = env && *env ? env : std::string(cache::kDefaultRedisUrl);
  }
  cache::parse_redis_url(o.redis_url, "--redis");
  return o;
}

}  // namespace neuro::server
