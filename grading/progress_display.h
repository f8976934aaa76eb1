// Progress of a class grading run on stderr: on a terminal one line redrawn in place
// ("graded 12/40, 3 with failures, ~1m20s left"), when piped one plain line per student
// ("graded alice: 73/100 (12/40)") that a log keeps.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "grading/class_grades.h"

namespace labgrade {

/// A duration as a person reads it: "45s", "1m20s", "2h05m".
std::string HumanDuration(std::chrono::seconds duration);

/// Counts graded students and renders the text to write after each. Not thread-safe: the caller
/// serialises calls.
class ProgressDisplay {
 public:
  /// `students` to grade in all, `max_total` the points one can get.
  ProgressDisplay(bool terminal, int students, int max_total);

  /// Records one graded student, `elapsed` after the run started, and returns what to write:
  /// on a terminal "\r<bar> graded N/M, F with failures, ~T left" and the erase-line code (a
  /// newline after the last student), else "graded <id>: <total>/<max> (N/M)" with
  /// ", did not build" or ", grader error" appended when so, and a newline.
  std::string Record(const StudentGrade& student, std::chrono::milliseconds elapsed);

 private:
  std::string TerminalLine(std::chrono::milliseconds elapsed) const;
  std::string PipedLine(const StudentGrade& student) const;

  bool terminal_;
  int students_;
  int max_total_;
  int graded_ = 0;
  int with_failures_ = 0;
};

}  // namespace labgrade
