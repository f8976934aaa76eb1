// labgrade: the command line. Parses arguments, loads the lab, hands over to the grader and
// writes the reports. Exit status: 0 every test passed, 1 some test failed (or the submission
// did not build), 2 the lab spec or the command line is wrong, 3 the grader itself failed.
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "grading/grader.h"
#include "grading/gradescope_results.h"
#include "grading/junit_report.h"
#include "grading/terminal_report.h"
#include "harness/cell.h"
#include "harness/spec_loader.h"

namespace labgrade {
namespace {

constexpr int kExitAllPassed = 0;
constexpr int kExitSomeFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitGraderError = 3;

struct CommandLine {
  std::string command;
  std::string lab;
  std::string submission;
  std::string results_path;
  std::string junit_path;
  std::string work_dir;
  std::string only_test;
  int jobs = 0;
  bool keep_work_dir = false;
  bool host_mode = false;
};

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file)
    std::cerr << fmt::format("labgrade: cannot write {}: {}\n", path, std::strerror(errno));
  return static_cast<bool>(file);
}

void WriteReports(const CommandLine& line, const GradeReport& report) {
  if (!line.results_path.empty()) WriteFile(line.results_path, GradescopeResultsText(report));
  if (!line.junit_path.empty()) WriteFile(line.junit_path, JunitXml(report));
}

/// Loads the lab, printing every spec error as file:line:col with the line and a caret.
std::optional<LabSpec> LoadLab(const std::string& lab, std::string* errors_text) {
  SpecLoad load = LoadLabSpec(lab);
  for (const SpecError& error : load.errors) *errors_text += error.Format();
  if (!load.errors.empty()) std::cerr << *errors_text;
  return load.spec;
}

int Validate(const CommandLine& line) {
  std::string errors;
  auto lab = LoadLab(line.lab, &errors);
  if (!lab) return kExitUsage;
  int points = 0;
  for (const TestSpec& test : lab->tests) points += test.points;
  fmt::print("{}: {} ({}), {} tests, {} points: OK\n", line.lab, lab->name, lab->title,
             lab->tests.size(), points);
  return kExitAllPassed;
}

int Grade(const CommandLine& line, bool selftest) {
  std::string errors;
  auto lab = LoadLab(line.lab, &errors);
  if (!lab) {
    GradeReport report;
    report.submission = line.submission;
    report.grader_error = "the lab's specification is invalid:\n" + errors;
    WriteReports(line, report);
    return kExitUsage;
  }
  // As an ordinary user, move into a user namespace while there is still one thread.
  std::optional<std::string> userns_error = EnterOwnUserNamespace();
  ::umask(022);  // the sandbox users must read the builds

  GradeReport report;
  try {
    Isolation isolation = PrepareIsolation(std::filesystem::read_symlink("/proc/self/exe"),
                                           line.host_mode || userns_error.has_value());
    if (userns_error) isolation.note = "cannot enter a user namespace: " + *userns_error;
    GradeOptions options;
    options.submission_dir = selftest ? lab->reference_dir : std::filesystem::path(line.submission);
    options.jobs = line.jobs;
    options.work_dir = line.work_dir;
    options.keep_work_dir = line.keep_work_dir;
    if (!line.only_test.empty()) options.only_test = line.only_test;
    report = GradeSubmission(*lab, options, isolation);
  } catch (const std::exception& failure) {
    report.lab_name = lab->name;
    report.lab_title = lab->title;
    report.submission = line.submission;
    report.grader_error = fmt::format("internal error: {}", failure.what());
  }
  WriteReports(line, report);
  TerminalStyle style;
  style.color = ShouldUseColor(STDOUT_FILENO);
  std::cout << RenderTerminalReport(report, style) << std::flush;
  if (!report.grader_error.empty()) return kExitGraderError;
  bool all_passed = report.build.ok && report.score == report.max_score &&
                    std::all_of(report.tests.begin(), report.tests.end(),
                                [](const TestResult& t) { return t.outcome == Outcome::kPass; });
  if (selftest && !all_passed)
    std::cerr << "labgrade: selftest: the reference solution does not get full marks\n";
  bool any_error = std::any_of(report.tests.begin(), report.tests.end(),
                               [](const TestResult& t) { return t.outcome == Outcome::kError; });
  if (any_error) return kExitGraderError;
  return all_passed ? kExitAllPassed : kExitSomeFailed;
}

void AddGradingOptions(CLI::App* command, CommandLine& line) {
  command->add_option("--results", line.results_path, "write Gradescope results.json here");
  command->add_option("--junit", line.junit_path, "write JUnit XML here");
  command->add_option("--jobs,-j", line.jobs,
                      "tests run in parallel (default: the number of cores)");
  command->add_option("--work-dir", line.work_dir,
                      "build and run here (default: a new folder under /var/tmp)");
  command->add_flag("--keep-work-dir", line.keep_work_dir, "keep the work folder afterwards");
  command->add_option("--only", line.only_test, "run only this test");
  command->add_flag("--host-mode", line.host_mode,
                    "run tests on the host one at a time, without namespaces");
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"labgrade: grades systems-programming labs (shared memory, sockets, mmap)"};
  app.require_subcommand(1);
  CommandLine line;
  CLI::App* check = app.add_subcommand("check", "grade a submission and show the report");
  check->add_option("lab", line.lab, "the lab folder, e.g. labs/shm-xfer")->required();
  check->add_option("--submission,-s", line.submission, "the folder with the submission's files")
      ->required()
      ->check(CLI::ExistingDirectory);
  AddGradingOptions(check, line);
  CLI::App* selftest =
      app.add_subcommand("selftest", "grade the lab's reference solution: it must get full marks");
  selftest->add_option("lab", line.lab, "the lab folder")->required();
  AddGradingOptions(selftest, line);
  CLI::App* validate =
      app.add_subcommand("validate", "check a lab's lab.yaml without running anything");
  validate->add_option("lab", line.lab, "the lab folder")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? 0 : kExitUsage;
  }
  if (validate->parsed()) return Validate(line);
  return Grade(line, selftest->parsed());
}

}  // namespace labgrade

int main(int argc, char** argv) { return labgrade::Main(argc, argv); }
