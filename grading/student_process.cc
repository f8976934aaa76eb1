// Grading one student in a child labgrade process (see student_process.h).
#include "grading/student_process.h"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <variant>

#include "grading/work_folder.h"
#include "harness/spec/signal_names.h"

extern char** environ;

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kNotYourFault = "this is not your fault — tell your instructor";
constexpr std::size_t kStderrLines = 12;
constexpr std::size_t kStderrLineBytes = 300;
constexpr std::int64_t kChildOutputBytes = 1 << 20;
constexpr int kChildKillGraceMs = 5'000;
constexpr int kProbeWallMs = 120'000;

/// Reads `path` whole; nullopt and `error` set when it cannot be read.
std::optional<std::string> ReadWholeFile(const fs::path& path, std::string* error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    *error = fmt::format("cannot read {}: {}", path.string(), std::strerror(errno));
    return std::nullopt;
  }
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/// The child's grade from its kStudentGradeFile, which is removed: the student's folder may be
/// handed to the student, and the grade is in grades.json.
std::optional<StudentProcessResult> TakeStudentGradeFile(const ClassRunPlan& plan,
                                                         const std::string& id,
                                                         std::string* error) {
  const fs::path path = plan.out_dir / id / kStudentGradeFile;
  std::optional<std::string> text = ReadWholeFile(path, error);
  std::error_code ignored;
  fs::remove(path, ignored);
  if (!text) return std::nullopt;
  const json parsed = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    *error = fmt::format("{}: not JSON", path.string());
    return std::nullopt;
  }
  auto result = StudentGradeFromFileJson(parsed, plan, id, error);
  if (!result) *error = fmt::format("{}: {}", path.string(), *error);
  return result;
}

}  // namespace

std::vector<std::string> GradeOneArguments(const ClassRunPlan& plan,
                                           const StudentProcessRequest& request) {
  // NAME=value throughout: an id such as "-x" (a folder may be named so) is never an option.
  std::vector<std::string> args = {"grade-one",
                                   request.lab.string(),
                                   "--submissions=" + plan.submissions_dir.string(),
                                   "--out=" + plan.out_dir.string(),
                                   "--student=" + request.student_id,
                                   "--jobs=" + std::to_string(request.test_jobs)};
  for (const std::string& test : request.only_tests) args.push_back("--only=" + test);
  if (request.build_cache_dir) args.push_back("--build-cache=" + request.build_cache_dir->string());
  if (request.overlay) args.push_back("--overlay=" + request.overlay->string());
  if (request.work_dir) args.push_back("--work-dir=" + request.work_dir->string());
  if (request.host_mode) args.push_back("--host-mode");
  return args;
}

int StudentWallLimitMs(const LabSpec& lab, const std::vector<TestColumn>& graded) {
  std::int64_t every_program_ms = 0;
  for (const auto& [name, program] : lab.programs) every_program_ms += program.limits.wall_ms;
  std::int64_t total = 2 * static_cast<std::int64_t>(lab.build_timeout_ms) + 120'000;
  total += static_cast<std::int64_t>(graded.size()) * (every_program_ms + 60'000);
  return static_cast<int>(std::min<std::int64_t>(total, 24LL * 3600 * 1000));
}

std::string LastLines(std::string_view text, std::size_t max_lines, std::size_t max_line_bytes) {
  std::vector<std::string_view> lines;
  while (!text.empty() && lines.size() < max_lines) {
    std::size_t end = text.size();
    while (end > 0 && text[end - 1] == '\n') --end;
    const std::size_t start = text.rfind('\n', end == 0 ? 0 : end - 1);
    const std::size_t from = start == std::string_view::npos || end == 0 ? 0 : start + 1;
    if (end > from) lines.push_back(text.substr(from, end - from));
    text = text.substr(0, from);
  }
  std::string joined;
  for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
    if (!joined.empty()) joined += '\n';
    if (line->size() > max_line_bytes)
      joined += std::string(line->substr(0, max_line_bytes)) + "...";
    else
      joined += *line;
  }
  return joined;
}

std::string GraderCrashText(const ProgramEnd& end, int wall_limit_ms,
                            std::string_view missing_grade) {
  std::string what;
  if (end.hit_wall_limit) {
    what = fmt::format(
        "the grader did not finish grading this submission within {} s and was stopped; {}",
        (wall_limit_ms + 999) / 1000, kNotYourFault);
  } else if (!end.exited || (end.exit_code > 128 && end.exit_code <= 128 + 64)) {
    const int signal = end.exited ? end.exit_code - 128 : end.term_signal;
    what = fmt::format("the grader crashed (killed by {}) while grading this submission; {}",
                       SignalName(signal), kNotYourFault);
  } else if (end.exit_code != 0) {
    what = fmt::format("the grader failed (exit status {}) while grading this submission; {}",
                       end.exit_code, kNotYourFault);
  } else {
    what = fmt::format("the grader ended without recording a grade for this submission ({}); {}",
                       missing_grade, kNotYourFault);
  }
  const std::string last = LastLines(end.err.bytes, kStderrLines, kStderrLineBytes);
  if (last.empty()) return what;
  std::string indented;
  for (char c : last) {
    indented += c;
    if (c == '\n') indented += "  ";
  }
  return fmt::format("{}\nthe grader's last words on stderr:\n  {}", what, indented);
}

json StudentGradeFileJson(const ClassRunPlan& plan, const StudentProcessResult& result) {
  ClassGrades one{plan.lab_name, plan.lab_title, plan.tests, {result.grade}};
  return {{"grades", ClassGradesJson(one)},
          {"build_from_cache", result.cache.build_from_cache},
          {"reference_build_from_cache", result.cache.reference_build_from_cache}};
}

std::optional<StudentProcessResult> StudentGradeFromFileJson(const json& json,
                                                             const ClassRunPlan& plan,
                                                             const std::string& id,
                                                             std::string* error) {
  if (!json.is_object() || !json.contains("grades") || !json.contains("build_from_cache") ||
      !json.contains("reference_build_from_cache") || !json["build_from_cache"].is_boolean() ||
      !json["reference_build_from_cache"].is_boolean()) {
    *error = "not a grade-one file: expected grades, build_from_cache, reference_build_from_cache";
    return std::nullopt;
  }
  std::optional<ClassGrades> grades = ClassGradesFromJson(json["grades"], error);
  if (!grades) return std::nullopt;
  const bool same_tests =
      grades->lab_name == plan.lab_name &&
      std::equal(grades->tests.begin(), grades->tests.end(), plan.tests.begin(), plan.tests.end(),
                 [](const TestColumn& a, const TestColumn& b) {
                   return a.name == b.name && a.max_points == b.max_points;
                 });
  if (!same_tests || grades->students.size() != 1 || grades->students[0].student_id != id) {
    *error = fmt::format("not the grade of student {} on these tests of {}", id, plan.lab_name);
    return std::nullopt;
  }
  return StudentProcessResult{
      std::move(grades->students[0]),
      {json["build_from_cache"].get<bool>(), json["reference_build_from_cache"].get<bool>()}};
}

int GradeStudentForParent(const LabSpec& lab, const ClassRunPlan& plan, const std::string& id,
                          const GradeOptions& base_options, const Isolation& isolation) {
  BuildCacheFacts cache;
  auto grade = [&](const fs::path& submission, int test_jobs, int) {
    GradeOptions options = base_options;
    options.submission_dir = submission;
    options.jobs = test_jobs;
    GradeReport report = GradeSubmission(lab, options, isolation);
    cache = {report.build.from_cache, report.reference_build_from_cache};
    return report;
  };
  StudentProcessResult result{GradeStudentHere(plan, grade, id, 0), {}};
  result.cache = cache;
  const fs::path path = plan.out_dir / id / kStudentGradeFile;
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << StudentGradeFileJson(plan, result).dump(2, ' ', false, json::error_handler_t::replace)
       << "\n";
  file.close();
  if (!file) {
    std::cerr << fmt::format("labgrade: cannot write {}: {}\n", path.string(),
                             std::strerror(errno));
    return 3;
  }
  return 0;
}

StudentProcessResult GradeStudentInChild(const ClassRunPlan& plan,
                                         const StudentProcessRequest& request) {
  const std::string& id = request.student_id;
  try {
    std::error_code ignored;
    fs::remove(plan.out_dir / id / kStudentGradeFile, ignored);  // left by an earlier run
    // Made and removed here, whatever becomes of the child (see grading/work_folder.h).
    auto work = WorkFolder::Create();
    if (auto* error = std::get_if<std::string>(&work)) {
      return {RecordGraderFailure(
                  plan, id,
                  fmt::format("the grader could not start grading this submission ({}); {}", *error,
                              kNotYourFault)),
              {}};
    }
    const WorkFolder& folder = std::get<WorkFolder>(work);
    StudentProcessRequest in_folder = request;
    in_folder.work_dir = folder.path();
    LaunchSpec spec;
    spec.executable = request.labgrade;
    spec.args = GradeOneArguments(plan, in_folder);
    spec.working_dir = fs::current_path();
    spec.environment = request.environment;
    RunLimits limits{request.wall_limit_ms, kChildOutputBytes, kChildKillGraceMs};
    auto started = ProgramRun::Start(spec, nullptr, limits);
    if (auto* error = std::get_if<LaunchError>(&started)) {
      return {RecordGraderFailure(
                  plan, id,
                  fmt::format("the grader could not start grading this submission ({}); {}",
                              error->message, kNotYourFault)),
              {}};
    }
    auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
    run->WaitUntilFinished(Clock::time_point::max());
    const ProgramEnd& end = run->end();
    std::string missing_grade;
    if (end.exited && end.exit_code == 0 && !end.hit_wall_limit) {
      if (auto result = TakeStudentGradeFile(plan, id, &missing_grade)) return *result;
    }
    fs::remove(plan.out_dir / id / kStudentGradeFile, ignored);
    return {
        RecordGraderFailure(plan, id, GraderCrashText(end, request.wall_limit_ms, missing_grade)),
        {}};
  } catch (const std::exception& failure) {
    return {RecordGraderFailure(plan, id, fmt::format("internal error: {}", failure.what())), {}};
  }
}

bool ChildrenUseNamespaces(const fs::path& labgrade, const std::vector<std::string>& environment,
                           std::string* note) {
  LaunchSpec spec;
  spec.executable = labgrade;
  spec.args = {"probe-isolation"};
  spec.working_dir = fs::current_path();
  spec.environment = environment;
  auto started = ProgramRun::Start(spec, nullptr, {kProbeWallMs, kChildOutputBytes, 1'000});
  if (auto* error = std::get_if<LaunchError>(&started)) {
    *note = error->message;
    return false;
  }
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->WaitUntilFinished(Clock::time_point::max());
  const ProgramEnd& end = run->end();
  const std::string& out = end.out.bytes;
  if (end.exited && end.exit_code == 0 && out.starts_with("namespaces\n")) return true;
  *note = out.starts_with("host\n")
              ? out.substr(5)
              : fmt::format("the isolation probe failed: {}", LastLines(end.err.bytes, 3, 300));
  return false;
}

std::vector<std::string> OwnEnvironment() {
  std::vector<std::string> entries;
  for (char** entry = environ; entry && *entry; ++entry) entries.emplace_back(*entry);
  return entries;
}

}  // namespace labgrade
