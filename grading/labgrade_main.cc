// labgrade: the command line. Parses arguments, finds the lab, and runs the command: check,
// selftest and validate here, the class commands in class_commands.cc, bundle and gradescope in
// deploy_commands.cc, over what they share (command_line.h). Exit status: 0 every test passed,
// 1 some test failed (or the submission did not build), 2 the lab spec or the command line is
// wrong, 3 the grader itself failed.
// `grade` and `merge` (a whole class) exit 0 when the batch ran, whatever the students scored.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "grading/ci_log.h"
#include "grading/class_commands.h"
#include "grading/command_line.h"
#include "grading/deploy_commands.h"
#include "grading/interruption.h"
#include "grading/lab_location.h"
#include "grading/terminal_report.h"
#include "grading/version.h"

namespace labgrade {
namespace {

int Validate(const CommandLine& line) {
  std::string errors;
  auto lab = LoadLab(line, &errors);
  if (!lab) return kExitUsage;
  int points = 0;
  int hidden = 0;
  for (const TestSpec& test : lab->tests) {
    points += test.points;
    if (test.visibility == Visibility::kHidden) ++hidden;
  }
  std::string extra;
  if (!line.overlay_path.empty()) {
    extra = fmt::format(" ({} hidden)", hidden);
  }
  std::string points_extra;
  if (lab->hidden_points > 0 && line.overlay_path.empty()) {
    points_extra = fmt::format(" (and {} from hidden tests in an overlay)", lab->hidden_points);
  }
  fmt::print("{}: {} ({}), {} tests{}, {} points{}: OK\n", line.lab_given, lab->name, lab->title,
             lab->tests.size(), extra, points, points_extra);
  return kExitAllPassed;
}

/// Writes the reports; a report that could not be written turns a run that graded (0 or 1)
/// into the grader's failure (3): CI must not go green without its artifact or Classroom's
/// result. A wrong spec or command line (2) stays 2, the first thing to fix.
int FinishReports(const CommandLine& line, const GradeReport& report, int status) {
  if (!WriteReports(line, report) && status < kExitUsage) return kExitGraderError;
  return status;
}

/// A problem with the lab or the command line, said on stderr and in every report asked for
/// (Classroom's reporter needs a result with the reason, never nothing): exit 2.
int UsageProblem(const CommandLine& line, const LabSpec* lab, const std::string& problem) {
  std::cerr << "labgrade: " << problem << "\n";
  GradeReport report;
  if (lab != nullptr) {
    report.lab_name = lab->name;
    report.lab_title = lab->title;
  }
  report.submission = line.submission;
  report.grader_error = problem;
  return FinishReports(line, report, kExitUsage);
}

int Grade(const CommandLine& line, bool selftest) {
  if (auto problem = ReportPathProblem(line)) return UsageProblem(line, nullptr, *problem);
  std::string errors;
  auto lab = LoadLab(line, &errors);
  if (!lab) {
    GradeReport report;
    report.submission = line.submission;
    report.grader_error = errors;
    return FinishReports(line, report, kExitUsage);
  }
  if (auto problem = OnlyTestProblem(*lab, line.only_tests))
    return UsageProblem(line, &*lab, *problem);
  std::string cache_error;
  const std::optional<BuildCache> cache = OpenBuildCache(line.build_cache_dir, &cache_error);
  if (!cache_error.empty()) return UsageProblem(line, &*lab, cache_error);
  if (auto problem = WorkDirProblem(line.work_dir)) return UsageProblem(line, &*lab, *problem);

  GradeReport report;
  try {
    const Isolation isolation = SetUpIsolation(line.host_mode);
    GradeOptions options;
    options.submission_dir = selftest ? lab->reference_dir : std::filesystem::path(line.submission);
    options.submission_is_prebuilt_reference = selftest && lab->reference_prebuilt;
    options.jobs = line.jobs;
    options.work_dir = line.work_dir;
    options.keep_work_dir = line.keep_work_dir;
    options.only_tests = line.only_tests;
    options.build_cache = cache ? &*cache : nullptr;
    report = GradeSubmission(*lab, options, isolation);
  } catch (const std::exception& failure) {
    report.lab_name = lab->name;
    report.lab_title = lab->title;
    report.submission = line.submission;
    report.grader_error = fmt::format("internal error: {}", failure.what());
  }
  TerminalStyle style;
  // With a report on standard output (`--results -`), the terminal report goes to stderr.
  const bool to_stderr = ReportGoesToStandardOutput(line);
  style.color = ShouldUseColor(to_stderr ? STDERR_FILENO : STDOUT_FILENO);
  style.show_hidden_details = line.show_hidden_details;
  // The report holds the students' programs' output: inert in a GitHub Actions log.
  (to_stderr ? std::cerr : std::cout)
      << InertInCiLog(RenderTerminalReport(report, style) + HiddenPointsNote(*lab, line))
      << std::flush;
  if (!report.grader_error.empty()) return FinishReports(line, report, kExitGraderError);
  // A test skipped on this machine is nobody's failure: it does not turn the exit status red,
  // but a selftest says which tests it could not verify.
  bool all_passed = report.build.ok && report.score == report.max_score &&
                    std::all_of(report.tests.begin(), report.tests.end(), [](const TestResult& t) {
                      return t.outcome == Outcome::kPass || t.outcome == Outcome::kSkipped;
                    });
  if (selftest && !all_passed)
    std::cerr << "labgrade: selftest: the reference solution does not get full marks\n";
  if (selftest && report.skipped_points > 0)
    std::cerr << "labgrade: selftest: skipped tests were not verified on this machine: "
              << SkippedTestNames(report) << "\n";
  bool any_error = std::any_of(report.tests.begin(), report.tests.end(),
                               [](const TestResult& t) { return t.outcome == Outcome::kError; });
  if (any_error) return FinishReports(line, report, kExitGraderError);
  return FinishReports(line, report, all_passed ? kExitAllPassed : kExitSomeFailed);
}

/// The value of `--classroom-output` in `argv` (as "--classroom-output F" or
/// "--classroom-output=F"), read by hand when the command line could not be parsed: GitHub
/// Classroom's reporter still needs a result saying why.
std::string ClassroomOutputIn(int argc, char** argv) {
  constexpr std::string_view kOption = "--classroom-output";
  for (int at = 1; at < argc; ++at) {
    const std::string_view arg = argv[at];
    if (arg == kOption && at + 1 < argc) return argv[at + 1];
    if (arg.starts_with(kOption) && arg.size() > kOption.size() && arg[kOption.size()] == '=')
      return std::string(arg.substr(kOption.size() + 1));
  }
  return "";
}

/// Writes the Classroom result of a command line that could not be parsed, when it names one.
void ReportCommandLineError(int argc, char** argv, const std::string& message) {
  CommandLine line;
  line.classroom_output_path = ClassroomOutputIn(argc, argv);
  if (line.classroom_output_path.empty()) return;
  GradeReport report;
  report.grader_error = "the command line is wrong: " + message;
  (void)WriteReports(line, report);  // the exit status is 2 whatever happens
}

void AddGradingOptions(CLI::App* command, CommandLine& line) {
  command->add_option("--results", line.results_path, "write Gradescope results.json here");
  command->add_option("--junit", line.junit_path, "write JUnit XML here");
  command->add_option("--markdown", line.markdown_path,
                      "write a GitHub step summary (Markdown) here");
  command->add_option("--classroom-output", line.classroom_output_path,
                      "append GitHub Classroom's result=<base64> line here ($GITHUB_OUTPUT)");
  command
      ->add_option("--jobs,-j", line.jobs, "tests run in parallel (default: the number of cores)")
      ->check(CLI::PositiveNumber);
  command->add_option("--work-dir", line.work_dir,
                      "build and run here (default: a new folder under /var/tmp)");
  command->add_flag("--keep-work-dir", line.keep_work_dir, "keep the work folder afterwards");
  command->add_option("--only", line.only_tests, "run only these tests (repeat, or TEST,TEST)")
      ->delimiter(',');
  command->add_option("--build-cache", line.build_cache_dir,
                      "reuse builds of the same content from this folder (default: none)");
  command->add_option("--overlay", line.overlay_path,
                      "add the hidden tests of this overlay file to the lab's");
  command->add_flag("--show-hidden-details", line.show_hidden_details,
                    "show what went wrong in hidden tests too (for instructors)");
  command->add_flag("--host-mode", line.host_mode,
                    "run tests on the host one at a time, without namespaces");
}

/// Finds the lab the command names (grading/lab_location.h) and points `line` at what to load;
/// a bundle carrying hidden tests supplies --overlay. Prints why not and returns nullopt when
/// there is no such lab or the overlay would be given twice.
std::optional<LabLocation> LocateLab(CommandLine& line) {
  line.lab_given = line.lab;
  auto found =
      LabLocation::Find(line.lab, ShippedLabsDir(std::filesystem::read_symlink("/proc/self/exe")));
  if (auto* error = std::get_if<std::string>(&found)) {
    std::cerr << "labgrade: " << *error << "\n";
    return std::nullopt;
  }
  LabLocation& location = std::get<LabLocation>(found);
  line.lab = location.spec_path().string();
  if (const std::optional<std::filesystem::path> bundled = location.BundledOverlay()) {
    std::error_code ec;
    // `grade` passes a bundle's own overlay on to each student's child process: the same file.
    if (!line.overlay_path.empty() &&
        !std::filesystem::equivalent(line.overlay_path, *bundled, ec)) {
      std::cerr << fmt::format(
          "labgrade: {} already carries hidden tests ({}); --overlay adds hidden tests to a lab "
          "that has none\n",
          line.lab_given, bundled->filename().string());
      return std::nullopt;
    }
    line.overlay_path = bundled->string();
  }
  return std::move(location);
}

/// The first argument when it is neither an option nor a command: CLI11 alone would answer
/// "A subcommand is required".
std::optional<std::string> UnknownCommand(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  std::string names;
  for (const CLI::App* command : app.get_subcommands({})) {
    if (command->get_name() == argv[1]) return std::nullopt;
    // Hidden commands (group "") are for labgrade's own use.
    if (!command->get_group().empty()) names += (names.empty() ? "" : ", ") + command->get_name();
  }
  return fmt::format(
      "labgrade: no command '{}'; the commands are: {} (labgrade --help says more)\n", argv[1],
      names);
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"labgrade: grades systems-programming labs (shared memory, sockets, mmap)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", VersionText(), "print labgrade's version and exit");
  CommandLine line;
  CLI::App* check = app.add_subcommand("check", "grade a submission and show the report");
  check->add_option("lab", line.lab, kLabArgumentHelp)->required();
  check->add_option("--submission,-s", line.submission, "the folder with the submission's files")
      ->required()
      ->check(CLI::ExistingDirectory);
  AddGradingOptions(check, line);
  CLI::App* selftest =
      app.add_subcommand("selftest", "grade the lab's reference solution: it must get full marks");
  selftest->add_option("lab", line.lab, kLabArgumentHelp)->required();
  AddGradingOptions(selftest, line);
  CLI::App* validate =
      app.add_subcommand("validate", "check a lab's lab.yaml without running anything");
  validate->add_option("lab", line.lab, kLabArgumentHelp)->required();
  validate->add_option("--overlay", line.overlay_path,
                       "check this overlay of hidden tests along with the lab");
  AddClassCommands(app, line);
  AddDeployCommands(app, line);
  if (argc < 2) {
    std::cerr << app.help();
    return kExitUsage;
  }
  if (const std::optional<std::string> unknown = UnknownCommand(app, argc, argv)) {
    std::cerr << *unknown;
    ReportCommandLineError(argc, argv, *unknown);
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    if (code != 0) ReportCommandLineError(argc, argv, error.what());
    return code == 0 ? 0 : kExitUsage;
  }
  if (app.got_subcommand("version")) {
    fmt::print("{}\n", VersionText());
    return kExitAllPassed;
  }
  if (app.got_subcommand("help")) {
    // app.help() would describe the `help` command itself.
    std::cout << app.get_formatter()->make_help(&app, "labgrade", CLI::AppFormatMode::Normal);
    return kExitAllPassed;
  }
  // Held until the command is done: a bundle given as a file is extracted for this run.
  std::optional<LabLocation> location;
  if (!line.lab.empty()) {
    location = LocateLab(line);
    if (!location) {
      // Checked by hand: LocateLab said why on stderr; the reports say that there is no lab.
      if (check->parsed() || selftest->parsed()) {
        GradeReport report;
        report.submission = line.submission;
        report.grader_error = "the command line is wrong: no lab " + line.lab_given;
        (void)WriteReports(line, report);
      }
      return kExitUsage;
    }
  }
  try {
    if (app.got_subcommand("bundle")) return BundleCommand(line);
    if (app.got_subcommand("gradescope")) return GradescopeCommand(line);
    if (validate->parsed()) return Validate(line);
    if (app.got_subcommand("grade")) return GradeClassCommand(line);
    if (app.got_subcommand("merge")) return MergeCommand(line);
    if (app.got_subcommand("grade-one")) return GradeOneCommand(line);
    if (app.got_subcommand("probe-isolation")) return ProbeIsolationCommand();
    return Grade(line, selftest->parsed());
  } catch (const std::exception& failure) {
    // Whatever escaped is the grader's failure, and says so rather than aborting.
    std::cerr << "labgrade: internal error: " << failure.what() << "\n";
    return kExitGraderError;
  }
}

}  // namespace labgrade

int main(int argc, char** argv) {
  return labgrade::ExitStatusAfterInterruptions(labgrade::Main(argc, argv));
}
