// Progress lines on stderr for long CLI loops (bench iterations, profiled runs).
//
// On a terminal, one line rewritten in place ("\r" before each update) and ended by
// Finish(). Anywhere else (a file, a pipe, a CI log) "\r" would glue every update onto one
// line, so each update is a line of its own and Finish() adds nothing. Not thread-safe: one
// loop reports through one Progress.
#pragma once

namespace incept::cli {

class Progress {
 public:
  Progress();  // looks once whether stderr is a terminal
  explicit Progress(bool terminal) : terminal_(terminal) {}

  // printf-style text of the current state, e.g. Update("profiled run %d/%d", i, n).
  void Update(const char* format, ...) __attribute__((format(printf, 2, 3)));
  // Ends the in-place line (terminal only); call once after the loop.
  void Finish();

 private:
  bool terminal_;
  bool open_line_ = false;
};

}  // namespace incept::cli
