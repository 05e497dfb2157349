// Exit codes shared by every neuroperf tool and script.
#pragma once

namespace neuro::base {

enum class ExitCode : int {
  kOk = 0,               // everything passed
  kThresholdFailed = 1,  // a threshold or regression check failed
  kBadInput = 2,         // bad usage or bad input (file, field, size)
  kUnreachable = 3,      // the target or a service could not be reached
  kSkip = 77,            // nothing comparable to do (CTest's skip code)
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace neuro::base
