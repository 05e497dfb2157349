#include "load/run/progress.hpp"

#include <unistd.h>

namespace neuro::load {

std::string format_progress(const ProgressLine& l) {
  char text[256];
  const double error_pct =
      l.requests ? 100.0 * static_cast<double>(l.errors) / static_cast<double>(l.requests) : 0.0;
  std::snprintf(text, sizeof text,
                "[%5.0fs/%.0fs] %s | %.0f req/s | p95 %.2f ms | %lld requests | errors %lld "
                "(%.2f%%)",
                l.elapsed_s, l.planned_s, l.load.c_str(), l.rps, l.p95_ms,
                static_cast<long long>(l.requests), static_cast<long long>(l.errors), error_pct);
  return text;
}

Progress::Progress(std::FILE* out, bool quiet)
    : out_(out), quiet_(quiet), tty_(out && ::isatty(::fileno(out))) {}

void Progress::update(const ProgressLine& line) {
  if (quiet_ || !out_) return;
  const auto text = format_progress(line);
  if (tty_) {
    std::fprintf(out_, "\r%s\x1b[K", text.c_str());
    open_line_ = true;
  } else {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  std::fflush(out_);
}

void Progress::message(const std::string& text) {
  if (quiet_ || !out_) return;
  if (open_line_) std::fputc('\n', out_);
  open_line_ = false;
  std::fprintf(out_, "%s\n", text.c_str());
  std::fflush(out_);
}

void Progress::finish() {
  if (quiet_ || !out_) return;
  if (open_line_) std::fputc('\n', out_);
  open_line_ = false;
  std::fflush(out_);
}

}  // namespace neuro::load
