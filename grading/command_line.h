// What the command line's commands share: the options parsed, the exit statuses, and the steps
// every grading command takes (load the lab, set up isolation, write the reports). The commands
// themselves: labgrade_main.cc (check, selftest, validate), class_commands (grade, merge) and
// deploy_commands (bundle, gradescope).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grading/grader.h"
#include "harness/build/build_cache.h"
#include "harness/spec/lab_spec.h"

namespace labgrade {

constexpr int kExitAllPassed = 0;
constexpr int kExitSomeFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitGraderError = 3;

constexpr const char* kLabArgumentHelp =
    "the lab: its folder (labs/shm-xfer), a bundle (shm-xfer.tar.gz) or a shipped lab's name";

struct CommandLine {
  std::string command;
  std::string lab;        ///< the lab folder or lab.yaml to load (a bundle file: where extracted)
  std::string lab_given;  ///< the lab as the command line named it
  std::string out_file;   ///< bundle, gradescope
  std::string package_path;  ///< gradescope
  std::string submission;
  std::string results_path;
  std::string junit_path;
  std::string markdown_path;
  std::string classroom_output_path;
  std::string submissions_dir;
  std::string out_dir;
  std::string shard;
  std::vector<std::string> shard_dirs;
  std::string work_dir;
  std::vector<std::string> only_tests;
  std::string build_cache_dir;
  bool no_build_cache = false;
  std::string overlay_path;
  bool show_hidden_details = false;
  std::string student;        ///< grade-one
  int student_timeout_s = 0;  ///< grade; 0: StudentWallLimitMs
  int jobs = 0;
  bool keep_work_dir = false;
  bool host_mode = false;
};

/// Writes the reports the command line asks for; a path "-" is standard output. Returns false
/// (having said why on stderr) when one could not be written.
[[nodiscard]] bool WriteReports(const CommandLine& line, const GradeReport& report);

/// Whether a report is written to standard output (its path is "-"): the terminal report then
/// goes to stderr, so that standard output holds the one document.
bool ReportGoesToStandardOutput(const CommandLine& line);

/// Why the report paths cannot all be honoured (two of them "-"), or nullopt.
std::optional<std::string> ReportPathProblem(const CommandLine& line);

/// Why an `--only` names no test of the lab, or nullopt when each does (or none is given).
std::optional<std::string> OnlyTestProblem(const LabSpec& lab,
                                           const std::vector<std::string>& only_tests);

/// Loads the lab and the overlay of hidden tests if one is given (or the bundle carries one),
/// printing every spec error as file:line:col with the line and a caret. `errors_text` says
/// why there is no lab: the spec's errors, or why its prebuilt reference cannot run here.
std::optional<LabSpec> LoadLab(const CommandLine& line, std::string* errors_text);

/// What a lab whose hidden tests were not loaded tells the person grading with it.
std::string HiddenPointsNote(const LabSpec& lab, const CommandLine& line);

/// The build cache in `dir`; nullopt for none (`dir` empty) or when it cannot be opened, which
/// sets `error`. Runs the toolchain once for the keys: call it after entering the user
/// namespace, which needs the process to have one thread.
std::optional<BuildCache> OpenBuildCache(const std::string& dir, std::string* error);

/// Enters a user namespace when not root and decides how tests are isolated, once per process;
/// then takes over SIGINT, SIGTERM and SIGHUP (grading/interruption.h) and removes the work
/// folders of runs that were killed.
Isolation SetUpIsolation(bool host_mode);

/// A --work-dir that cannot be made is a command-line problem, said before anything is built.
std::optional<std::string> WorkDirProblem(const std::string& work_dir);

}  // namespace labgrade
