// The terminal report and the plain-text pieces shared with the other writers (see
// terminal_report.h). Everything that came from a student's program goes through display_text
// first, so a stray byte cannot move the cursor or break a results file.
#include "grading/terminal_report.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "grading/display_text.h"

namespace labgrade {
namespace {

constexpr std::string_view kGraderErrorLabel = "Grader error (not your fault): ";
constexpr std::string_view kBuildFailed = "Build failed";
// A safety net above the producers own limit (output_match.h cuts at 200 escaped bytes).
constexpr std::size_t kValueShownBytes = 256;
constexpr std::size_t kBuildLogShownLines = 60;
constexpr std::size_t kDiffShownLines = 40;
constexpr std::size_t kStderrShownLines = 20;
constexpr std::size_t kMarkColumns = 5;                // "ERROR", the longest mark
constexpr std::string_view kDetailIndent = "       ";  // under the test's name

constexpr std::string_view kBold = "1";
constexpr std::string_view kGreen = "32";
constexpr std::string_view kRed = "1;31";
constexpr std::string_view kYellow = "1;33";
constexpr std::string_view kGrey = "90";

std::string Paint(const TerminalStyle& style, std::string_view sgr, std::string_view text) {
  if (!style.color) return std::string(text);
  return fmt::format("\x1b[{}m{}\x1b[0m", sgr, text);
}

// A name or short phrase from the spec or the harness, kept on one line.
std::string OneLine(std::string_view text) { return EscapeForDisplay(text, SIZE_MAX); }

/// An expected or actual value: already printable (its producer escaped it), so shown as it
/// is but for stray control bytes, and cut to one line's worth without splitting a character.
std::string ShownValue(std::string_view value) {
  std::string shown = EscapeControlBytes(value);
  if (shown.size() <= kValueShownBytes) return shown;
  std::size_t cut = kValueShownBytes;
  while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
  return fmt::format("{}… ({} more bytes)", shown.substr(0, cut), shown.size() - cut);
}

// Columns `text` takes on a terminal, counting each UTF-8 character as one.
std::size_t DisplayColumns(std::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char byte) { return (byte & 0xC0) != 0x80; });
}

// `label` before the first line of `text`, later lines aligned under the first.
std::string Labelled(std::string_view label, std::string_view text) {
  const std::string pad(DisplayColumns(label), ' ');
  const std::string lines = IndentLines(EscapeControlBytes(text), pad);
  if (!lines.starts_with(pad)) return std::string(label) + "\n" + lines;
  return std::string(label) + lines.substr(pad.size());
}

std::string RenderDifference(const Difference& difference) {
  if (!difference.binary) {
    return IndentLines(EscapeControlBytes(difference.text_diff), "  ", kDiffShownLines);
  }
  // An offset of -1 means one output is a prefix of the other: they part where the shorter ends.
  const std::int64_t offset = difference.offset >= 0
                                  ? difference.offset
                                  : std::min(difference.expected_size, difference.actual_size);
  return fmt::format("  first difference at byte {} (expected {} bytes, got {})\n", offset,
                     difference.expected_size, difference.actual_size);
}

std::string RenderFailedCheck(const CheckResult& check) {
  std::string out = Labelled("✗ ", check.what);
  out += IndentLines(EscapeControlBytes(check.rationale), "  ");
  if (!check.expected.empty()) {
    out += fmt::format("  expected: {}\n", ShownValue(check.expected));
  }
  if (!check.actual.empty()) {
    out += fmt::format("  got:      {}\n", ShownValue(check.actual));
  }
  if (check.difference) out += RenderDifference(*check.difference);
  return out;
}

std::string RenderCheck(const TestResult& test, const CheckResult& check) {
  switch (check.outcome) {
    case Outcome::kFail:
      return RenderFailedCheck(check);
    case Outcome::kError:
      // The test's own grader error usually says the same; say it once.
      if (!test.grader_error.empty() && check.rationale == test.grader_error) return "";
      return Labelled(kGraderErrorLabel, check.rationale.empty()
                                             ? check.what
                                             : fmt::format("{}: {}", check.what, check.rationale));
    case Outcome::kSkipped:
      // Only a skipped test needs to say what its checks waited for.
      if (test.outcome != Outcome::kSkipped) return "";
      return Labelled("skipped: ", check.rationale.empty()
                                       ? check.what
                                       : fmt::format("{} ({})", check.what, check.rationale));
    case Outcome::kPass:
      break;
  }
  return "";
}

std::string RenderProgramStderr(const ProgramSummary& program) {
  if (program.stderr_excerpt.empty()) return "";
  std::string who = OneLine(program.instance);
  if (program.role == "reference") who = "reference " + who;
  if (!program.ended.empty()) who += fmt::format(" ({})", OneLine(program.ended));
  std::string out =
      fmt::format("stderr of {}:\n", who) +
      IndentLines(EscapeControlBytes(program.stderr_excerpt), "  ", kStderrShownLines);
  // The excerpt is the first lines only: say that there was more, and how much.
  const auto shown = static_cast<std::int64_t>(program.stderr_excerpt.size());
  if (program.stderr_bytes > shown)
    out += fmt::format("  … ({} more bytes not shown, {} in all)\n", program.stderr_bytes - shown,
                       program.stderr_bytes);
  return out;
}

std::string RenderTestError(const TestResult& test) {
  if (test.outcome != Outcome::kError) return "";
  return Labelled(kGraderErrorLabel, test.grader_error.empty()
                                         ? "the grader could not finish this test"
                                         : test.grader_error);
}

std::string RenderTestEpilogue(const TestResult& test) {
  std::string out;
  if (test.outcome != Outcome::kSkipped) {
    for (const ProgramSummary& program : test.programs) out += RenderProgramStderr(program);
  }
  if (!test.hint.empty()) out += Labelled("hint: ", test.hint);
  for (const std::string& line : test.cleanup) out += Labelled("cleanup: ", line);
  return out;
}

// ---- The terminal layout. ---------------------------------------------------------------------

std::string LabHeading(const GradeReport& report) {
  if (report.lab_title.empty()) return OneLine(report.lab_name);
  if (report.lab_name.empty() || report.lab_name == report.lab_title) {
    return OneLine(report.lab_title);
  }
  return fmt::format("{} ({})", OneLine(report.lab_title), OneLine(report.lab_name));
}

std::string RenderHeader(const GradeReport& report, const TerminalStyle& style) {
  // Said only when it happened, so that a re-grade shows it reused the build.
  const std::string build_line =
      report.build.from_cache ? "build:      cached (the same files were built before)\n" : "";
  return fmt::format("{}\nsubmission: {}\nisolation:  {}\n{}",
                     Paint(style, kBold, LabHeading(report)), OneLine(report.submission),
                     IsolationText(report), build_line);
}

std::string RenderBuildCommandAndLog(const BuildResult& build) {
  std::string out;
  if (!build.command.empty()) out += fmt::format("  $ {}\n", EscapeControlBytes(build.command));
  if (build.log.empty()) return out + "  (no output)\n";
  return out + IndentLines(EscapeControlBytes(build.log), "  ", kBuildLogShownLines);
}

struct Mark {
  std::string_view word;
  std::string_view sgr;
};

Mark MarkFor(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      return {"PASS", kGreen};
    case Outcome::kFail:
      return {"FAIL", kRed};
    case Outcome::kError:
      return {"ERROR", kYellow};
    case Outcome::kSkipped:
      break;
  }
  return {"SKIP", kGrey};
}

std::string DisplayName(const TestResult& test) {
  const std::string name = OneLine(test.name);
  return test.visibility == Visibility::kHidden ? name + " (hidden)" : name;
}

std::string PointsText(const TestResult& test) {
  return fmt::format("{}/{}", test.points, test.max_points);
}

std::string DurationText(std::int64_t duration_ms) {
  if (duration_ms < 1000) return fmt::format("{} ms", duration_ms);
  return fmt::format("{:.1f} s", static_cast<double>(duration_ms) / 1000.0);
}

struct Columns {
  std::size_t name = 0;
  std::size_t points = 0;
  std::size_t duration = 0;
};

Columns MeasureColumns(const std::vector<TestResult>& tests, int width) {
  Columns columns;
  for (const TestResult& test : tests) {
    columns.name = std::max(columns.name, DisplayColumns(DisplayName(test)));
    columns.points = std::max(columns.points, PointsText(test).size());
    columns.duration = std::max(columns.duration, DurationText(test.duration_ms).size());
  }
  const std::size_t others = kMarkColumns + 2 + 2 + columns.points + 2 + columns.duration;
  const std::size_t room = width > 0 ? static_cast<std::size_t>(width) : 0;
  // Past the width, a name is not padded (and so pushes its own line out) rather than cut.
  columns.name =
      std::min(columns.name, std::max<std::size_t>(room > others ? room - others : 0, 8));
  return columns;
}

std::string RenderTestLine(const TestResult& test, const Columns& columns,
                           const TerminalStyle& style) {
  const Mark mark = MarkFor(test.outcome);
  return fmt::format("{}{}  {:<{}}  {:>{}}  {:>{}}\n", Paint(style, mark.sgr, mark.word),
                     std::string(kMarkColumns - mark.word.size(), ' '), DisplayName(test),
                     columns.name, PointsText(test), columns.points, DurationText(test.duration_ms),
                     columns.duration);
}

std::string RenderTestLines(const GradeReport& report, const TerminalStyle& style) {
  const Columns columns = MeasureColumns(report.tests, style.width);
  std::string out;
  for (const TestResult& test : report.tests) {
    out += RenderTestLine(test, columns, style);
    if (test.visibility == Visibility::kHidden && !style.show_hidden_details) continue;
    out += IndentLines(RenderTestDetails(test), kDetailIndent);
  }
  return out;
}

// Colour spans each line of a block on its own, so a pager that cuts lines keeps it closed.
std::string PaintLines(const TerminalStyle& style, std::string_view sgr, std::string_view lines) {
  std::string out;
  while (!lines.empty()) {
    const std::size_t end = lines.find('\n');
    out += Paint(style, sgr, lines.substr(0, end)) + "\n";
    lines = end == std::string_view::npos ? std::string_view() : lines.substr(end + 1);
  }
  return out;
}

std::string RenderBody(const GradeReport& report, const TerminalStyle& style) {
  if (SubmissionFailedToBuild(report)) {
    return Paint(style, kRed, kBuildFailed) + "\n" + RenderBuildCommandAndLog(report.build) + "\n";
  }
  if (report.tests.empty()) return "";
  return RenderTestLines(report, style) + "\n";
}

}  // namespace

std::string IsolationText(const GradeReport& report) {
  if (report.isolation == IsolationMode::kNamespaces) {
    if (report.isolation_note.empty()) return "isolated (namespaces)";
    return fmt::format("isolated: {}", OneLine(report.isolation_note));
  }
  if (report.isolation_note.empty()) return "host mode (one test at a time)";
  return fmt::format("host mode (one test at a time): {}", OneLine(report.isolation_note));
}

bool ShouldUseColor(bool is_terminal, const char* no_color, const char* term) {
  // https://no-color.org: the user's choice wins over everything else, but only a non-empty
  // value is a choice ("when present and not an empty string").
  if (no_color != nullptr && no_color[0] != '\0') return false;
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return is_terminal;
}

bool ShouldUseColor(int fd) {
  return ShouldUseColor(isatty(fd) == 1, std::getenv("NO_COLOR"), std::getenv("TERM"));
}

std::string RenderTestDetails(const TestResult& test) {
  if (test.outcome == Outcome::kPass) {
    // A pass says only what the programs left behind, which the student should still hear of.
    std::string out;
    for (const std::string& line : test.cleanup) out += Labelled("cleanup: ", line);
    return out;
  }
  std::string out = RenderTestError(test);
  if (!test.description.empty()) out += IndentLines(EscapeControlBytes(test.description), "");
  for (const CheckResult& check : test.checks) out += RenderCheck(test, check);
  return out + RenderTestEpilogue(test);
}

bool SubmissionFailedToBuild(const GradeReport& report) {
  // A grader that stopped before it ran the build command must not blame the student.
  return !report.build.ok && (!report.build.command.empty() || report.grader_error.empty());
}

std::string RenderBuildFailure(const BuildResult& build) {
  return std::string(kBuildFailed) + "\n" + RenderBuildCommandAndLog(build);
}

std::string RenderGraderError(std::string_view error) {
  return Labelled(kGraderErrorLabel, error) +
         "  This is a problem with the grader, not with your submission.\n"
         "  Your score may be incomplete: please tell your instructor.\n";
}

std::string SkippedPointsNote(const GradeReport& report) {
  if (report.skipped_points <= 0) return "";
  return fmt::format(" (not counted: {} points of skipped tests)", report.skipped_points);
}

std::string SkippedTestNames(const GradeReport& report) {
  std::string names;
  for (const TestResult& test : report.tests) {
    if (test.outcome == Outcome::kSkipped) names += (names.empty() ? "" : ", ") + test.name;
  }
  return names;
}

std::string SkippedTestsNote(const GradeReport& report) {
  if (report.skipped_points <= 0) return "";
  return fmt::format(
      "Not counted: {} points of tests this machine could not run ({}); they are not in this "
      "score.\n",
      report.skipped_points, SkippedTestNames(report));
}

std::string RenderTerminalReport(const GradeReport& report, const TerminalStyle& style) {
  std::string out = RenderHeader(report, style) + "\n" + RenderBody(report, style);
  if (!report.grader_error.empty()) {
    out += PaintLines(style, kYellow, RenderGraderError(report.grader_error)) + "\n";
  }
  const int score = SubmissionFailedToBuild(report) ? 0 : report.score;
  out += Paint(style, kBold, fmt::format("Score: {}/{}", score, report.max_score));
  out += SkippedPointsNote(report);
  return out + "\n";
}

}  // namespace labgrade
