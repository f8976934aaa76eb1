// fork and exec, with the sandbox applied in the child between them. Only async-signal-safe calls
// run in the child: the parent has other threads, whose locks the child inherits held. (Boost.
// Process, used here before, notifies its io_context of the fork in the child, which allocates:
// under AddressSanitizer a child could spin forever on an allocator lock another thread held, and
// the launch with it.)
#include "harness/process/program_launcher.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace labgrade {
namespace {

/// What a failed child sends back on its own channel, so the
/// message names the call that failed and is never mistaken for the program's exit status.
struct ChildFailure {
  char call[120];
  int error_number;
};

void CopyCall(char (&to)[120], const char* call, const char* detail) {
  std::size_t used = 0;
  for (const char* p = call; *p && used + 1 < sizeof to; ++p) to[used++] = *p;
  if (detail != nullptr) {
    for (const char* p = "("; *p && used + 1 < sizeof to; ++p) to[used++] = *p;
    for (const char* p = detail; *p && used + 2 < sizeof to; ++p) to[used++] = *p;
    to[used++] = ')';
  }
  to[used] = '\0';
}

rlim_t CeilSeconds(int ms) { return static_cast<rlim_t>((ms + 999) / 1000); }

/// One launch: what the parent prepares before the fork, what the child does between fork and
/// exec, and how the parent learns the outcome.
class Launch {
 public:
  Launch(const LaunchSpec& spec, const char* const* argv, const char* const* envp)
      : spec_(spec), argv_(argv), envp_(envp), working_dir_(spec.working_dir.string()) {}

  /// Parent, before fork: the channels and descriptors the child will use, and the PID
  /// namespace its children are born in. False with error() set when one cannot be had.
  bool Prepare() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return SetError("pipe2", errno);
    failure_read_.Reset(fds[0]);
    failure_write_.Reset(fds[1]);
    const int given[3] = {spec_.stdin_fd, spec_.stdout_fd, spec_.stderr_fd};
    for (int target = 0; target < 3; ++target) {
      if (given[target] >= 0) {
        stdio_[target] = given[target];
        continue;
      }
      dev_null_[target].Reset(::open("/dev/null", (target == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC));
      if (!dev_null_[target].valid()) return SetError("open(/dev/null)", errno);
      stdio_[target] = dev_null_[target].get();
    }
    keep_ = {0, 1, 2, failure_write_.get(), spec_.sandbox.keep_until_exec_fd};
    std::sort(keep_.begin(), keep_.end());
    const ChildSandbox& box = spec_.sandbox;
    keep_while_sandboxing_.assign(keep_.begin(), keep_.end());
    keep_while_sandboxing_.push_back(box.join_mount_namespace_fd);
    keep_while_sandboxing_.push_back(box.cell_root_fd);
    keep_while_sandboxing_.insert(keep_while_sandboxing_.end(), box.join_cgroup_fds.begin(),
                                  box.join_cgroup_fds.end());
    std::sort(keep_while_sandboxing_.begin(), keep_while_sandboxing_.end());
    if (spec_.sandbox.pid_namespace_fd >= 0) {
      own_pid_namespace_.Reset(::open("/proc/thread-self/ns/pid", O_RDONLY | O_CLOEXEC));
      if (!own_pid_namespace_.valid() || ::setns(spec_.sandbox.pid_namespace_fd, CLONE_NEWPID) != 0)
        return SetError("setns(PID namespace of the cell)", errno);
    }
    return true;
  }

  /// Child: the sandbox, then exec; never returns.
  [[noreturn]] void RunChild() {
    if (BindStdio() && ApplySandbox()) {
      ::execve(spec_.executable.c_str(), const_cast<char* const*>(argv_),
               const_cast<char* const*>(envp_));
      Report("execve", spec_.executable.c_str(), errno);
    }
    ::_exit(127);
  }

  /// Parent, after a successful fork: whether the child reached exec. On failure the child is
  /// reaped (in a cell, an unreaped child would keep the cell's init from ever finishing) and
  /// error() says which call failed.
  bool FailedBeforeExec(pid_t child) {
    failure_write_.Reset();
    ChildFailure failure{};
    ssize_t got;
    do {
      got = ::read(failure_read_.get(), &failure, sizeof failure);
    } while (got < 0 && errno == EINTR);
    if (got == 0) return false;  // end of file: exec closed the channel
    while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
    if (got == static_cast<ssize_t>(sizeof failure)) {
      error_ =
          LaunchError{fmt::format("{}: {}", failure.call, std::strerror(failure.error_number)),
                      failure.error_number, std::string_view(failure.call).rfind("execve", 0) == 0};
    } else {
      error_ = LaunchError{
          fmt::format("starting {}: the child ended before exec", spec_.executable.string()), EIO};
    }
    return true;
  }

  bool SetError(const char* call, int error_number) {
    error_ = LaunchError{fmt::format("{}: {}", call, std::strerror(error_number)), error_number};
    return false;
  }

  /// Parent, once the fork is done whatever its outcome: the thread's children are born in
  /// its own PID namespace again.
  void RestorePidNamespace() {
    if (!own_pid_namespace_.valid()) return;
    if (::setns(own_pid_namespace_.get(), CLONE_NEWPID) != 0) {
      // A thread stuck in this state would start every later program in a finished cell.
      fmt::print(stderr, "labgrade: internal error: setns back to the PID namespace: {}\n",
                 std::strerror(errno));
      std::abort();
    }
    own_pid_namespace_.Reset();
  }

  /// Child: descriptors 0, 1 and 2 become the given ones, without close-on-exec.
  bool BindStdio() {
    // A given descriptor may itself be 0, 1 or 2 and be needed for a later target: lift all
    // three above 2 first.
    int lifted[3];
    for (int target = 0; target < 3; ++target) {
      lifted[target] = ::fcntl(stdio_[target], F_DUPFD_CLOEXEC, 3);
      if (lifted[target] < 0) return Report("fcntl", "F_DUPFD_CLOEXEC", errno);
    }
    for (int target = 0; target < 3; ++target) {
      if (::dup2(lifted[target], target) < 0) return Report("dup2", nullptr, errno);
      ::close(lifted[target]);
    }
    return true;
  }

  // Child, after the stdio bindings.
  bool ApplySandbox() {
    const ChildSandbox& box = spec_.sandbox;
    // At once: the child holds a copy of every descriptor of the grader, among them the write
    // ends of other programs' standard input, and building a cell's filesystem can take tens of
    // milliseconds on a loaded machine. For that long such a program would not see the end of
    // its input, and a test could look stuck (stall_watch) when it is not.
    CloseAllBut(keep_while_sandboxing_);
    if (box.cell_filesystem != nullptr && !BuildCellFilesystem(*box.cell_filesystem)) return false;
    if (box.join_mount_namespace_fd >= 0 && ::setns(box.join_mount_namespace_fd, CLONE_NEWNS) != 0)
      return Fail("setns", "mount namespace");
    if (box.cell_root_fd >= 0 && (::fchdir(box.cell_root_fd) != 0 || ::chroot(".") != 0))
      return Fail("chroot", "the cell's root");
    for (int procs : box.join_cgroup_fds) {
      if (::write(procs, "0", 1) != 1) return Fail("write", "cgroup.procs, joining its cgroup");
    }
    // Only now: the namespace, root and cgroup descriptors above were kept for the calls above.
    CloseAllBut(keep_);
    if (!working_dir_.empty() && ::chdir(working_dir_.c_str()) != 0)
      return Fail("chdir", working_dir_.c_str());
    if (box.new_session && ::setsid() < 0) return Fail("setsid", nullptr);
    if (box.limits && !ApplyLimits(*box.limits)) return false;
    if (box.gid || box.uid) {
      if (box.ipc_owner_capability && ::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
        return Fail("prctl", "PR_SET_KEEPCAPS");
      if (::setgroups(box.groups.size(), box.groups.data()) != 0) return Fail("setgroups", nullptr);
      if (box.gid && ::setresgid(*box.gid, *box.gid, *box.gid) != 0)
        return Fail("setresgid", nullptr);
      if (box.uid && ::setresuid(*box.uid, *box.uid, *box.uid) != 0)
        return Fail("setresuid", nullptr);
      if (box.ipc_owner_capability && !KeepOnlyIpcOwner()) return false;
    }
    // After the uid change: a credential change clears the parent-death signal.
    if (box.kill_on_parent_death && ::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
      return Fail("prctl", "PR_SET_PDEATHSIG, SIGKILL");
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Fail("prctl", "PR_SET_NO_NEW_PRIVS");
    if (box.landlock != nullptr) {
      const char* call = "landlock";
      if (box.landlock->Apply(&call) != 0) return Fail(call, nullptr);
    }
    // The harness blocks or ignores signals on its threads, and whoever started the grader may
    // have ignored more (nohup ignores SIGHUP, some shells and CI runners SIGPIPE or SIGINT);
    // an ignored signal stays ignored across exec. A program starts with every default.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    // SIGKILL, SIGSTOP and glibc's own real-time signals refuse: they cannot be ignored anyway.
    for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &default_action, nullptr);
    // Last: from here on the child's own system calls are filtered too.
    if (box.seccomp != nullptr && InstallSeccompFilter(*box.seccomp) != 0)
      return Fail("prctl", "PR_SET_SECCOMP");
    return true;
  }

  const std::optional<LaunchError>& error() const { return error_; }

 private:
  /// Every descriptor but the kept ones (sorted; negative ones stand for none): a descriptor
  /// the harness inherited (fd 10 from a shell, say) or opened on another thread must never
  /// reach the program. Allocates nothing: it runs between fork and exec.
  template <typename Sorted>
  static void CloseAllBut(const Sorted& kept) {
    unsigned next_to_close = 0;
    for (int keep : kept) {
      if (keep < 0 || static_cast<unsigned>(keep) < next_to_close) continue;
      if (static_cast<unsigned>(keep) > next_to_close)
        ::syscall(SYS_close_range, next_to_close, static_cast<unsigned>(keep) - 1, 0);
      next_to_close = static_cast<unsigned>(keep) + 1;
    }
    ::syscall(SYS_close_range, next_to_close, ~0U, 0);
  }

  bool BuildCellFilesystem(const CellFilesystemPlan& plan) {
    if (::unshare(CLONE_NEWNS) != 0) return Report("unshare", "CLONE_NEWNS", errno);
    // Without this, the mounts below would propagate back to the host.
    if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      return Report("mount", "/, MS_REC|MS_PRIVATE", errno);
    const char* call = "mount";
    const char* path = nullptr;
    if (plan.Build(&call, &path) != 0) return Report(call, path, errno);
    return true;
  }

  /// After setresuid with PR_SET_KEEPCAPS: CAP_IPC_OWNER alone, permitted, effective,
  /// inheritable and ambient, so that it survives the exec of an ordinary program.
  bool KeepOnlyIpcOwner() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    data[0].permitted = data[0].effective = data[0].inheritable = 1U << CAP_IPC_OWNER;
    if (::syscall(SYS_capset, &header, data) != 0) return Report("capset", "CAP_IPC_OWNER", errno);
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_IPC_OWNER, 0, 0) != 0)
      return Report("prctl", "PR_CAP_AMBIENT_RAISE, CAP_IPC_OWNER", errno);
    return true;
  }

  bool ApplyLimits(const ProgramLimits& limits) {
    auto set = [this](int resource, rlim_t value, const char* name) {
      rlimit limit{value, value};
      if (resource == RLIMIT_CPU) limit.rlim_max = value + 1;  // SIGXCPU first, then SIGKILL
      return ::setrlimit(resource, &limit) == 0 || Report("setrlimit", name, errno);
    };
    const rlim_t mib = 1024 * 1024;
    return set(RLIMIT_CPU, CeilSeconds(limits.cpu_ms), "RLIMIT_CPU") &&
           set(RLIMIT_AS, static_cast<rlim_t>(limits.memory_mib) * mib, "RLIMIT_AS") &&
           set(RLIMIT_NPROC, static_cast<rlim_t>(limits.processes), "RLIMIT_NPROC") &&
           set(RLIMIT_NOFILE, static_cast<rlim_t>(limits.open_files), "RLIMIT_NOFILE") &&
           set(RLIMIT_FSIZE, static_cast<rlim_t>(limits.file_size_mib) * mib, "RLIMIT_FSIZE") &&
           set(RLIMIT_CORE, 0, "RLIMIT_CORE");
  }

  bool Report(const char* call, const char* detail, int error_number) {
    ChildFailure failure{};
    CopyCall(failure.call, call, detail);
    failure.error_number = error_number;
    ssize_t ignored = ::write(failure_write_.get(), &failure, sizeof failure);
    (void)ignored;
    errno = error_number;
    return false;
  }

  bool Fail(const char* call, const char* detail) { return Report(call, detail, errno); }

  const LaunchSpec& spec_;
  const char* const* argv_;
  const char* const* envp_;
  std::string working_dir_;
  UniqueFd failure_read_;
  UniqueFd failure_write_;
  UniqueFd dev_null_[3];         ///< /dev/null for the standard descriptors not given
  int stdio_[3] = {-1, -1, -1};  ///< what becomes 0, 1 and 2
  std::array<int, 5> keep_{};    ///< the descriptors that stay open until exec, sorted
  /// keep_ and the namespace, root and cgroup descriptors the sandbox uses, sorted.
  std::vector<int> keep_while_sandboxing_;
  UniqueFd own_pid_namespace_;  ///< where the thread's children go after the fork
  std::optional<LaunchError> error_;
};

}  // namespace

namespace {

/// Whether launches are refused, and the lock that lets RefuseLaunches wait for the ones under
/// way. Process-wide on purpose: it is how a signal stops the whole process from forking.
std::shared_mutex launch_gate;
bool launches_refused = false;  ///< guarded by launch_gate

}  // namespace

void RefuseLaunches() {
  std::unique_lock lock(launch_gate);
  launches_refused = true;
}

LaunchOutcome LaunchProgram(const LaunchSpec& spec) {
  std::shared_lock gate(launch_gate);
  if (launches_refused) return LaunchError{"the grader is stopping: no program is started", EINTR};
  // Everything the child needs is prepared here: after fork it may not allocate.
  std::vector<const char*> envp;
  for (const std::string& entry : spec.environment) envp.push_back(entry.c_str());
  envp.push_back(nullptr);
  std::vector<const char*> argv{spec.argv0.empty() ? spec.executable.c_str() : spec.argv0.c_str()};
  for (const std::string& arg : spec.args) argv.push_back(arg.c_str());
  argv.push_back(nullptr);

  Launch launch(spec, argv.data(), envp.data());
  const bool prepared = launch.Prepare();
  pid_t pid = -1;
  if (prepared) {
    pid = ::fork();
    if (pid == 0) launch.RunChild();
    if (pid < 0) launch.SetError("fork", errno);
  }
  launch.RestorePidNamespace();
  if (pid < 0 || launch.FailedBeforeExec(pid)) return *launch.error();
  LaunchedProcess launched;
  launched.pid = pid;
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, launched.pid, 0));
  if (pidfd < 0) {
    int saved = errno;
    ::kill(launched.pid, SIGKILL);
    ::waitpid(launched.pid, nullptr, 0);
    return LaunchError{fmt::format("pidfd_open({}): {}", launched.pid, std::strerror(saved)),
                       saved};
  }
  ::fcntl(pidfd, F_SETFD, FD_CLOEXEC);
  launched.pidfd.Reset(pidfd);
  return launched;
}

}  // namespace labgrade
