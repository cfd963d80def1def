// See progress.h.
#include "host/cli/progress.h"

#include <unistd.h>

#include <cstdarg>
#include <cstdio>

namespace incept::cli {

Progress::Progress() : terminal_(isatty(fileno(stderr)) != 0) {}

void Progress::Update(const char* format, ...) {
  if (terminal_) std::fputc('\r', stderr);
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  if (terminal_) {
    open_line_ = true;
  } else {
    std::fputc('\n', stderr);
  }
  std::fflush(stderr);
}

void Progress::Finish() {
  if (open_line_) std::fputc('\n', stderr);
  open_line_ = false;
}

}  // namespace incept::cli
