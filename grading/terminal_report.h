// The student's view of a grading run on a terminal: a header, one line per test with what went
// wrong under it, and the score. Also the plain-text pieces (one test's details, a failed build,
// a grader error) that the Gradescope and JUnit writers reuse, so every report says the same words.
#pragma once

#include <string>
#include <string_view>

#include "harness/verdict.h"

namespace labgrade {

struct TerminalStyle {
  bool color = false;               ///< ANSI colours on marks, headings and the score
  bool show_hidden_details = true;  ///< false: a hidden test shows only its line, no details
  int width = 100;                  ///< columns; test names are not padded past this
};

/// Whether to colour what is written to `fd`: not when NO_COLOR is set to a non-empty
/// value (no-color.org: an empty one is no choice), not when TERM is "dumb", not when `fd` is not a
/// terminal.
bool ShouldUseColor(int fd);

/// The same decision with the environment passed in; nullptr means the variable is unset.
bool ShouldUseColor(bool is_terminal, const char* no_color, const char* term);

/// The whole report as the student reads it; every line ends in '\n', the last is
/// "Score: <score>/<max_score>".
std::string RenderTerminalReport(const GradeReport& report, const TerminalStyle& style);

/// What went wrong in one test, as plain unindented lines ending in '\n'; empty for a pass.
/// A test the grader could not run starts with "Grader error (not your fault): ".
std::string RenderTestDetails(const TestResult& test);

/// Whether the submission did not build, so no test ran and the score is 0. False when the
/// grader failed before it ran the build command: that is not the student's failure.
bool SubmissionFailedToBuild(const GradeReport& report);

/// "Build failed", then the command and the compiler's output (capped), indented.
std::string RenderBuildFailure(const BuildResult& build);

/// A grader error that is not one test's: "Grader error (not your fault): <error>" and what the
/// student should do about it.
std::string RenderGraderError(std::string_view error);

/// What the views students read at once (job summary, Classroom, JUnit) say instead of a failed
/// hidden test's details, which wait until grades are published (Gradescope's after_published).
inline constexpr std::string_view kHiddenDetailsWithheld =
    "a hidden test: its details are shown once grades are published";

/// " (not counted: N points of skipped tests)" when the report skipped some tests, else "".
/// Every view that shows the score appends it, so "85/85" never reads as a full 100.
std::string SkippedPointsNote(const GradeReport& report);

/// How the tests were isolated, on one line: "isolated: <how>", or "host mode (one test at a
/// time): <why>".
std::string IsolationText(const GradeReport& report);

/// "a, b": the names of the report's skipped tests, in its order.
std::string SkippedTestNames(const GradeReport& report);

/// "Not counted: N points of tests this machine could not run (a, b); they are not in this
/// score.\n", or "" when none was skipped: what a score that leaves points out says once.
std::string SkippedTestsNote(const GradeReport& report);

}  // namespace labgrade
