#include "harness/build/submission_build.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "harness/build/submission_copy.h"
#include "harness/process/program_run.h"
#include "harness/sandbox/program_confinement.h"
#include "harness/spec/placeholders.h"
#include "harness/spec/provided_paths.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kBuildLogBytes = 256 * 1024;
/// The build's own /tmp in its cell: compilers keep their temporary files there.
constexpr int kBuildTmpMib = 1024;

/// Whether `relative` is a regular file of the copied submission, a link inside it included.
bool IsFileBeneath(const fs::path& dir, const std::string& relative) {
  UniqueFd folder(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  open_how how{};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  UniqueFd file(
      static_cast<int>(::syscall(SYS_openat2, folder.get(), relative.c_str(), &how, sizeof how)));
  struct stat status {};
  return file.valid() && ::fstat(file.get(), &status) == 0 && S_ISREG(status.st_mode);
}

}  // namespace

bool IsRequiredPattern(const std::string& required) {
  return required.find_first_of("*?[") != std::string::npos;
}

std::vector<std::string> RequiredFileProblems(const fs::path& dir,
                                              const std::vector<std::string>& required,
                                              std::vector<std::string>& missing) {
  std::vector<std::string> problems;
  for (const std::string& file : required) {
    if (!IsRequiredPattern(file)) {
      if (!IsFileBeneath(dir, file)) missing.push_back(file);
      continue;
    }
    std::vector<std::string> matched;
    std::error_code ec;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      // FNM_PERIOD: a pattern never picks a hidden file unless it says so.
      if (::fnmatch(file.c_str(), name.c_str(), FNM_PERIOD) == 0 && IsFileBeneath(dir, name))
        matched.push_back(name);
    }
    std::sort(matched.begin(), matched.end());
    if (matched.empty()) {
      missing.push_back(fmt::format("{} (no file matches it)", file));
    } else if (matched.size() > 1) {
      problems.push_back(fmt::format("{} matches {} files ({}): hand in exactly one", file,
                                     matched.size(), fmt::join(matched, ", ")));
    }
  }
  return problems;
}

namespace {

/// Copies the submission into the build folder: the student's problem when it holds a link
/// out, is too deep or cannot be read; the grader's when the build folder cannot be written.
BuildResult CopyIn(const BuildRequest& request, std::vector<std::string>* notes) {
  BuildResult result;
  if (auto problem = CopySubmissionTree(request.source_dir, request.build_dir, notes)) {
    if (problem->students) {
      result.command = "(copying the submission's files)";
      result.log = fmt::format("The submission in {} cannot be graded as it is: {}.\n",
                               request.source_dir.string(), problem->message);
    } else {
      result.grader_error = problem->message;
    }
    return result;
  }
  result.ok = true;
  return result;
}

/// Checks the copy for the lab's required files.
BuildResult CheckRequired(const LabSpec& lab, const BuildRequest& request) {
  BuildResult result;
  std::vector<std::string> missing;
  const std::vector<std::string> problems =
      RequiredFileProblems(request.build_dir, lab.required_files, missing);
  if (missing.empty() && problems.empty()) {
    result.ok = true;
    return result;
  }
  result.command = "(checking the submission's files)";
  if (!missing.empty()) {
    result.log =
        fmt::format("The submission in {} is missing {}: {}.\n", request.source_dir.string(),
                    missing.size() == 1 ? "a file" : "files", fmt::join(missing, ", "));
  }
  for (const std::string& problem : problems) result.log += problem + ".\n";
  result.log += fmt::format("A submission for {} must contain: {}.\n", lab.name,
                            fmt::join(lab.required_files, ", "));
  return result;
}

/// The cell the build commands run in, and its root's mount point, removed with it.
class BuildCell {
 public:
  /// Enters a cell that shows the build folder (writable), the system's folders and, when the
  /// commands name it, the lab folder (read-only, at its own path).
  std::optional<std::string> Enter(const LabSpec& lab, const BuildRequest& request) {
    const BuildIsolation& isolation = request.isolation;
    if (isolation.host == nullptr) return std::nullopt;
    root_point_ = request.build_dir.parent_path() /
                  fmt::format(".{}-cell", request.build_dir.filename().string());
    std::error_code ec;
    fs::create_directories(root_point_, ec);
    if (ec) return fmt::format("cannot create {}: {}", root_point_.string(), ec.message());
    CellSetup setup;
    setup.filesystem.root_mount_point = root_point_;
    setup.filesystem.folders = {{request.build_dir, true}};
    if (AnyNamesLabFolder(lab.build_commands))
      setup.filesystem.folders.push_back({lab.lab_dir, false});
    setup.filesystem.tmp_mib = kBuildTmpMib;
    auto entered = Cell::Enter(*isolation.host, isolation.cell_init, setup);
    if (auto* error = std::get_if<std::string>(&entered))
      return fmt::format("cannot make the build's cell: {}", *error);
    cell_ = std::move(std::get<std::unique_ptr<Cell>>(entered));
    return std::nullopt;
  }

  /// Puts a build command into the cell.
  void Place(ChildSandbox& sandbox) const {
    if (cell_ == nullptr) return;
    sandbox.pid_namespace_fd = cell_->pid_namespace_fd();
    sandbox.join_mount_namespace_fd = cell_->mount_namespace_fd();
    sandbox.cell_root_fd = cell_->root_fd();
  }

  ~BuildCell() {
    cell_.reset();  // kills whatever the commands left running
    if (!root_point_.empty()) ::rmdir(root_point_.c_str());
  }

 private:
  fs::path root_point_;
  std::unique_ptr<Cell> cell_;
};

/// Runs the build commands in the build folder. Clears `cacheable` when the outcome may not
/// follow from the files alone: the build was stopped at its time limit.
BuildResult RunCommands(const LabSpec& lab, const BuildRequest& request, bool* cacheable) {
  BuildResult result;
  BuildCell cell;
  if (auto error = cell.Enter(lab, request)) {
    result.grader_error = *error;
    return result;
  }
  std::vector<FolderRule> own = {{request.build_dir, FolderAccess::kEverything}};
  if (AnyNamesLabFolder(lab.build_commands))
    own.push_back({lab.lab_dir, FolderAccess::kReadExecute});
  const LandlockRules confinement = ConfinementRules(request.isolation.landlock_abi, own);
  for (const std::string& command : lab.build_commands) {
    result.command = command;
    LaunchSpec spec;
    spec.executable = "/bin/sh";
    spec.args = {"-c", ExpandBuildCommand(command, lab.lab_dir)};
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
    cell.Place(spec.sandbox);
    if (!confinement.empty()) spec.sandbox.landlock = &confinement;
    spec.sandbox.seccomp = request.isolation.seccomp;
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
      // Said first: a long log is cut in the reports, and this line is why the build failed.
      result.log =
          fmt::format("The build took longer than {} s {}and was stopped.\n\n",
                      lab.build_timeout_ms / 1000, end.hit_wall_limit ? "" : "of CPU time ") +
          result.log;
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

/// The lab's own copies win: a student may not change the header the programs agree on.
std::optional<std::string> InstallProvidedFiles(const LabSpec& lab, const fs::path& build_dir) {
  for (const std::string& provided : lab.provided_folders) {
    if (auto error =
            InstallProvidedFolder(lab.lab_dir / provided, build_dir, ProvidedName(provided)))
      return error;
  }
  for (const std::string& provided : lab.provided_files) {
    if (auto error = InstallProvidedFile(lab.lab_dir / provided, build_dir, ProvidedName(provided)))
      return error;
  }
  return std::nullopt;
}

}  // namespace

void ChownTree(const fs::path& root, uid_t uid, gid_t gid) {
  if (::lchown(root.c_str(), uid, gid) != 0) return;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat status {};
    if (::lstat(it->path().c_str(), &status) != 0) continue;
    // A hard link the build made (where fs.protected_hardlinks is off) may be /etc/shadow.
    if (!S_ISDIR(status.st_mode) && status.st_nlink > 1) continue;
    ::lchown(it->path().c_str(), uid, gid);
  }
}

BuildResult BuildSubmission(const LabSpec& lab, const BuildRequest& request) {
  std::vector<std::string> notes;
  BuildResult result = CopyIn(request, &notes);
  if (!result.ok) return result;
  result = CheckRequired(lab, request);
  if (!result.ok) return result;
  std::string notes_text;
  for (const std::string& note : notes) notes_text += fmt::format("labgrade: {}\n", note);

  std::optional<std::string> key;
  if (request.cache != nullptr) {
    // The key is taken from the copy, which holds nothing from outside the submission.
    std::string unreadable;
    key = request.cache->KeyFor(lab, request.build_dir, &unreadable);
    if (key) {
      std::error_code ec;
      fs::remove_all(request.build_dir, ec);
      if (std::optional<BuildResult> cached = request.cache->Restore(*key, request.build_dir)) {
        if (request.identity.uid)
          ChownTree(request.build_dir, *request.identity.uid, request.identity.gid.value_or(0));
        return *cached;
      }
      result = CopyIn(request, &notes);
      if (!result.ok) return result;
    }
  }
  result = BuildResult{};
  if (auto error = InstallProvidedFiles(lab, request.build_dir)) {
    result.grader_error = *error;
    return result;
  }
  if (request.identity.uid)
    ChownTree(request.build_dir, *request.identity.uid, request.identity.gid.value_or(0));
  bool cacheable = true;
  result = RunCommands(lab, request, &cacheable);
  result.log = notes_text + result.log;
  // A build that could not be stored is only built again next time.
  if (key && cacheable && result.grader_error.empty())
    (void)request.cache->Store(*key, request.build_dir, result);
  return result;
}

}  // namespace labgrade
