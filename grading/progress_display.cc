// Progress lines for class grading (see progress_display.h).
#include "grading/progress_display.h"

#include <fmt/format.h>

#include <cstdint>

#include "grading/display_text.h"

namespace labgrade {
namespace {

constexpr int kBarColumns = 20;
// Erases what is left of a longer earlier line.
constexpr std::string_view kEraseToLineEnd = "\x1b[K";

std::string Bar(int done, int total) {
  const int filled = total > 0 ? done * kBarColumns / total : kBarColumns;
  return "[" + std::string(filled, '#') + std::string(kBarColumns - filled, '.') + "]";
}

}  // namespace

std::string HumanDuration(std::chrono::seconds duration) {
  const auto seconds = duration.count();
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
  return fmt::format("{}h{:02}m", seconds / 3600, seconds % 3600 / 60);
}

ProgressDisplay::ProgressDisplay(bool terminal, int students, int max_total)
    : terminal_(terminal), students_(students), max_total_(max_total) {}

std::string ProgressDisplay::Record(const StudentGrade& student,
                                    std::chrono::milliseconds elapsed) {
  ++graded_;
  if (HasFailures(student, max_total_)) ++with_failures_;
  return terminal_ ? TerminalLine(elapsed) : PipedLine(student);
}

std::string ProgressDisplay::TerminalLine(std::chrono::milliseconds elapsed) const {
  std::string line = fmt::format("\r{} graded {}/{}, {} with failures", Bar(graded_, students_),
                                 graded_, students_, with_failures_);
  if (graded_ < students_) {
    // Students take about as long as those before them did.
    const auto left = elapsed * (students_ - graded_) / graded_;
    line += fmt::format(", ~{} left", HumanDuration(std::chrono::ceil<std::chrono::seconds>(left)));
  }
  line += kEraseToLineEnd;
  if (graded_ >= students_) line += "\n";
  return line;
}

std::string ProgressDisplay::PipedLine(const StudentGrade& student) const {
  std::string line =
      fmt::format("graded {}: {}/{} ({}/{})", EscapeForDisplay(student.student_id, SIZE_MAX),
                  student.total, max_total_, graded_, students_);
  if (!student.grader_error.empty()) {
    line += ", grader error";
  } else if (!student.build_ok) {
    line += ", did not build";
  }
  return line + "\n";
}

}  // namespace labgrade
