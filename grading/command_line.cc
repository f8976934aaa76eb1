// The steps the commands share: see command_line.h.
#include "grading/command_line.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "grading/classroom_result.h"
#include "grading/gradescope_results.h"
#include "grading/interruption.h"
#include "grading/junit_report.h"
#include "grading/lab_bundle.h"
#include "grading/markdown_summary.h"
#include "grading/work_folder.h"
#include "harness/build/prebuilt_reference.h"
#include "harness/process/cell.h"
#include "harness/spec/spec_loader.h"
#include "harness/spec/spec_overlay.h"

namespace labgrade {
namespace {

bool WriteFile(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text << std::flush;
    return static_cast<bool>(std::cout);
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file)
    std::cerr << fmt::format("labgrade: cannot write {}: {}\n", path, std::strerror(errno));
  return static_cast<bool>(file);
}

/// Appends `line` to the file at `path` ($GITHUB_OUTPUT holds the outputs of every step so
/// far), first ending its last line if it has no newline: "foo=bar" + "result=..." would be
/// one line, and both outputs lost.
bool AppendLine(const std::string& path, const std::string& line) {
  if (path == "-") return WriteFile(path, line);
  std::string text = line;
  {
    std::ifstream existing(path, std::ios::binary | std::ios::ate);
    if (existing && existing.tellg() > 0) {
      existing.seekg(-1, std::ios::end);
      char last = '\n';
      if (existing.get(last) && last != '\n') text = "\n" + text;
    }
  }
  std::ofstream file(path, std::ios::binary | std::ios::app);
  file << text;
  file.close();
  if (!file)
    std::cerr << fmt::format("labgrade: cannot write {}: {}\n", path, std::strerror(errno));
  return static_cast<bool>(file);
}

/// Why a lab whose reference is prebuilt cannot be graded here, and what to do, or "".
std::string CannotGradeHere(const LabSpec& lab, const CommandLine& line) {
  const std::optional<std::string> problem = PrebuiltReferenceProblem(lab, ThisMachine());
  if (!problem) return "";
  std::string made_where;
  if (auto manifest = ReadBundleManifest(lab.lab_dir);
      std::holds_alternative<std::optional<BundleManifest>>(manifest)) {
    if (const auto& bundle = std::get<std::optional<BundleManifest>>(manifest))
      made_where = fmt::format(" The bundle was made on {}.", BundlePlatformWords(*bundle));
  }
  return fmt::format(
      "the lab {} cannot be graded on this machine: {}.{} Make its bundle again on a machine "
      "like this one (labgrade bundle LAB --out FILE.tar.gz), or grade with the lab folder and "
      "its reference sources.\n",
      line.lab_given, *problem, made_where);
}

}  // namespace

namespace {

/// The lab's spec as a path from where labgrade runs, for CI annotations; "" for a bundle or a
/// shipped lab, whose lab.yaml is extracted to a temporary folder.
std::string LabSpecFile(const CommandLine& line) {
  std::error_code ec;
  if (line.lab_given.empty() || !std::filesystem::is_directory(line.lab_given, ec)) {
    if (!line.lab_given.ends_with(".yaml") && !line.lab_given.ends_with(".yml")) return "";
    return line.lab_given;
  }
  return (std::filesystem::path(line.lab_given) / "lab.yaml").lexically_normal().string();
}

}  // namespace

bool WriteReports(const CommandLine& line, const GradeReport& report) {
  bool written = true;
  if (!line.results_path.empty())
    written = WriteFile(line.results_path, GradescopeResultsText(report)) && written;
  if (!line.junit_path.empty())
    written = WriteFile(line.junit_path, JunitXml(report, LabSpecFile(line))) && written;
  if (!line.markdown_path.empty())
    written = WriteFile(line.markdown_path, StepSummaryMarkdown(report)) && written;
  if (!line.classroom_output_path.empty())
    written = AppendLine(line.classroom_output_path, ClassroomOutputLine(report)) && written;
  return written;
}

bool ReportGoesToStandardOutput(const CommandLine& line) {
  return line.results_path == "-" || line.junit_path == "-" || line.markdown_path == "-" ||
         line.classroom_output_path == "-";
}

std::optional<std::string> ReportPathProblem(const CommandLine& line) {
  int to_stdout = 0;
  for (const std::string* path :
       {&line.results_path, &line.junit_path, &line.markdown_path, &line.classroom_output_path})
    if (*path == "-") ++to_stdout;
  if (to_stdout > 1)
    return "only one of --results, --junit, --markdown and --classroom-output can be - "
           "(standard output)";
  return std::nullopt;
}

/// Why an `--only` names no test of the lab, or nullopt when each does (or none is given).
std::optional<std::string> OnlyTestProblem(const LabSpec& lab,
                                           const std::vector<std::string>& only_tests) {
  std::string names;
  for (const TestSpec& test : lab.tests) names += (names.empty() ? "" : ", ") + test.name;
  for (const std::string& chosen : only_tests) {
    const bool found = std::any_of(lab.tests.begin(), lab.tests.end(),
                                   [&](const TestSpec& test) { return test.name == chosen; });
    if (!found)
      return fmt::format("--only {}: {} has no such test; its tests are: {}", chosen, lab.name,
                         names);
  }
  return std::nullopt;
}

/// Loads the lab and the overlay of hidden tests if one is given (or the bundle carries one),
/// printing every spec error as file:line:col with the line and a caret. `errors_text` says
/// why there is no lab: the spec's errors, or why its prebuilt reference cannot run here.
std::optional<LabSpec> LoadLab(const CommandLine& line, std::string* errors_text) {
  SpecLoad load = LoadLabSpec(line.lab);
  if (load.spec && !line.overlay_path.empty()) {
    load.errors = ApplyTestOverlay(line.overlay_path, *load.spec);
    if (!load.errors.empty()) load.spec.reset();
  }
  for (const SpecError& error : load.errors) *errors_text += error.Format();
  if (!load.errors.empty()) std::cerr << *errors_text;
  if (!load.errors.empty()) *errors_text = "the lab's specification is invalid:\n" + *errors_text;
  if (load.spec) {
    *errors_text = CannotGradeHere(*load.spec, line);
    if (!errors_text->empty()) {
      std::cerr << "labgrade: " << *errors_text;
      load.spec.reset();
    }
  }
  return load.spec;
}

/// What a lab whose hidden tests were not loaded tells the person grading with it.
std::string HiddenPointsNote(const LabSpec& lab, const CommandLine& line) {
  if (lab.hidden_points == 0 || !line.overlay_path.empty()) return "";
  return fmt::format(
      "{} more points come from hidden tests that are not in this copy of the lab; an "
      "instructor adds them with --overlay.\n",
      lab.hidden_points);
}

/// The build cache in `dir`; nullopt for none (`dir` empty) or when it cannot be opened, which
/// sets `error`. Runs the toolchain once for the keys, unless the class run that started this
/// grader passed what it found (kToolchainVariable): call it after entering the user
/// namespace, which needs the process to have one thread.
std::optional<BuildCache> OpenBuildCache(const std::string& dir, std::string* error) {
  if (dir.empty()) return std::nullopt;
  const char* given = std::getenv(kToolchainVariable);
  auto opened = BuildCache::Open(dir, given != nullptr ? std::string(given) : ToolchainIdentity());
  if (auto* failure = std::get_if<std::string>(&opened)) {
    *error = *failure;
    return std::nullopt;
  }
  return std::get<BuildCache>(std::move(opened));
}

/// Enters a user namespace when not root and decides how tests are isolated, once per process;
/// then takes over SIGINT, SIGTERM and SIGHUP (grading/interruption.h) and removes the work
/// folders of runs that were killed.
Isolation SetUpIsolation(bool host_mode) {
  BlockInterruptions();
  // As an ordinary user, move into a user namespace while there is still one thread.
  std::optional<std::string> userns_error = EnterOwnUserNamespace();
  ::umask(022);  // the sandbox users must read the builds
  Isolation isolation = PrepareIsolation(std::filesystem::read_symlink("/proc/self/exe"),
                                         host_mode || userns_error.has_value());
  if (userns_error)
    isolation.note = "cannot enter a user namespace: " + *userns_error + "; " + isolation.note;
  StartInterruptionWatcher();
  RemoveStaleWorkFolders();
  return isolation;
}

/// A --work-dir that cannot be made is a command-line problem, said before anything is built.
std::optional<std::string> WorkDirProblem(const std::string& work_dir) {
  if (work_dir.empty()) return std::nullopt;
  std::error_code ec;
  std::filesystem::create_directories(work_dir, ec);
  if (ec) return fmt::format("--work-dir {}: cannot create it: {}", work_dir, ec.message());
  if (::access(work_dir.c_str(), W_OK | X_OK) != 0)
    return fmt::format("--work-dir {}: not writable: {}", work_dir, std::strerror(errno));
  return std::nullopt;
}

}  // namespace labgrade
