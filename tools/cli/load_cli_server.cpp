// Test helper for cli_load_test.cmake: starts the load test server (load/testing) and runs a
// command with {URL} replaced by its address and {PID} by this process id, then exits with
// the command's status. CMake scripts cannot keep a server in the background; this can.
// Leading --tls and --http2 start the server in those modes (HTTPS, HTTP/2); --stall P:S holds
// every response during the first S ms of each P ms (the coordinated-omission scenario, used by
// scripts/anchors/load_coordinated_omission.sh).
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <string>
#include <vector>

#include "load/testing/test_server.hpp"

extern char** environ;

int main(int argc, char** argv) {
  neuro::load::testing::TestServerOptions options;
  int first = 1;
  for (; first < argc; ++first) {
    const std::string flag = argv[first];
    if (flag == "--tls") {
      options.tls = true;
    } else if (flag == "--http2") {
      options.http2 = true;
    } else if (flag == "--stall" && first + 1 < argc) {
      const std::string v = argv[++first];
      const char* end = v.data() + v.size();
      const auto period = std::from_chars(v.data(), end, options.stall_period_ms);
      const bool colon = period.ec == std::errc() && period.ptr != end && *period.ptr == ':';
      const auto stall = colon ? std::from_chars(period.ptr + 1, end, options.stall_ms)
                               : std::from_chars_result{end, std::errc::invalid_argument};
      if (stall.ec != std::errc() || stall.ptr != end || options.stall_period_ms <= 0 ||
          options.stall_ms <= 0 || options.stall_ms >= options.stall_period_ms) {
        std::fprintf(stderr, "load_cli_server: --stall: expected PERIOD_MS:STALL_MS, got '%s'\n",
                     v.c_str());
        return 2;
      }
    } else {
      break;
    }
  }
  if (first >= argc) {
    std::fputs(
        "usage: load_cli_server [--tls] [--http2] [--stall PERIOD_MS:STALL_MS] COMMAND [ARGS...] "
        "({URL}, {PID} are replaced)\n",
        stderr);
    return 2;
  }
  if (options.http2 && !neuro::load::testing::TestServer::http2_supported()) {
    std::fputs("load_cli_server: built without libnghttp2: no HTTP/2 (skipped)\n", stderr);
    return 77;
  }
  neuro::load::testing::TestServer server(options);
  std::vector<std::string> args;
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    for (const auto& [key, value] :
         {std::pair<std::string, std::string>{"{URL}", server.url()},
          std::pair<std::string, std::string>{"{PID}", std::to_string(::getpid())}}) {
      for (auto at = a.find(key); at != std::string::npos; at = a.find(key)) {
        a.replace(at, key.size(), value);
      }
    }
    args.push_back(a);
  }
  std::vector<char*> raw;
  raw.reserve(args.size() + 1);
  for (auto& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  pid_t child = 0;
  if (::posix_spawn(&child, raw[0], nullptr, nullptr, raw.data(), environ) != 0) {
    std::perror("load_cli_server: spawn");
    return 2;
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
