// Replaces this process with another executable of the suite (the server, the video commands),
// so that the CLI need not link what they link. Which file: the one named by the environment
// variable `env` when set, else the one at `relative` under this CLI's build directory
// (<build>/tools/cli/neuroperf), else `built_at`, where the build that made this CLI put it.
#pragma once

#include <string>
#include <vector>

namespace neuro::cli {

struct Sibling {
  const char* env;          // e.g. NEUROPERF_SERVER_BIN
  const char* relative;     // e.g. engine/server/neuroperf-server
  const char* built_at;     // the build's absolute path of it
  const char* target_name;  // the CMake target that builds it, for the error
};

// argv[0] is the binary, then `args`. Returns only by throwing (the exec failed).
[[noreturn]] void exec_sibling(const Sibling& sibling, const std::vector<std::string>& args);

}  // namespace neuro::cli
