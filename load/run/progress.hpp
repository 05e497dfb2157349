// Live progress on stderr once a second: elapsed, users or rate, throughput, p95, errors. On a
// terminal one line is rewritten in place; otherwise (CI logs) one line per second.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace neuro::load {

struct ProgressLine {
  double elapsed_s = 0;
  double planned_s = 0;
  std::string load;   // "50 users" or "1000 req/s"
  double rps = 0;     // over the last second
  double p95_ms = 0;  // over the last second
  std::int64_t requests = 0;
  std::int64_t errors = 0;
};

class Progress {
 public:
  // quiet: print nothing. tty: rewrite in place (default: isatty of the stream).
  Progress(std::FILE* out, bool quiet);
  void update(const ProgressLine& line);
  void message(const std::string& text);  // a line of its own (threshold abort, stage verdict)
  void finish();

 private:
  std::FILE* out_;
  bool quiet_;
  bool tty_;
  bool open_line_ = false;
};

std::string format_progress(const ProgressLine& line);

}  // namespace neuro::load
