#include "tools/cli/exec_sibling.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "engine/base/errors.hpp"

namespace neuro::cli {

void exec_sibling(const Sibling& sibling, const std::vector<std::string>& args) {
  std::string binary;
  if (const char* env = std::getenv(sibling.env); env && *env) {
    binary = env;
  } else {
    // <build>/tools/cli/neuroperf -> <build>/<relative>.
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const auto beside = self.parent_path().parent_path().parent_path() / sibling.relative;
    binary = !ec && std::filesystem::exists(beside) ? beside.string() : sibling.built_at;
  }
  std::vector<std::string> copy(args);
  std::vector<char*> argv;
  argv.push_back(binary.data());
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(binary.c_str(), argv.data());
  throw base::InvalidArgument("cannot run " + binary + ": " + std::strerror(errno) +
                              " (build the " + sibling.target_name + " target, or set " +
                              sibling.env + ")");
}

}  // namespace neuro::cli
