// Test helper for cli_load_test.cmake: starts the load test server (load/testing) and runs a
// command with {URL} replaced by its address and {PID} by this process id, then exits with
// the command's status. CMake scripts cannot keep a server in the background; this can.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "load/testing/test_server.hpp"

extern char** environ;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs("usage: load_cli_server COMMAND [ARGS...] ({URL}, {PID} are replaced)\n", stderr);
    return 2;
  }
  neuro::load::testing::TestServer server;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
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
