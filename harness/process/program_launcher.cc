// Fork and exec through Boost.Process v2's default launcher, with a sandboxing initializer whose
// on_exec_setup runs in the child. Only async-signal-safe calls run in the child: the parent may
// have other threads, whose locks the child inherits held.
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
#include <cerrno>
#include <cstring>
#include <shared_mutex>

// Boost 1.81's v2 headers name boost::optional and the Boost type traits without including
// them when BOOST_PROCESS_USE_STD_FS is set (which spares linking Boost.Filesystem), so these
// come first, in a block of their own.
#include <boost/optional.hpp>
#include <boost/type_traits.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/process/v2.hpp>

#include <fmt/format.h>

namespace labgrade {
namespace {

namespace bp = boost::process::v2;

/// What a failed child sends back on its own channel, apart from Boost's errno pipe, so the
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

/// The Boost.Process initializer that applies a ChildSandbox.
class SandboxInitializer {
 public:
  SandboxInitializer(const LaunchSpec& spec, const char* const* envp)
      : spec_(spec), envp_(envp), working_dir_(spec.working_dir.string()) {}

  // Parent, before fork.
  bp::error_code on_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&,
                          const char* const*) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return bp::error_code(errno, bp::system_category());
    failure_read_.Reset(fds[0]);
    failure_write_.Reset(fds[1]);
    launcher.fd_whitelist.push_back(failure_write_.get());
    if (spec_.sandbox.keep_until_exec_fd >= 0)
      launcher.fd_whitelist.push_back(spec_.sandbox.keep_until_exec_fd);
    launcher.env = envp_;
    if (spec_.sandbox.pid_namespace_fd >= 0) {
      own_pid_namespace_.Reset(::open("/proc/thread-self/ns/pid", O_RDONLY | O_CLOEXEC));
      if (!own_pid_namespace_.valid() ||
          ::setns(spec_.sandbox.pid_namespace_fd, CLONE_NEWPID) != 0) {
        error_ = LaunchError{
            fmt::format("setns(PID namespace of the cell): {}", std::strerror(errno)), errno};
        return bp::error_code(errno, bp::system_category());
      }
    }
    return {};
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

  // Child, after the stdio bindings.
  bp::error_code on_exec_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&,
                               const char* const*) {
    const ChildSandbox& box = spec_.sandbox;
    if (box.cell_filesystem != nullptr && !BuildCellFilesystem(*box.cell_filesystem))
      return Failed();
    if (box.join_mount_namespace_fd >= 0 && ::setns(box.join_mount_namespace_fd, CLONE_NEWNS) != 0)
      return Fail("setns", "mount namespace");
    if (box.cell_root_fd >= 0 && (::fchdir(box.cell_root_fd) != 0 || ::chroot(".") != 0))
      return Fail("chroot", "the cell's root");
    for (int procs : box.join_cgroup_fds) {
      if (::write(procs, "0", 1) != 1) return Fail("write", "cgroup.procs, joining its cgroup");
    }
    // Only now: the namespace, root and cgroup descriptors above were some of them.
    CloseInheritedDescriptors(launcher.fd_whitelist);
    if (!working_dir_.empty() && ::chdir(working_dir_.c_str()) != 0)
      return Fail("chdir", working_dir_.c_str());
    if (box.new_session && ::setsid() < 0) return Fail("setsid", nullptr);
    if (box.limits && !ApplyLimits(*box.limits)) return Failed();
    if (box.gid || box.uid) {
      if (box.ipc_owner_capability && ::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
        return Fail("prctl", "PR_SET_KEEPCAPS");
      if (::setgroups(box.groups.size(), box.groups.data()) != 0) return Fail("setgroups", nullptr);
      if (box.gid && ::setresgid(*box.gid, *box.gid, *box.gid) != 0)
        return Fail("setresgid", nullptr);
      if (box.uid && ::setresuid(*box.uid, *box.uid, *box.uid) != 0)
        return Fail("setresuid", nullptr);
      if (box.ipc_owner_capability && !KeepOnlyIpcOwner()) return Failed();
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
    return {};
  }

  // Boost 1.81 looks for on_exec_error and on_error with a five-argument signature but calls
  // the four-argument one, so without these declarations (never defined: only decltype sees
  // them) neither hook would ever run, and a failed child would call exit().
  void on_exec_error(bp::posix::default_launcher&, const bp::error_code&,
                     const bp::filesystem::path&, const char* const*, const bp::error_code&);
  void on_error(bp::posix::default_launcher&, const bp::error_code&, const bp::filesystem::path&,
                const char* const*, const bp::error_code&);

  // Child, when on_exec_setup or execve failed. Boost would call exit(), which runs the
  // parent's atexit handlers in the child; leave at once instead.
  void on_exec_error(bp::posix::default_launcher&, const bp::filesystem::path& executable,
                     const char* const*, const bp::error_code&) {
    if (!reported_) {
      int saved = errno;
      Report("execve", executable.c_str(), saved);
    }
    ::_exit(127);
  }

  // Parent, when the launch failed: read the child's own account of what failed.
  void on_error(bp::posix::default_launcher& launcher, const bp::filesystem::path&,
                const char* const*, const bp::error_code& ec) {
    failure_write_.Reset();
    // Boost leaves a child that failed before exec unreaped; in a cell, an unreaped child
    // would keep the cell's init from ever finishing.
    if (launcher.pid > 0) {
      while (::waitpid(launcher.pid, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
    // on_setup failed before any fork and has already said which call it was.
    if (error_) return;
    ChildFailure failure{};
    ssize_t got;
    do {
      got = ::read(failure_read_.get(), &failure, sizeof failure);
    } while (got < 0 && errno == EINTR);
    if (got == static_cast<ssize_t>(sizeof failure)) {
      error_ =
          LaunchError{fmt::format("{}: {}", failure.call, std::strerror(failure.error_number)),
                      failure.error_number, std::string_view(failure.call).rfind("execve", 0) == 0};
    } else {
      error_ = LaunchError{fmt::format("starting {}: {}", spec_.executable.string(), ec.message()),
                           ec.value()};
    }
  }

  void on_success(bp::posix::default_launcher&, const bp::filesystem::path&, const char* const*) {
    failure_write_.Reset();
  }

  const std::optional<LaunchError>& error() const { return error_; }

 private:
  // Boost 1.81's close_all() compares each whitelisted fd with itself instead of the next one,
  // so it never closes the gaps between whitelisted descriptors: a descriptor the harness
  // inherited (fd 10 from a shell, say) would reach the program. Close every gap here.
  static void CloseInheritedDescriptors(std::vector<int>& whitelist) {
    std::sort(whitelist.begin(), whitelist.end());
    unsigned next_to_close = 0;
    for (int keep : whitelist) {
      if (keep < 0) continue;
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
    reported_ = true;
    errno = error_number;
    return false;
  }

  bp::error_code Fail(const char* call, const char* detail) {
    Report(call, detail, errno);
    return Failed();
  }

  bp::error_code Failed() const {
    return bp::error_code(errno ? errno : EINVAL, bp::system_category());
  }

  const LaunchSpec& spec_;
  const char* const* envp_;
  std::string working_dir_;
  UniqueFd failure_read_;
  UniqueFd failure_write_;
  UniqueFd own_pid_namespace_;  ///< where the thread's children go after the fork
  bool reported_ = false;
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
  std::vector<std::string> args = spec.args;

  SandboxInitializer sandbox(spec, envp.data());
  bp::posix::default_launcher launcher;
  boost::asio::io_context context;
  bp::error_code ec;
  auto process = launcher(
      context.get_executor(), ec, spec.executable, args,
      bp::process_stdio{spec.stdin_fd >= 0 ? bp::detail::process_input_binding(spec.stdin_fd)
                                           : bp::detail::process_input_binding(nullptr),
                        spec.stdout_fd >= 0 ? bp::detail::process_output_binding(spec.stdout_fd)
                                            : bp::detail::process_output_binding(nullptr),
                        spec.stderr_fd >= 0 ? bp::detail::process_error_binding(spec.stderr_fd)
                                            : bp::detail::process_error_binding(nullptr)},
      sandbox);
  sandbox.RestorePidNamespace();
  if (ec || sandbox.error()) {
    if (sandbox.error()) return *sandbox.error();
    return LaunchError{fmt::format("starting {}: {}", spec.executable.string(), ec.message()),
                       ec.value()};
  }
  LaunchedProcess launched;
  launched.pid = process.id();
  // We wait ourselves (wait4 gives the CPU time Boost's wait does not), so Boost lets go.
  process.detach();
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
