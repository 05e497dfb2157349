// The engine's error type: one line of text naming what was wrong and where, plus the exit code
// a tool should end with when the error reaches main().
#pragma once

#include <stdexcept>
#include <string>

#include "engine/base/exit_codes.hpp"

namespace neuro::base {

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

// Bad input: wrong sizes, out-of-range parameters, NaN samples, malformed files.
class InvalidArgument : public Error {
 public:
  explicit InvalidArgument(const std::string& message) : Error(ExitCode::kBadInput, message) {}
};

}  // namespace neuro::base
