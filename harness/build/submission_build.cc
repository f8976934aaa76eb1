#include "harness/build/submission_build.h"

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include "harness/process/program_run.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kBuildLogBytes = 256 * 1024;

/// Copies the submission's files (not its .git or build products' folders) into `to`.
bool CopySubmission(const fs::path& from, const fs::path& to, std::string* error) {
  std::error_code ec;
  for (auto entry = fs::recursive_directory_iterator(from, ec);
       !ec && entry != fs::recursive_directory_iterator(); entry.increment(ec)) {
    const fs::path relative = fs::relative(entry->path(), from, ec);
    if (relative.filename() == ".git") {
      entry.disable_recursion_pending();
      continue;
    }
    if (entry->is_directory()) {
      fs::create_directories(to / relative, ec);
    } else if (entry->is_regular_file()) {
      fs::copy_file(entry->path(), to / relative, fs::copy_options::overwrite_existing, ec);
    }
    if (ec) break;
  }
  if (ec) *error = fmt::format("cannot copy {}: {}", from.string(), ec.message());
  return !ec;
}

/// Hands the build folder to the sandbox user, so that the compiler can write there.
void ChownTree(const fs::path& root, const SandboxIdentity& identity) {
  if (!identity.uid) return;
  gid_t gid = identity.gid.value_or(0);
  std::error_code ec;
  if (::chown(root.c_str(), *identity.uid, gid) != 0) return;
  for (auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (::lchown(entry.path().c_str(), *identity.uid, gid) != 0) return;
  }
}

/// Copies the files and runs the build commands. Clears `cacheable` when the outcome may not
/// follow from the files alone: the build was stopped at its time limit.
BuildResult RunBuild(const LabSpec& lab, const BuildRequest& request, bool* cacheable) {
  BuildResult result;
  std::error_code ec;
  fs::create_directories(request.build_dir, ec);
  std::string error;
  if (ec || !CopySubmission(request.source_dir, request.build_dir, &error)) {
    result.grader_error =
        ec ? fmt::format("cannot create {}: {}", request.build_dir.string(), ec.message()) : error;
    return result;
  }
  // The lab's own copies win: a student may not change the header the programs agree on.
  for (const std::string& provided : lab.provided_files) {
    fs::copy_file(lab.lab_dir / provided, request.build_dir / fs::path(provided).filename(),
                  fs::copy_options::overwrite_existing, ec);
    if (ec) {
      result.grader_error = fmt::format("cannot copy the lab's {}: {}", provided, ec.message());
      return result;
    }
  }
  ChownTree(request.build_dir, request.identity);

  for (const std::string& command : lab.build_commands) {
    result.command = command;
    LaunchSpec spec;
    spec.executable = "/bin/sh";
    spec.args = {"-c", command};
    spec.working_dir = request.build_dir;
    // GCC_COLORS empty: no colour codes in a log that is shown in reports.
    spec.environment = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C",
                        "GCC_COLORS=", "HOME=" + request.build_dir.string(),
                        "TMPDIR=" + request.build_dir.string()};
    ProgramLimits limits;
    limits.wall_ms = lab.build_timeout_ms;
    limits.cpu_ms = lab.build_timeout_ms;
    limits.memory_mib = 2048;
    limits.processes = 256;
    limits.open_files = 256;
    limits.output_bytes = kBuildLogBytes;
    spec.sandbox.limits = limits;
    spec.sandbox.uid = request.identity.uid;
    spec.sandbox.gid = request.identity.gid;
    auto started =
        ProgramRun::Start(spec, nullptr, RunLimits{lab.build_timeout_ms, kBuildLogBytes, 1'000});
    if (auto* failure = std::get_if<LaunchError>(&started)) {
      result.grader_error = fmt::format("cannot run the build command: {}", failure->message);
      return result;
    }
    auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
    run->WaitUntilFinished(Clock::time_point::max());
    const ProgramEnd& end = run->end();
    result.log += end.out.bytes + end.err.bytes;
    // Stopped at a limit, not failed: on a less loaded machine it may finish, so it is never
    // cached. The CPU limit equals the wall limit, and a busy command can reach it first:
    // RLIMIT_CPU sends SIGXCPU, then SIGKILL at the hard limit.
    const bool hit_cpu_limit =
        !end.exited && (end.term_signal == SIGXCPU || end.term_signal == SIGKILL);
    if (end.hit_wall_limit || hit_cpu_limit) {
      *cacheable = false;
      result.log +=
          fmt::format("\nThe build took longer than {} s {}and was stopped.\n",
                      lab.build_timeout_ms / 1000, end.hit_wall_limit ? "" : "of CPU time ");
      return result;
    }
    if (!end.exited || end.exit_code != 0) {
      result.log += fmt::format("\nThe command failed ({}).\n",
                                end.exited ? fmt::format("exit status {}", end.exit_code)
                                           : fmt::format("signal {}", end.term_signal));
      return result;
    }
  }
  result.ok = true;
  return result;
}

}  // namespace

BuildResult BuildSubmission(const LabSpec& lab, const BuildRequest& request) {
  BuildResult result;
  std::vector<std::string> missing;
  for (const std::string& file : lab.required_files) {
    if (!fs::is_regular_file(request.source_dir / file)) missing.push_back(file);
  }
  if (!missing.empty()) {
    result.command = "(checking the submission's files)";
    result.log = fmt::format(
        "The submission in {} is missing {}: {}.\nA submission for {} must contain: {}.\n",
        request.source_dir.string(), missing.size() == 1 ? "a file" : "files",
        fmt::join(missing, ", "), lab.name, fmt::join(lab.required_files, ", "));
    return result;
  }
  std::optional<std::string> key;
  if (request.cache != nullptr) {
    std::string unreadable;
    // A submission that cannot be read for the key is built as usual, and its copy says why.
    key = request.cache->KeyFor(lab, request.source_dir, &unreadable);
    if (key) {
      if (std::optional<BuildResult> cached = request.cache->Restore(*key, request.build_dir)) {
        ChownTree(request.build_dir, request.identity);
        return *cached;
      }
    }
  }
  bool cacheable = true;
  result = RunBuild(lab, request, &cacheable);
  // A build that could not be stored is only built again next time.
  if (key && cacheable && result.grader_error.empty())
    (void)request.cache->Store(*key, request.build_dir, result);
  return result;
}

}  // namespace labgrade
